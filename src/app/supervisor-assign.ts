import { findSession, usedCapacityUnits } from '../domain/agent-sessions';
import { AssignTargetError, assignOffer, checkAssignLoad, type AssignLoad } from '../domain/assign';
import type { Offer } from '../domain/routing';
import { lockAgents } from './agents';
import type { DeskPorts } from './desk-context';
import type { AgentDocument } from './documents';
import { sendOfferCard, type OfferPorts } from './offers';
import { requireSupervisor } from './supervision';
import { announceWorkItemChange } from './work-item-index';
import { updateQueue } from './work-queue';

export type AssignPorts = OfferPorts & Pick<DeskPorts, 'unitOfWork'>;

export interface AssignRequest {
  readonly workItemId: string;
  readonly agentId: string;
  /** The supervisor confirmed taking the agent over their capacity. */
  readonly overCapacity?: boolean;
}

export interface AssignOutcome {
  readonly workItemId: string;
  readonly title: string;
  readonly agentId: string;
  readonly agentName: string;
  readonly offerId: string;
  readonly expiresAt: number;
  readonly overCapacity: boolean;
  /** The agent a live offer of it was withdrawn from, if any. */
  readonly withdrawnFrom?: string;
}

/** The agent an Assign may reach: an agent, not Offline, with a chat or a tab an offer can reach. */
async function assignee(deps: AssignPorts, agentId: string): Promise<AgentDocument> {
  const known = (await deps.agents()).includes(agentId);
  const agent = known ? await deps.agentRecords.get(agentId) : undefined;
  if (!agent) throw new AssignTargetError('There is no agent with that id: choose one from the floor.');
  if (agent.presence === 'offline')
    throw new AssignTargetError(`${agent.name} is Offline: choose someone who is at work.`);
  if (!(await deps.canReach(agentId)))
    throw new AssignTargetError(
      `${agent.name} cannot be reached: they have no chat with the bot and no tab open.`,
    );
  return agent;
}

/** What is promised to the agent besides the item being assigned: live offers, unsettled claims, transfers. */
async function loadOf(deps: AssignPorts, agent: AgentDocument, workItemId: string): Promise<AssignLoad> {
  const now = deps.clock.now();
  const { workstream } = deps.settings;
  const [queue, transfers] = await Promise.all([
    deps.queue.get(workstream.name),
    deps.workItems.pendingTransfers(),
  ]);
  const queued = queue.entries.filter(
    (entry) =>
      entry.workItemId !== workItemId &&
      (entry.offer
        ? entry.offer.agentId === agent.id && entry.offer.expiresAt > now
        : entry.claim?.agentId === agent.id && !findSession(agent.panel, entry.workItemId)),
  ).length;
  return {
    agentName: agent.name,
    usedUnits: usedCapacityUnits(agent.panel, workstream.capacityUnitsPerConversation),
    promised: queued + transfers.filter((transfer) => transfer.toAgentId === agent.id).length,
    sessionCount: agent.panel.sessions.length,
  };
}

/**
 * Assign: a supervisor offers an Open conversation to an agent they choose, as routing would (the offer card with
 * Accept / Reject, the same timeout). Over the agent's capacity only when the request says so (the tab asks first);
 * never past MAX_SESSIONS. A live offer of it to someone else is withdrawn, their card updated in place. The check
 * and the offer are one transaction, behind the agent's row lock.
 */
export async function assignToAgent(
  deps: AssignPorts,
  supervisorId: string,
  request: AssignRequest,
): Promise<AssignOutcome> {
  requireSupervisor(deps, supervisorId);
  const { workItemId, agentId } = request;
  const overCapacity = request.overCapacity === true;
  const { workstream } = deps.settings;
  const offerId = deps.ids.next();
  const now = deps.clock.now();
  const { offer, withdrawn, title, agentName } = await deps.unitOfWork.run(async () => {
    await lockAgents(deps, [agentId]);
    const agent = await assignee(deps, agentId);
    const doc = await deps.workItems.get(workItemId);
    checkAssignLoad(await loadOf(deps, agent, workItemId), workstream, overCapacity);
    const planned = await updateQueue(deps, (queue) => {
      const assigned = assignOffer(queue, {
        workItemId,
        agentId,
        agentName: agent.name,
        supervisorId,
        overCapacity,
        offerId,
        now,
        notificationTimeoutMs: workstream.notificationTimeoutMs,
      });
      return { queue: assigned.queue, result: assigned };
    });
    await deps.agentRecords.update(agentId, (current) =>
      current ? { ...current, lastOfferedAt: now } : current,
    );
    return { ...planned, title: doc?.item.title ?? workItemId, agentName: agent.name };
  });
  deps.logger.info(
    { supervisorId, workItemId, agentId, offerId, overCapacity, withdrawnFrom: withdrawn?.agentId },
    'conversation assigned by a supervisor',
  );
  if (withdrawn) await sendOfferCard(deps, withdrawn, 'unavailable');
  await sendOfferCard(deps, offer, 'pending');
  await announceWorkItemChange(deps);
  return outcomeOf(offer, { title, agentName, overCapacity, withdrawn });
}

function outcomeOf(
  offer: Offer,
  more: { title: string; agentName: string; overCapacity: boolean; withdrawn: Offer | undefined },
): AssignOutcome {
  return {
    workItemId: offer.workItemId,
    title: more.title,
    agentId: offer.agentId,
    agentName: more.agentName,
    offerId: offer.id,
    expiresAt: offer.expiresAt,
    overCapacity: more.overCapacity,
    ...(more.withdrawn ? { withdrawnFrom: more.withdrawn.agentId } : {}),
  };
}
