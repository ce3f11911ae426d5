import { closeSession, findSession, type Session } from '../domain/agent-sessions';
import { returnAwayToQueue } from '../domain/transfer';
import { refreshPanel, updateAgent, lockAgents } from './agents';
import { dismissConsultants } from './consult-thread';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { dispatchOffers } from './offers';
import type { SupervisionPorts } from './supervision';
import { withdrawnTransferCard } from './transfer-answers';
import { announceWorkItemChange } from './work-item-index';

export type AwayPorts = SupervisionPorts & Pick<DeskPorts, 'awayMarks' | 'hasOpenTab'>;

/** What the customer of a conversation taken back from an away agent reads. */
export const BACK_IN_QUEUE =
  "Sorry — your agent had to step away. You're back at the front of the queue; the next free agent will be with you shortly.";

/** What the away agent's panel says once they are back. */
export const WORK_RETURNED =
  'You were away, so your conversations went back to the queue. Choose a presence to take new ones.';

/** The conversations an agent works on now (not consults, not wrap-ups): what would be stuck with them. */
function activeConversations(agent: AgentDocument): Session[] {
  return agent.panel.sessions.filter(
    (session) =>
      session.kind === 'conversation' &&
      !session.readOnly &&
      session.wrapUpSince === undefined &&
      session.consult === undefined,
  );
}

/**
 * No stuck work: an agent with Active conversations who is Offline, or whose tab is closed and who has sent nothing
 * (nor taken a conversation) for AGENT_AWAY_S, is away; once they have been away OFFLINE_GRACE_S, each of their
 * Active conversations goes back to the head of the queue (the customer keeps their waiting time and is told), and
 * the next free agent is offered it. Coming back (a message, a tab, a presence other than Offline) clears the
 * mark. Returns how many conversations went back.
 */
export async function returnAwayAgentsWork(deps: AwayPorts): Promise<number> {
  const now = deps.clock.now();
  const { agentAwayMs, offlineGraceMs } = deps.settings.workstream;
  const records = await deps.agentRecords.getMany(await deps.agents());
  const withWork = [...records.values()].filter((agent) => activeConversations(agent).length > 0);
  const marks = await deps.awayMarks.all();
  // Only an agent with no tab open, and no conversation taken within AGENT_AWAY_S, can be silent: their messages
  // are read, the others' never are.
  const tabless = new Set<string>();
  for (const agent of withWork) {
    const lastTaken = Math.max(...activeConversations(agent).map((session) => session.openedAt));
    if (now - lastTaken >= agentAwayMs && !(await deps.hasOpenTab(agent.id))) tabless.add(agent.id);
  }
  const lastByAgent = await lastMessages(
    deps,
    withWork.filter((agent) => tabless.has(agent.id)),
  );
  const back: string[] = [...marks.keys()].filter((id) => !withWork.some((agent) => agent.id === id));
  let returned = 0;
  for (const agent of withWork) {
    const sessions = activeConversations(agent);
    const lastActive = Math.max(
      lastByAgent.get(agent.id) ?? 0,
      ...sessions.map((session) => session.openedAt),
    );
    const silent = tabless.has(agent.id) && now - lastActive >= agentAwayMs;
    if (agent.presence !== 'offline' && !silent) {
      if (marks.has(agent.id)) back.push(agent.id);
      continue;
    }
    const since = marks.get(agent.id);
    if (since === undefined) {
      await deps.awayMarks.mark(agent.id, now);
      deps.logger.info(
        { agentId: agent.id, presence: agent.presence, silent },
        'agent away with Active work',
      );
      if (offlineGraceMs > 0) continue;
    } else if (now - since < offlineGraceMs) continue;
    for (const session of sessions) returned += (await returnToQueue(deps, agent.id, session.id)) ? 1 : 0;
    deps.logger.warn(
      { agentId: agent.id, conversations: sessions.length, presence: agent.presence, silent },
      'agent away: their Active conversations went back to the queue',
    );
    back.push(agent.id);
  }
  await deps.awayMarks.clear(back);
  if (returned > 0) await dispatchOffers(deps);
  return returned;
}

/** Each agent's latest message in the conversations they have now. */
async function lastMessages(deps: AwayPorts, agents: readonly AgentDocument[]): Promise<Map<string, number>> {
  const ids = agents.flatMap((agent) => activeConversations(agent).map((session) => session.id));
  const last = new Map<string, number>();
  if (ids.length === 0) return last;
  for (const time of await deps.messages.latestTimes(ids)) {
    if (time.from === 'agent' && time.agentId !== undefined) {
      last.set(time.agentId, Math.max(last.get(time.agentId) ?? 0, time.at));
    }
  }
  return last;
}

/** One conversation back to the head of the queue, in one transaction; false when it was no longer the agent's. */
async function returnToQueue(deps: AwayPorts, agentId: string, workItemId: string): Promise<boolean> {
  const now = deps.clock.now();
  const doc = await deps.unitOfWork.run(async (): Promise<WorkItemDocument | undefined> => {
    await lockAgents(deps, [agentId]);
    let prior: WorkItemDocument | undefined;
    const changed = await deps.workItems.update(workItemId, (current) => {
      if (!current || current.item.state !== 'active' || current.item.assignedAgentId !== agentId) {
        return current;
      }
      prior = current;
      return { ...current, item: returnAwayToQueue(current.item, now) };
    });
    if (!changed || !prior) return undefined;
    await deps.queue.enqueueFirst(deps.settings.workstream.name, {
      workItemId,
      enqueuedAt: prior.waitingSince,
      declined: { agentId, at: now, reason: 'missed' },
    });
    await withdrawnTransferCard(deps, prior);
    await dismissConsultants(
      deps,
      changed,
      prior.item.consultants,
      'the conversation went back to the queue',
    );
    const left = await updateAgent(deps, agentId, (current) =>
      findSession(current.panel, workItemId)
        ? { ...current, panel: closeSession(current.panel, workItemId) }
        : current,
    );
    await refreshPanel(deps, left, WORK_RETURNED);
    await deps.notifier.toCustomer(changed.item.customerId, BACK_IN_QUEUE, { kind: 'queued' });
    await announceWorkItemChange(deps);
    return changed;
  });
  if (doc) deps.logger.info({ workItemId, agentId }, 'conversation back in the queue: its agent was away');
  return doc !== undefined;
}
