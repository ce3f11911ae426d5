import { FLOOR_CARD_ACTIVE_ROWS } from '../app/floor-chat';
import type { FloorCardView, FloorConfirm } from '../app/views';
import type { CsatSummary } from '../domain/csat';
import type { FloorAgent, FloorConversation } from '../domain/floor';
import { PRESENCE_LABELS } from '../domain/presence';
import type { CardColor } from './format';
import { NOTICE_COLORS, PRESENCE_COLORS, channelLabel, formatMoment } from './format';
import { escapeCardText as text, plainCardText } from './escape';

/**
 * The template data of the `floor` card a supervisor types for: counts, the longest waits (each with Assign), the
 * longest Active conversations (Monitor, Join, Stop monitoring, Force close…), the staff. Every list is bounded, so
 * the card stays far below Teams' card size limit.
 */

/** Agents an Assign's choice lists at most, and how long a choice's words may be. */
export const ASSIGN_CHOICES_SHOWN = 10;
/** Members of staff the card lists; the rest are counted, and the tab lists them all. */
export const TEAM_SHOWN = 15;
const CHOICE_TITLE_CHARS = 60;

export interface FloorChoiceData {
  readonly title: string;
  readonly value: string;
}

export interface FloorWaitData {
  readonly workItemId: string;
  readonly title: string;
  readonly channel: string;
  readonly wait: string;
  readonly position: string;
}

export interface FloorActiveData {
  readonly workItemId: string;
  readonly title: string;
  readonly details: string;
  readonly status: string;
  readonly canMonitor: boolean;
  readonly canJoin: boolean;
  readonly canStop: boolean;
}

export interface FloorAgentData {
  readonly name: string;
  readonly presenceLabel: string;
  readonly presenceColor: CardColor;
  readonly load: string;
}

export interface FloorConfirmData {
  readonly question: string;
  readonly text: string;
  readonly workItemId: string;
  readonly agentId: string;
}

export interface FloorCardData {
  readonly counts: string;
  /** The team's CSAT today: the average rating and how many answered. */
  readonly csat: string;
  readonly hasNotice: boolean;
  readonly notice: string;
  readonly noticeColor: CardColor;
  readonly hasConfirmAssign: boolean;
  readonly hasConfirmClose: boolean;
  readonly confirm: FloorConfirmData;
  readonly hasWaits: boolean;
  readonly waits: readonly FloorWaitData[];
  /** The card's one agent choice (input `assignTo`) the rows' Assign offers to: who can be offered work. */
  readonly canAssign: boolean;
  readonly choices: readonly FloorChoiceData[];
  readonly hasActive: boolean;
  readonly active: readonly FloorActiveData[];
  readonly hasAgents: boolean;
  readonly agents: readonly FloorAgentData[];
  /** "and 4 more" when the team is longer than TEAM_SHOWN, else ''. */
  readonly moreAgents: string;
}

/** "45 s", "3 min", "1 h 20 min": a wait as a person reads it at a glance. */
export function waitText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

/** "CSAT today 4.3 (12 answers)", or that nobody answered yet. */
export function csatText(today: CsatSummary): string {
  if (today.average === undefined || today.answers === 0) return 'CSAT today: no answers yet';
  return `CSAT today: ${today.average.toFixed(1)} of 5 (${today.answers} ${today.answers === 1 ? 'answer' : 'answers'})`;
}

/** Who an Assign can offer to: agents who take work and are not Offline, with their load (the server checks again). */
export function assignChoices(agents: readonly FloorAgent[]): FloorChoiceData[] {
  return agents
    .filter((agent) => agent.takesWork && agent.presence !== 'offline')
    .slice(0, ASSIGN_CHOICES_SHOWN)
    .map((agent) => {
      const load = `${PRESENCE_LABELS[agent.presence]}, ${agent.usedUnits} / ${agent.capacityUnits}`;
      const name =
        agent.name.length > CHOICE_TITLE_CHARS ? `${agent.name.slice(0, CHOICE_TITLE_CHARS)}…` : agent.name;
      return { title: plainCardText(`${name} (${load})`), value: agent.agentId };
    });
}

function activeRow(row: FloorConversation, now: number | undefined): FloorActiveData {
  const since = `Active since ${formatMoment(row.since, now)}`;
  return {
    workItemId: row.workItemId,
    title: text(row.title),
    details: text(row.agentName !== undefined ? `${row.agentName} · ${since}` : since),
    status: row.supervising === 'joined' ? 'Joined' : row.supervising === 'monitoring' ? 'Monitoring' : '',
    canMonitor: row.supervising === undefined,
    canJoin: row.supervising !== 'joined',
    canStop: row.supervising !== undefined,
  };
}

const NO_CONFIRM: FloorConfirmData = { question: '', text: '', workItemId: '', agentId: '' };

/** Assign over capacity says by how much (the tab's words); Force close says who is told and that it is final. */
function confirmData(confirm: FloorConfirm | undefined): FloorConfirmData {
  if (!confirm) return NO_CONFIRM;
  if (confirm.kind === 'assign') {
    return {
      question: text(`Assign ${confirm.title} to ${confirm.agentName} over capacity?`),
      text: text(`${confirm.text} They can still decline it.`),
      workItemId: confirm.workItemId,
      agentId: confirm.agentId,
    };
  }
  const told =
    confirm.agentName !== undefined ? `The customer and ${confirm.agentName} are` : 'The customer is';
  return {
    question: text(`Force close ${confirm.title}?`),
    text: text(`${told} told it was closed by the team. This cannot be undone.`),
    workItemId: confirm.workItemId,
    agentId: '',
  };
}

export function floorData(view: FloorCardView, options: { readonly now?: number } = {}): FloorCardData {
  const { counts } = view;
  const choices = assignChoices(view.agents);
  const waits = view.longestWaits.map((row) => ({
    workItemId: row.workItemId,
    title: text(row.title),
    // Taken back from an away agent: the supervisor sees why it waits again (as the tab's Floor marks it).
    channel: text(
      row.returnedFrom !== undefined
        ? `${channelLabel(row.channel)} · returned from ${row.returnedFrom.agentName}`
        : channelLabel(row.channel),
    ),
    wait: waitText(row.waitMs ?? 0),
    position: row.position !== undefined ? `#${row.position}` : '',
  }));
  const active = (view.active ?? [])
    .slice(0, FLOOR_CARD_ACTIVE_ROWS)
    .map((row) => activeRow(row, options.now));
  const agents = view.agents.slice(0, TEAM_SHOWN).map((agent) => ({
    name: text(agent.takesWork ? agent.name : `${agent.name} (supervisor)`),
    presenceLabel: PRESENCE_LABELS[agent.presence],
    presenceColor: PRESENCE_COLORS[agent.presence],
    load: agent.takesWork ? `${agent.usedUnits} / ${agent.capacityUnits}` : '',
  }));
  return {
    counts: `Open ${counts.open} · Active ${counts.active} · Waiting ${counts.waiting} · Wrap-up ${counts['wrap-up']}`,
    csat: csatText(view.csatToday ?? { answers: 0 }),
    hasNotice: view.notice !== undefined,
    notice: text(view.notice?.text ?? ''),
    noticeColor: NOTICE_COLORS[view.notice?.tone ?? 'default'],
    hasConfirmAssign: view.confirm?.kind === 'assign',
    hasConfirmClose: view.confirm?.kind === 'forceClose',
    confirm: confirmData(view.confirm),
    hasWaits: waits.length > 0,
    waits,
    canAssign: choices.length > 0,
    choices,
    hasActive: active.length > 0,
    active,
    hasAgents: agents.length > 0,
    agents,
    moreAgents: view.agents.length > TEAM_SHOWN ? `and ${view.agents.length - TEAM_SHOWN} more` : '',
  };
}
