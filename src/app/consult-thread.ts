import { closeSession, findSession, recordCustomerMessage } from '../domain/agent-sessions';
import { ConsultantCannotError } from '../domain/consult';
import type { SentimentLevel } from '../domain/sentiment';
import { NotAConversationError, NotSessionAgentError } from '../domain/errors';
import { NoLongerAvailableError, guarded, requireLiveSession, type ActionPorts } from './action-guards';
import { ensureAgent, refreshPanel, updateAgent } from './agents';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { noteBy, noteLine } from './notes';
import type { AgentView, ConsultView } from './views';

/** Lines of the consult thread a card or the tab shows: the latest, oldest first. */
export const CONSULT_THREAD_SHOWN = 50;

export type ConsultThreadPorts = ActionPorts & Pick<DeskPorts, 'consults' | 'workItems' | 'ids' | 'notifier'>;

/** A consult as one of its parties sees it: who consults, the private thread, and what they may do. */
export async function consultView(
  deps: Pick<DeskPorts, 'consults' | 'agentRecords'>,
  doc: WorkItemDocument,
  viewerId: string,
  headline?: string,
): Promise<ConsultView> {
  const id = doc.item.id;
  const ownerId = doc.item.assignedAgentId;
  const [consultants, thread, owner] = await Promise.all([
    deps.consults.of(id),
    deps.consults.latestNotes(id, CONSULT_THREAD_SHOWN),
    ownerId === undefined ? undefined : deps.agentRecords.get(ownerId),
  ]);
  const self = consultants.find((consultant) => consultant.agentId === viewerId);
  return {
    kind: 'consult',
    sessionId: id,
    title: doc.item.title,
    role: viewerId === ownerId ? 'agent' : 'consultant',
    agentName: owner?.name ?? 'The agent',
    consultants: consultants.map(({ agentId, name, added }) => ({ agentId, name, added })),
    thread: thread.map(noteLine),
    added: self?.added ?? false,
    ...(headline !== undefined ? { headline } : {}),
  };
}

/** A consultant's refusal for what only the conversation's agent does, before anything is read or changed. */
export function refuseConsultant(agent: AgentDocument, sessionId: string, action: string): void {
  if (findSession(agent.panel, sessionId)?.consult !== undefined) throw new ConsultantCannotError(action);
}

/** The conversation behind a session the agent takes part in: as its agent, or as one of its consultants. */
async function consultParty(
  deps: ConsultThreadPorts,
  agent: AgentDocument,
  sessionId: string,
): Promise<WorkItemDocument> {
  const session = await requireLiveSession(deps, agent, sessionId);
  if (session.kind !== 'conversation') throw new NotAConversationError(sessionId);
  const doc = await deps.workItems.get(sessionId);
  if (!doc || doc.item.state !== 'active') throw new NoLongerAvailableError();
  if (session.consult !== undefined) {
    const consulting = (await deps.consults.of(sessionId)).some((c) => c.agentId === agent.id);
    if (!consulting) throw new NoLongerAvailableError();
  } else if (doc.item.assignedAgentId !== agent.id || session.readOnly) {
    throw new NotSessionAgentError(sessionId);
  }
  return doc;
}

/**
 * `consultNote`: the consult thread (without `text`), or a line added to it. Only the conversation's agent and its
 * consultants reach it; the customer never does. The others get the thread as a card, and their tabs refresh.
 */
export function consultNote(
  deps: ConsultThreadPorts,
  agentId: string,
  sessionId: string,
  text?: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'consultNote' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    const doc = await consultParty(deps, agent, sessionId);
    if (text === undefined) return consultView(deps, doc, agentId);
    const line = noteBy(deps, agent, sessionId, text);
    await deps.consults.addNote(line);
    deps.logger.info({ agentId, sessionId, noteId: line.id }, 'consult note added');
    const others = [doc.item.assignedAgentId, ...(await deps.consults.of(sessionId)).map((c) => c.agentId)];
    for (const other of new Set(others)) {
      if (other === undefined || other === agentId) continue;
      await deps.notifier.toAgent(
        other,
        await consultView(deps, doc, other, `${agent.name} wrote in the consult.`),
      );
      await deps.notifier.agentChanged?.(other);
    }
    await deps.notifier.agentChanged?.(agentId);
    return consultView(deps, doc, agentId);
  });
}

/**
 * A customer message on a conversation with consultants: each consultant's session counts it unread (unless it is
 * the session they have open), with the conversation's sentiment, and their tabs show it live; chat is left to the
 * tab, to spare Teams' budget.
 */
export async function tellConsultants(
  deps: Pick<DeskPorts, 'consults' | 'notifier' | 'agentRecords'>,
  doc: WorkItemDocument,
  sentiment: SentimentLevel,
): Promise<void> {
  if (!doc.item.consultants) return;
  const id = doc.item.id;
  for (const consultant of await deps.consults.of(id)) {
    await deps.agentRecords.update(consultant.agentId, (current) => {
      if (!current || findSession(current.panel, id)?.consult === undefined) return current;
      const panel = recordCustomerMessage(current.panel, id, sentiment);
      return panel === current.panel ? current : { ...current, panel };
    });
    await deps.notifier.agentChanged?.(consultant.agentId);
  }
}

/**
 * The conversation left its agent (ended, closed to Waiting, transferred, back to the queue): every consult on it
 * ends, and each consultant's session closes. `had` is the consultant count before, so a conversation that had
 * none reads nothing.
 */
export async function dismissConsultants(
  deps: Pick<DeskPorts, 'consults' | 'agentRecords' | 'notifier' | 'settings' | 'logger'>,
  doc: Pick<WorkItemDocument, 'item'>,
  had: number | undefined,
  why: string,
): Promise<void> {
  if (!had) return;
  const id = doc.item.id;
  const consultants = await deps.consults.of(id);
  await deps.consults.removeAll(id);
  for (const consultant of consultants) {
    const left = await updateAgent(deps, consultant.agentId, (current) =>
      findSession(current.panel, id)?.consult !== undefined
        ? { ...current, panel: closeSession(current.panel, id) }
        : current,
    );
    await refreshPanel(deps, left, `The consult on ${doc.item.title} ended: ${why}.`);
  }
  deps.logger.info({ workItemId: id, consultants: consultants.length, why }, 'consults ended');
}
