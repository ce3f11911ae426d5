import type { FloorAgent, FloorConversation } from '../../domain/floor';
import { ratingText } from '../../domain/csat';
import { PRESENCE_LABELS } from '../../domain/presence';
import type { SentimentLevel } from '../../domain/sentiment';
import { h } from './dom';
import { WORK_ITEM_STATE_LABELS, channelLabel } from './format';
import { liveTime } from './live-times';

/** The Floor's two tables, drawn from one floor read; times tick with refreshLiveTimes. */

const column = (label: string | HTMLElement) => h('th', { scope: 'col' }, label);
const none = () =>
  h(
    'span',
    { class: 'floor-none' },
    h('span', { 'aria-hidden': 'true' }, '—'),
    h('span', { class: 'visually-hidden' }, 'none'),
  );

function table(labelledBy: string, columns: readonly (string | HTMLElement)[], rows: HTMLElement[]) {
  return h(
    'table',
    { class: 'work-items floor-table', 'aria-labelledby': labelledBy },
    h('thead', {}, h('tr', {}, ...columns.map(column))),
    h('tbody', {}, ...rows),
  );
}

/** Negative levels are marked, as a supervisor scans for conversations going badly. */
function sentimentCell(level: SentimentLevel): HTMLElement {
  const tone = /negative/i.test(level) ? 'negative' : /positive/i.test(level) ? 'positive' : 'neutral';
  return h(
    'td',
    {},
    h(
      'span',
      { class: `sentiment sentiment-${tone}` },
      tone === 'negative' ? h('span', { class: 'sentiment-mark', 'aria-hidden': 'true' }, '!') : null,
      level,
    ),
  );
}

/** Open: how long the customer has waited (from the read's `at`); otherwise how long it has been in its state. */
function timeCell(conversation: FloorConversation, at: number, now: number): HTMLElement {
  if (conversation.state === 'open') {
    const waitingSince = at - (conversation.waitMs ?? 0);
    return h('td', {}, 'waiting ', liveTime(waitingSince, 'waited', now));
  }
  return h('td', {}, liveTime(conversation.since, 'since', now));
}

/** Open because its agent was away: who had it and when it came back, so a supervisor sees why it is queued. */
function returnedMark(conversation: FloorConversation, now: number): HTMLElement | null {
  const returned = conversation.returnedFrom;
  if (returned === undefined) return null;
  return h(
    'span',
    {
      class: 'floor-returned',
      title: `${returned.agentName} was away (Offline, or silent with no tab open), so it went back to the queue`,
    },
    `Returned from ${returned.agentName} `,
    liveTime(returned.at, 'since', now),
  );
}

/** What a supervisor does with a row of the Floor. */
export interface FloorRowActions {
  forceClose(conversation: FloorConversation): void;
  /** Saves the conversation's transcript as a text file. */
  transcript(conversation: FloorConversation): void;
  /** Monitor, Join, Stop monitoring (Leave once joined): the conversation on the supervisor's own panel. */
  supervise(conversation: FloorConversation, verb: 'monitor' | 'join' | 'stopMonitor'): void;
  /** Assign… an Open conversation to an agent they choose. */
  assign(conversation: FloorConversation): void;
  /** Transfer… an Active or Waiting conversation to an agent, or to the head of the queue. */
  transfer(conversation: FloorConversation): void;
}

type RowAction = readonly [label: string, key: string, ariaLabel: string, onclick: () => void];

/** The buttons a row offers for its state: Monitor (Active, Waiting, Wrap-up), Join (Active), Assign (Open)… */
function supervisorActions(conversation: FloorConversation, actions: FloorRowActions): RowAction[] {
  const { workItemId: id, title, state, supervising } = conversation;
  const list: RowAction[] = [];
  const watchable = state === 'active' || state === 'waiting' || state === 'wrap-up';
  if (watchable && supervising === undefined)
    list.push([
      'Monitor',
      `floor:monitor:${id}`,
      `Monitor ${title}`,
      () => actions.supervise(conversation, 'monitor'),
    ]);
  if (state === 'active' && supervising !== 'joined')
    list.push(['Join', `floor:join:${id}`, `Join ${title}`, () => actions.supervise(conversation, 'join')]);
  if (supervising !== undefined) {
    // Both end the supervisor's session (the same verb); a joined one is left, which its agent is told.
    const stop = () => actions.supervise(conversation, 'stopMonitor');
    const label = supervising === 'joined' ? 'Leave' : 'Stop monitoring';
    list.push([label, `floor:stop:${id}`, `${label} ${title}`, stop]);
  }
  if (state === 'open')
    list.push(['Assign…', `floor:assign:${id}`, `Assign ${title}`, () => actions.assign(conversation)]);
  if (state === 'active' || state === 'waiting')
    list.push([
      'Transfer…',
      `floor:transfer:${id}`,
      `Transfer ${title}`,
      () => actions.transfer(conversation),
    ]);
  return list;
}

function rowButton(label: string, focusKey: string, ariaLabel: string, onclick: () => void): HTMLElement {
  return h(
    'button',
    { type: 'button', class: 'button small', 'data-focus-key': focusKey, 'aria-label': ariaLabel, onclick },
    label,
  );
}

function conversationRow(
  conversation: FloorConversation,
  at: number,
  now: number,
  actions: FloorRowActions,
): HTMLElement {
  const { workItemId, title } = conversation;
  return h(
    'tr',
    { 'data-work-item-id': workItemId, 'data-state': conversation.state },
    h('th', { scope: 'row', class: 'work-item-title' }, title),
    h('td', {}, channelLabel(conversation.channel)),
    h(
      'td',
      {},
      WORK_ITEM_STATE_LABELS[conversation.state],
      returnedMark(conversation, now),
      conversation.csatRating !== undefined
        ? h(
            'span',
            { class: 'floor-csat-rating', title: 'The customer’s rating in the survey' },
            `Rated ${ratingText(conversation.csatRating)}`,
          )
        : null,
    ),
    h('td', { class: 'floor-position' }, conversation.position ?? none()),
    h('td', { class: 'floor-agent' }, conversation.agentName ?? none()),
    timeCell(conversation, at, now),
    h('td', {}, conversation.lastMessageAt ? liveTime(conversation.lastMessageAt, 'since', now) : none()),
    sentimentCell(conversation.sentiment),
    h(
      'td',
      { class: 'row-actions' },
      ...supervisorActions(conversation, actions).map((action) => rowButton(...action)),
      rowButton('Transcript', `floor:transcript:${workItemId}`, `Transcript of ${title}`, () =>
        actions.transcript(conversation),
      ),
      rowButton('Force close', `floor:force-close:${workItemId}`, `Force close ${title}`, () =>
        actions.forceClose(conversation),
      ),
    ),
  );
}

export function conversationsTable(
  conversations: readonly FloorConversation[],
  times: { readonly at: number; readonly now: number },
  actions: FloorRowActions,
  labelledBy: string,
): HTMLElement {
  return table(
    labelledBy,
    [
      'Conversation',
      'Channel',
      'State',
      'Queue position',
      'Agent',
      'Time in state',
      'Last message',
      'Sentiment',
      h('span', { class: 'visually-hidden' }, 'Actions'),
    ],
    conversations.map((conversation) => conversationRow(conversation, times.at, times.now, actions)),
  );
}

function mark(text: string, title: string): HTMLElement {
  return h('span', { class: 'floor-mark', title }, text);
}

function agentRow(agent: FloorAgent, now: number): HTMLElement {
  return h(
    'tr',
    { 'data-agent-id': agent.agentId },
    h(
      'th',
      { scope: 'row' },
      agent.name,
      agent.supervisor ? mark('Supervisor', 'Sees the floor') : null,
      agent.takesWork ? null : mark('No work', 'Not offered conversations'),
    ),
    h(
      'td',
      {},
      h('span', { class: `presence-dot presence-${agent.presence}`, 'aria-hidden': 'true' }),
      ` ${PRESENCE_LABELS[agent.presence]}`,
    ),
    h('td', {}, agent.takesWork ? `${agent.usedUnits} of ${agent.capacityUnits}` : none()),
    h('td', {}, agent.lastMessageAt ? liveTime(agent.lastMessageAt, 'since', now) : none()),
  );
}

export function agentsTable(agents: readonly FloorAgent[], now: number, labelledBy: string): HTMLElement {
  return table(
    labelledBy,
    ['Name', 'Presence', 'Capacity used', 'Last message'],
    agents.map((agent) => agentRow(agent, now)),
  );
}
