import type { FloorCardView } from '../app/views';
import type { CsatSummary } from '../domain/csat';
import { PRESENCE_LABELS } from '../domain/presence';
import type { CardColor } from './format';
import { PRESENCE_COLORS, channelLabel } from './format';
import { escapeCardText as text } from './escape';

/** The template data of the `floor` card a supervisor types for: counts, the longest waits, the staff. */

export interface FloorWaitData {
  readonly title: string;
  readonly channel: string;
  readonly wait: string;
  readonly position: string;
}

export interface FloorAgentData {
  readonly name: string;
  readonly presenceLabel: string;
  readonly presenceColor: CardColor;
  readonly load: string;
}

export interface FloorCardData {
  readonly counts: string;
  /** The team's CSAT today: the average rating and how many answered. */
  readonly csat: string;
  readonly hasWaits: boolean;
  readonly waits: readonly FloorWaitData[];
  readonly hasAgents: boolean;
  readonly agents: readonly FloorAgentData[];
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

export function floorData(view: FloorCardView): FloorCardData {
  const { counts } = view;
  const waits = view.longestWaits.map((row) => ({
    title: text(row.title),
    channel: text(channelLabel(row.channel)),
    wait: waitText(row.waitMs ?? 0),
    position: row.position !== undefined ? `#${row.position}` : '',
  }));
  const agents = view.agents.map((agent) => ({
    name: text(agent.takesWork ? agent.name : `${agent.name} (supervisor)`),
    presenceLabel: PRESENCE_LABELS[agent.presence],
    presenceColor: PRESENCE_COLORS[agent.presence],
    load: agent.takesWork ? `${agent.usedUnits} / ${agent.capacityUnits}` : '',
  }));
  return {
    counts: `Open ${counts.open} · Active ${counts.active} · Waiting ${counts.waiting} · Wrap-up ${counts['wrap-up']}`,
    csat: csatText(view.csatToday ?? { answers: 0 }),
    hasWaits: waits.length > 0,
    waits,
    hasAgents: agents.length > 0,
    agents,
  };
}
