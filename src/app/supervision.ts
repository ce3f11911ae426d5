import { closeSession, findSession, usedCapacityUnits, type Session } from '../domain/agent-sessions';
import { displayName } from '../domain/agent-directory';
import { DomainError } from '../domain/errors';
import {
  LIVE_STATES,
  buildFloor,
  filterFloor,
  type Floor,
  type FloorConversation,
  type FloorFilter,
  type FloorItemInput,
  type FloorStaffInput,
  type LiveState,
} from '../domain/floor';
import { csatSummary, startOfLocalDay } from '../domain/csat';
import { forceCloseWorkItem } from '../domain/work-item';
import { NoLongerAvailableError } from './action-guards';
import { lockAgents, refreshPanel, updateAgent } from './agents';
import { dismissConsultants } from './consult-thread';
import { customerWording } from './customer-wording';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { dispatchOffers, leaveQueue, type OfferPorts } from './offers';
import type { TransferPorts } from './transfers';
import { withdrawnTransferCard } from './transfer-answers';
import { endMonitoring } from './monitor-sessions';
import { notice } from './view-builders';
import { announceWorkItemChange } from './work-item-index';

/** What supervising reads and changes: the floor's rows, and what a Force close undoes. */
export type SupervisionPorts = OfferPorts &
  TransferPorts &
  Pick<DeskPorts, 'messages' | 'consults' | 'unitOfWork' | 'notes' | 'surveys'>;

/** A supervisor's route or action asked for by someone who is not one (403 on the tab's API). */
export class NotSupervisorError extends DomainError {
  readonly code = 'not-supervisor';

  constructor() {
    super('Only supervisors can see the floor and act on other agents’ conversations.');
  }
}

export function isSupervisor(deps: Pick<DeskPorts, 'settings'>, agentId: string): boolean {
  return deps.settings.supervisors?.has(agentId) ?? false;
}

export function requireSupervisor(deps: Pick<DeskPorts, 'settings' | 'logger'>, actorId: string): void {
  if (isSupervisor(deps, actorId)) return;
  throw new NotSupervisorError();
}

/** A member of staff's name as colleagues read it: given by them or Teams, else AGENT_NAMES, never an id. */
export async function staffName(
  deps: Pick<DeskPorts, 'agentRecords' | 'settings'>,
  agentId: string,
): Promise<string> {
  const stored = (await deps.agentRecords.get(agentId))?.name;
  const configured = deps.settings.agentNames?.get(agentId);
  return displayName(stored, { id: agentId, ...(configured !== undefined ? { name: configured } : {}) });
}

/** Everyone on the floor: the agents in AGENT_IDS order, then the supervisors who are not agents. */
async function staffOf(deps: SupervisionPorts): Promise<FloorStaffInput[]> {
  const agents = await deps.agents();
  const supervisors = [...(deps.settings.supervisors ?? [])];
  const keys = [...new Set([...agents, ...supervisors])];
  const records = await deps.agentRecords.getMany(keys);
  const { workstream, agentNames } = deps.settings;
  return keys.map((agentId) => {
    const record = records.get(agentId);
    const configured = agentNames?.get(agentId);
    return {
      agentId,
      name: displayName(record?.name, { id: agentId, ...(configured ? { name: configured } : {}) }),
      presence: record?.presence ?? 'offline',
      usedUnits: record ? usedCapacityUnits(record.panel, workstream.capacityUnitsPerConversation) : 0,
      capacityUnits: workstream.agentCapacityUnits,
      takesWork: agents.includes(agentId),
      supervisor: supervisors.includes(agentId),
    };
  });
}

function isLive(state: string): state is LiveState {
  return (LIVE_STATES as readonly string[]).includes(state);
}

/** One live conversation as the floor reads it: the item, its latest message and its survey's rating. */
function floorItemOf(
  doc: WorkItemDocument,
  state: LiveState,
  last: number | undefined,
  rating: number | undefined,
): FloorItemInput {
  const { item } = doc;
  return {
    workItemId: item.id,
    title: item.title,
    channel: item.channelId,
    state,
    since: item.stateChangedAt,
    waitingSince: doc.waitingSince,
    ...(item.assignedAgentId !== undefined ? { agentId: item.assignedAgentId } : {}),
    sentimentScores: item.sentimentScores,
    ...(last !== undefined ? { lastMessageAt: last } : {}),
    ...(rating !== undefined ? { csatRating: rating } : {}),
    ...(item.returnedFromAway !== undefined ? { returnedFromAway: item.returnedFromAway } : {}),
  };
}

/** The floor as it is now, for a supervisor: every conversation not closed, every member of staff. */
export async function readFloor(
  deps: SupervisionPorts,
  supervisorId: string,
  filter: FloorFilter = {},
): Promise<Floor> {
  requireSupervisor(deps, supervisorId);
  const now = deps.clock.now();
  const workstream = deps.settings.workstream.name;
  const entries = (await deps.workItems.dashboard(workstream, 0)).filter((entry) => isLive(entry.state));
  const ids = entries.map((entry) => entry.workItemId);
  const wrapUpIds = entries.filter((entry) => entry.state === 'wrap-up').map((entry) => entry.workItemId);
  const [docs, queue, times, staff, reader, surveys, answered] = await Promise.all([
    deps.workItems.getMany(ids),
    deps.queue.get(workstream),
    deps.messages.latestTimes(ids),
    staffOf(deps),
    deps.agentRecords.get(supervisorId),
    deps.surveys.getMany(wrapUpIds),
    deps.surveys.answeredSince(workstream, startOfDesksDay(deps, now)),
  ]);
  const lastByItem = new Map<string, number>();
  const lastByAgent = new Map<string, number>();
  for (const time of times) {
    lastByItem.set(time.workItemId, Math.max(lastByItem.get(time.workItemId) ?? 0, time.at));
    const agentId = time.agentId;
    if (time.from === 'agent' && agentId !== undefined) {
      lastByAgent.set(agentId, Math.max(lastByAgent.get(agentId) ?? 0, time.at));
    }
  }
  const items = entries.flatMap((entry): FloorItemInput[] => {
    const doc = docs.get(entry.workItemId);
    if (!doc || !isLive(doc.item.state)) return [];
    const rating = surveys.get(doc.item.id)?.answer?.rating;
    return [floorItemOf(doc, doc.item.state, lastByItem.get(doc.item.id), rating)];
  });
  const floor = buildFloor({
    now,
    items,
    queueOrder: queue.entries.map((entry) => entry.workItemId),
    staff,
    agentLastMessageAt: lastByAgent,
    csatToday: csatSummary(answered.answers, answered.ratingSum),
  });
  return withSupervising(filterFloor(floor, filter), reader?.panel.sessions ?? []);
}

/** Marks the conversations the reading supervisor monitors or joined, so the Floor offers to stop or join. */
function withSupervising(floor: Floor, sessions: readonly Session[]): Floor {
  const roles = new Map(sessions.flatMap((s) => (s.supervising ? [[s.id, s.supervising] as const] : [])));
  if (roles.size === 0) return floor;
  const mark = (row: FloorConversation): FloorConversation => {
    const role = roles.get(row.workItemId);
    return role ? { ...row, supervising: role } : row;
  };
  return { ...floor, conversations: floor.conversations.map(mark) };
}

/** Where the desk's day began: midnight in the OPERATING_HOURS zone, else in UTC (the Floor's "today"). */
function startOfDesksDay(deps: Pick<DeskPorts, 'settings'>, now: number): number {
  return startOfLocalDay(now, deps.settings.operatingHours?.timeZone ?? 'UTC');
}

/** The agent the conversation is with now (Active or in wrap-up), whose session a Force close takes away. */
async function closeForAgent(
  deps: SupervisionPorts,
  agentId: string,
  workItemId: string,
): Promise<AgentDocument> {
  const agent = await updateAgent(deps, agentId, (current) =>
    findSession(current.panel, workItemId)
      ? { ...current, panel: closeSession(current.panel, workItemId) }
      : current,
  );
  await refreshPanel(deps, agent);
  return agent;
}

/**
 * Force close: a supervisor closes any conversation not closed yet, whatever it is doing (queued, Active, Waiting,
 * in wrap-up). One transaction: the item, the queue, the agent's panel, the consultants and the cards queued commit
 * together. The customer is told "This conversation was closed by our team.", the agent "<supervisor> closed this
 * conversation.", and the freed capacity is offered on.
 */
export async function forceClose(deps: SupervisionPorts, supervisorId: string, workItemId: string) {
  requireSupervisor(deps, supervisorId);
  return deps.unitOfWork.run(async () => {
    const now = deps.clock.now();
    const before = await deps.workItems.get(workItemId);
    if (!before) throw new NoLongerAvailableError();
    const agentId = before.item.assignedAgentId;
    // The agent's row before the item's, the order End and transfers take them in.
    if (agentId !== undefined) await lockAgents(deps, [agentId]);
    let prior: WorkItemDocument | undefined;
    const doc = await deps.workItems.update(workItemId, (current) => {
      if (!current || current.item.state === 'closed') throw new NoLongerAvailableError();
      prior = current;
      return { ...current, item: forceCloseWorkItem(current.item, now) };
    });
    if (!doc || !prior) throw new NoLongerAvailableError();
    // Not closed: the update above refused that.
    const state = prior.item.state as LiveState;
    if (state === 'open') await leaveQueue(deps, workItemId);
    await withdrawnTransferCard(deps, prior);
    await dismissConsultants(deps, doc, prior.item.consultants, 'a supervisor closed the conversation');
    await endMonitoring(deps, doc, 'a supervisor closed it');
    const supervisorName = await staffName(deps, supervisorId);
    const heldBy = prior.item.assignedAgentId;
    if (heldBy !== undefined) {
      await closeForAgent(deps, heldBy, workItemId);
      await deps.notifier.toAgent(
        heldBy,
        notice(`${doc.item.title} closed`, `${supervisorName} closed this conversation.`, 'attention'),
      );
    }
    if (prior.item.customerLeftAt === undefined) {
      await deps.notifier.toCustomer(doc.item.customerId, customerWording.closedByTeam, { kind: 'ended' });
    }
    deps.logger.info(
      { supervisorId, workItemId, state, ...(heldBy !== undefined ? { agentId: heldBy } : {}) },
      'conversation force-closed by a supervisor',
    );
    await announceWorkItemChange(deps);
    await dispatchOffers(deps);
    return { workItemId, title: doc.item.title, state };
  });
}
