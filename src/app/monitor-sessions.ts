import { closeSession, findSession } from '../domain/agent-sessions';
import { displayName } from '../domain/agent-directory';
import { countSupervisedMessage } from '../domain/supervising';
import { refreshPanel, updateAgent } from './agents';
import { notice } from './view-builders';
import type { DeskPorts } from './desk-context';
import type { WorkItemDocument } from './documents';

/**
 * The conversation closed: every supervisor's session on it closes too, their panel saying why. Supervisors are
 * few (SUPERVISOR_IDS), so their rows are read rather than a table of monitors kept.
 */
export async function endMonitoring(
  deps: Pick<DeskPorts, 'agentRecords' | 'notifier' | 'settings' | 'logger'>,
  doc: Pick<WorkItemDocument, 'item'>,
  why: string,
): Promise<void> {
  const supervisors = [...(deps.settings.supervisors ?? [])];
  if (supervisors.length === 0) return;
  const id = doc.item.id;
  const records = await deps.agentRecords.getMany(supervisors);
  for (const [supervisorId, record] of records) {
    if (findSession(record.panel, id)?.supervising === undefined) continue;
    const left = await updateAgent(deps, supervisorId, (current) =>
      findSession(current.panel, id)?.supervising !== undefined
        ? { ...current, panel: closeSession(current.panel, id) }
        : current,
    );
    await refreshPanel(deps, left, `Monitoring ${doc.item.title} ended: ${why}.`);
    deps.logger.info({ supervisorId, workItemId: id, why }, 'monitoring ended: the conversation closed');
  }
}

/**
 * A message on a conversation, the customer's or an agent's: each supervisor watching it (but its writer) counts it
 * unread on their session unless it is the one they have open, in the message's transaction, and their tab shows
 * it. Supervisors are few, so their rows are read, and only the watching ones written.
 */
export async function countForSupervisors(
  deps: Pick<DeskPorts, 'agentRecords' | 'notifier' | 'settings'>,
  workItemId: string,
  writerId?: string,
): Promise<void> {
  const supervisors = [...(deps.settings.supervisors ?? [])].filter((id) => id !== writerId);
  if (supervisors.length === 0) return;
  const records = await deps.agentRecords.getMany(supervisors);
  for (const [supervisorId, record] of records) {
    if (findSession(record.panel, workItemId)?.supervising === undefined) continue;
    await deps.agentRecords.update(supervisorId, (current) =>
      current ? { ...current, panel: countSupervisedMessage(current.panel, workItemId) } : current,
    );
    await deps.notifier.agentChanged?.(supervisorId);
  }
}

/**
 * The supervisors who joined the conversation and are in it now, by name (but the one asking): its agent's view says so for as long as
 * they are (the agent was told once, in chat; the tab shows it while it lasts). Supervisors are few: their rows are
 * read, only when SUPERVISOR_IDS names any.
 */
export async function joinedSupervisors(
  deps: Pick<DeskPorts, 'agentRecords' | 'settings'>,
  workItemId: string,
  viewerId?: string,
): Promise<string[]> {
  const supervisors = [...(deps.settings.supervisors ?? [])].filter((id) => id !== viewerId);
  if (supervisors.length === 0) return [];
  const records = await deps.agentRecords.getMany(supervisors);
  const names: string[] = [];
  for (const [supervisorId, record] of records) {
    if (findSession(record.panel, workItemId)?.supervising !== 'joined') continue;
    const configured = deps.settings.agentNames?.get(supervisorId);
    names.push(
      displayName(record.name, {
        id: supervisorId,
        ...(configured !== undefined ? { name: configured } : {}),
      }),
    );
  }
  return names;
}

/**
 * The sweeper's check (with the sessions' repair): a supervisor's session on a conversation that closed by a way
 * that does not end monitoring itself (a Waiting period over, a queued customer gone) closes.
 */
export async function closeEndedMonitoring(
  deps: Pick<DeskPorts, 'agentRecords' | 'workItems' | 'notifier' | 'settings' | 'logger'>,
): Promise<number> {
  const supervisors = [...(deps.settings.supervisors ?? [])];
  if (supervisors.length === 0) return 0;
  const records = await deps.agentRecords.getMany(supervisors);
  const watched = [...records.values()].flatMap((record) =>
    record.panel.sessions.filter((session) => session.supervising !== undefined).map((session) => session.id),
  );
  if (watched.length === 0) return 0;
  const docs = await deps.workItems.getMany([...new Set(watched)]);
  let closed = 0;
  for (const doc of docs.values()) {
    if (doc.item.state !== 'closed') continue;
    await endMonitoring(deps, doc, 'the conversation closed');
    closed += 1;
  }
  return closed;
}

/** A supervisor who had joined the conversation left it (Stop monitoring, or their session's Close): its agent is told. */
export async function tellSupervisorLeft(
  deps: Pick<DeskPorts, 'workItems' | 'notifier'>,
  supervisorName: string,
  workItemId: string,
): Promise<void> {
  const item = (await deps.workItems.get(workItemId))?.item;
  if (item?.state !== 'active' || item.assignedAgentId === undefined) return;
  await deps.notifier.toAgent(
    item.assignedAgentId,
    notice(`${item.title}: ${supervisorName} left`, `${supervisorName} (supervisor) left the conversation.`),
  );
}
