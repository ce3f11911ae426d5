import {
  closeSession,
  findSession,
  releaseWrapUpHold,
  startWrapUp,
  type Session,
} from '../domain/agent-sessions';
import { DomainError } from '../domain/errors';
import { OUTCOME_NOT_SET, endToWrapUp, finishWrapUp, isWrapUpOver } from '../domain/work-item';
import type { WrapUpSettings } from '../domain/workstream';
import { NoLongerAvailableError, guarded, requireLiveSession, updateOwnedItem } from './action-guards';
import { ensureAgent, lockAgents, refreshPanel, updateAgent } from './agents';
import { askSurvey } from './csat-survey';
import { customerWording } from './customer-wording';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { dispatchOffers, type OfferPorts } from './offers';
import { dismissConsultants, refuseConsultant } from './consult-thread';
import { noteBy } from './notes';
import { withdrawnTransferCard } from './transfer-answers';
import { notice } from './view-builders';
import type { AgentView, WrapUpView } from './views';
import { endMonitoring } from './monitor-sessions';
import { announceWorkItemChange } from './work-item-index';

/** What ending and wrapping up read and write: routing (capacity comes back), and the notes a wrap-up may add. */
export type WrapUpPorts = OfferPorts & Pick<DeskPorts, 'notes' | 'consults' | 'unitOfWork' | 'surveys'>;

export class OutcomeMissingError extends DomainError {
  readonly code = 'outcome-missing';

  constructor(outcomes: readonly string[]) {
    super(`Choose an outcome to finish: ${outcomes.join(', ')}.`);
  }
}

export class NotInWrapUpError extends DomainError {
  readonly code = 'not-in-wrap-up';

  constructor() {
    super('Only an ended conversation is wrapped up: End it first.');
  }
}

function holdsUntil(since: number, wrapUp: WrapUpSettings): number | undefined {
  return wrapUp.holdMs > 0 ? since + wrapUp.holdMs : undefined;
}

/** The wrap-up form of a session (End's answer, and what focusing a session in wrap-up shows in chat). */
export function wrapUpView(session: Session, settings: WrapUpSettings, now: number): WrapUpView {
  const since = session.wrapUpSince ?? now;
  const until = holdsUntil(since, settings);
  return {
    kind: 'wrap-up',
    sessionId: session.id,
    title: session.title,
    outcomes: settings.outcomes,
    closesAt: since + settings.timeoutMs,
    ...(until !== undefined && !session.readOnly ? { holdsUntil: until } : {}),
  };
}

/**
 * End: the customer is told the conversation ended (and asked how it went, CSAT_SURVEY), and it moves to Wrap-up.
 * The session stays on the agent's panel for the outcome; it keeps its capacity for WRAP_UP_HOLD_S (0: released at
 * once). A wrap-up that times out later is no End of its own: nobody is asked again.
 */
export function end(deps: WrapUpPorts, agentId: string, sessionId: string): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'end' }, () =>
    // One transaction: the item, the panel, the notes and the cards queued commit together or not at all.
    deps.unitOfWork.run(async () => {
      const now = deps.clock.now();
      const { wrapUp } = deps.settings.workstream;
      const before = await ensureAgent(deps, agentId);
      // The agent's row before the item's, the order a transfer takes them in: the two never wait on each other.
      await lockAgents(deps, [agentId]);
      const session = await requireLiveSession(deps, before, sessionId);
      refuseConsultant(before, sessionId, 'end the conversation');
      let prior: WorkItemDocument | undefined;
      const doc = await updateOwnedItem(deps, agentId, session.id, (d) => {
        prior = d;
        return { ...d, item: endToWrapUp(d.item, now) };
      });
      // A transfer it had waiting is void: the colleague's offer card says so; its consults end.
      await withdrawnTransferCard(deps, prior);
      await dismissConsultants(deps, doc, prior?.item.consultants, 'the conversation was ended');
      const agent = await updateAgent(deps, agentId, (current) =>
        findSession(current.panel, sessionId)
          ? { ...current, panel: startWrapUp(current.panel, sessionId, now, wrapUp.holdMs > 0) }
          : current,
      );
      deps.logger.info({ agentId, sessionId }, 'conversation ended, in wrap-up');
      await deps.notifier.toCustomer(doc.item.customerId, customerWording.ended(agent.name), {
        kind: 'ended',
        agentName: agent.name,
      });
      await askSurvey(deps, doc, 'agent');
      await refreshPanel(deps, agent);
      if (wrapUp.holdMs <= 0) await dispatchOffers(deps);
      const ended = findSession(agent.panel, sessionId);
      return ended ? wrapUpView(ended, wrapUp, now) : notice(`${session.title} ended`, '', 'good');
    }),
  );
}

/** The configured outcome named (any case), or undefined. */
function outcomeNamed(outcomes: readonly string[], named: string | undefined): string | undefined {
  const wanted = named?.trim().toLowerCase();
  return wanted ? outcomes.find((outcome) => outcome.toLowerCase() === wanted) : undefined;
}

/** Finish: the wrap-up's outcome (and a note, kept with the conversation's notes); the conversation closes. */
export function finish(
  deps: WrapUpPorts,
  agentId: string,
  sessionId: string,
  answer: { readonly outcome?: string; readonly note?: string },
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'wrapUp' }, () =>
    // One transaction: the item, the panel, the notes and the cards queued commit together or not at all.
    deps.unitOfWork.run(async () => {
      const now = deps.clock.now();
      const { wrapUp } = deps.settings.workstream;
      const agent = await ensureAgent(deps, agentId);
      const session = await requireLiveSession(deps, agent, sessionId);
      refuseConsultant(agent, sessionId, 'wrap up the conversation');
      if (session.wrapUpSince === undefined) throw new NotInWrapUpError();
      const outcome = outcomeNamed(wrapUp.outcomes, answer.outcome);
      if (!outcome) throw new OutcomeMissingError(wrapUp.outcomes);
      const written = answer.note?.trim();
      const note = written ? noteBy(deps, agent, sessionId, `Wrap-up (${outcome}): ${written}`) : undefined;
      const doc = await closeWrapUp(deps, agentId, sessionId, outcome, now);
      if (note) await deps.notes.add(note);
      deps.logger.info({ agentId, sessionId, outcome }, 'wrap-up finished');
      await dispatchOffers(deps);
      return notice(`${doc.item.title} closed`, `Outcome: ${outcome}.`, 'good');
    }),
  );
}

/** Closes the item with its outcome and takes its session off the agent's panel. */
async function closeWrapUp(
  deps: WrapUpPorts,
  agentId: string,
  workItemId: string,
  outcome: string,
  now: number,
): Promise<WorkItemDocument> {
  const doc = await deps.workItems.update(workItemId, (current) => {
    if (!current || current.item.state !== 'wrap-up' || current.item.assignedAgentId !== agentId)
      throw new NoLongerAvailableError();
    return { ...current, item: finishWrapUp(current.item, outcome, now) };
  });
  if (!doc) throw new NoLongerAvailableError();
  const agent = await updateAgent(deps, agentId, (current) =>
    findSession(current.panel, workItemId)
      ? { ...current, panel: closeSession(current.panel, workItemId) }
      : current,
  );
  await announceWorkItemChange(deps);
  await refreshPanel(deps, agent);
  await endMonitoring(deps, doc, 'its wrap-up finished');
  return doc;
}

/**
 * The sweeper's pass over wrap-ups: one past WRAP_UP_TIMEOUT_S closes with outcome "Not set"; one past its hold
 * (WRAP_UP_HOLD_S) stops counting against its agent's capacity, and routing may offer them work again.
 */
export async function sweepWrapUps(deps: WrapUpPorts): Promise<{ closed: number; released: number }> {
  const now = deps.clock.now();
  const { name, wrapUp } = deps.settings.workstream;
  const ids = await deps.workItems.inWrapUp(name);
  const docs = await deps.workItems.getMany(ids);
  let closed = 0;
  let released = 0;
  for (const doc of docs.values()) {
    const agentId = doc.item.assignedAgentId;
    if (!agentId) continue;
    if (isWrapUpOver(doc.item, now, wrapUp.timeoutMs)) {
      await closeWrapUp(deps, agentId, doc.item.id, OUTCOME_NOT_SET, now).catch(() => undefined);
      deps.logger.info({ agentId, workItemId: doc.item.id }, 'wrap-up timed out: closed, outcome Not set');
      closed += 1;
    } else if (now - doc.item.stateChangedAt >= wrapUp.holdMs && (await releaseHold(deps, agentId, doc))) {
      released += 1;
    }
  }
  if (closed + released > 0) await dispatchOffers(deps);
  return { closed, released };
}

async function releaseHold(deps: WrapUpPorts, agentId: string, doc: WorkItemDocument): Promise<boolean> {
  const before = await deps.agentRecords.get(agentId);
  const session = before && findSession(before.panel, doc.item.id);
  if (!session || session.readOnly) return false;
  const agent: AgentDocument = await updateAgent(deps, agentId, (current) => ({
    ...current,
    panel: releaseWrapUpHold(current.panel, doc.item.id),
  }));
  await refreshPanel(deps, agent);
  return true;
}
