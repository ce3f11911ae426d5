import type { CustomerMessageView, PanelView } from '../../src/app/views';
import { CardRenderer } from '../../src/cards/render-card';
import { composeActivity, digestOf, RELAY_BATCH } from '../../src/teams/compose-activity';
import type { OutboxEntry } from '../../src/teams/outbox-store';
import { actionsWithVerb, adaptiveCardProblems, allObjects, dataOf, textBlocks } from '../support/cards';

const AT = Date.UTC(2026, 0, 5, 10, 0, 0);
const renderer = new CardRenderer();
const compose = composeActivity((view) =>
  renderer.renderAgentView(view, { now: AT, tabUrl: 'https://teams.microsoft.com/l/entity/app/workspace' }),
);

function relayed(sessionId: string, title: string, text: string, minute: number): CustomerMessageView {
  return {
    kind: 'customer-message',
    sessionId,
    title,
    icon: title.slice(0, 1) + title.slice(-1),
    text,
    truncated: false,
    sentiment: 'Neutral',
    alert: false,
    sentAt: AT + minute * 60_000,
    draft: '',
  };
}

let seq = 0;
function entryOf(view: CustomerMessageView | PanelView): OutboxEntry {
  seq += 1;
  return {
    id: `entry-${seq}`,
    seq,
    owner: { kind: 'agent', id: 'alex' },
    relaydeskId: `send-${seq}`,
    activity: { type: 'message', channelData: { relaydeskId: `send-${seq}` } },
    enqueuedAt: AT,
    view,
    ...(view.kind === 'customer-message' ? { batch: RELAY_BATCH } : {}),
  };
}

const card = (activity: ReturnType<typeof compose>) =>
  (activity.attachments?.[0]?.content ?? {}) as Record<string, unknown>;

describe('composing what the outbox sends', () => {
  const waiting = [
    relayed('s-1', 'Visitor 1', 'Where is my parcel?', 0),
    relayed('s-2', 'Visitor 2', 'Can I change my address?', 1),
    relayed('s-1', 'Visitor 1', 'It was due Monday', 2),
  ];

  it('groups relayed messages per session, in the order each session first wrote, each session’s in order', () => {
    const digest = digestOf(waiting);
    expect(digest.sessions.map((session) => session.sessionId)).toEqual(['s-1', 's-2']);
    expect(digest.sessions[0]!.messages.map((message) => message.text)).toEqual([
      'Where is my parcel?',
      'It was due Monday',
    ]);
  });

  it('renders one valid digest card with each session’s title, times, messages and its own Reply box', () => {
    const entries = waiting.map(entryOf);
    const activity = compose(entries, { paced: true });
    const content = card(activity);
    expect(adaptiveCardProblems(content as never)).toEqual([]);
    const texts = textBlocks(content);
    expect(texts[0]).toBe('3 new messages from 2 customers');
    expect(texts).toEqual(
      expect.arrayContaining([
        'Visitor 1',
        'Visitor 2',
        'Where is my parcel?',
        'It was due Monday',
        '10:02 UTC',
      ]),
    );
    expect(texts.indexOf('Where is my parcel?')).toBeLessThan(texts.indexOf('It was due Monday'));
    const replies = actionsWithVerb(content, 'reply').map((action) => dataOf(action)['sessionId']);
    expect(replies).toEqual(['s-1', 's-2']);
    const inputs = allObjects(content).filter((object) => object['type'] === 'Input.Text');
    expect(inputs.map((input) => input['id'])).toEqual(['text.s-1', 'text.s-2']);
    const ids = entries.map((entry) => entry.relaydeskId);
    expect(activity.channelData).toEqual({ relaydeskId: ids[0], relaydeskIds: ids });
  });

  it('renders a single relayed message as the usual message card, not a digest', () => {
    const activity = compose([entryOf(waiting[0]!)], { paced: true });
    expect(textBlocks(card(activity))).not.toContain('1 new message from 1 customer');
    expect(textBlocks(card(activity))).toContain('Where is my parcel?');
  });

  it('says on the panel that messages are grouped, with a link to the tab, only while delivery is paced', () => {
    const panel: PanelView = {
      kind: 'panel',
      agentName: 'Alex',
      presence: 'available',
      presenceLabel: 'Available',
      mode: 'expanded',
      rows: [],
      focusedTitle: 'Home',
    };
    const paced = card(compose([entryOf(panel)], { paced: true }));
    expect(textBlocks(paced)).toContain('Busy — messages are grouped');
    const links = allObjects(paced).filter((object) => object['type'] === 'Action.OpenUrl');
    expect(links.map((link) => link['url'])).toEqual(['https://teams.microsoft.com/l/entity/app/workspace']);
    expect(textBlocks(card(compose([entryOf(panel)], { paced: false })))).not.toContain(
      'Busy — messages are grouped',
    );
  });

  it('merges an agent’s waiting messages to one customer into one message, a blank line apart', () => {
    const texts = ['Let me check.', 'Found it: it ships today.'];
    const entries: OutboxEntry[] = texts.map((text, index) => ({
      id: `c-${index}`,
      seq: index + 1,
      owner: { kind: 'customer', id: 'msteams:29:customer' },
      relaydeskId: `reply-${index}`,
      activity: { type: 'message', text, channelData: { relaydeskId: `reply-${index}` } },
      enqueuedAt: AT,
      batch: 'agent-message',
    }));
    const activity = compose(entries, { paced: true });
    expect(activity.text).toBe('Let me check.\n\nFound it: it ships today.');
    expect(activity.channelData).toEqual({ relaydeskId: 'reply-0', relaydeskIds: ['reply-0', 'reply-1'] });
  });
});
