import { findSession, startWrapUp } from '../domain/agent-sessions';
import { isReplayedActivity, rememberActivity } from '../domain/inbound-activities';
import { endByCustomer, type WorkItemState } from '../domain/work-item';
import { lockAgents, refreshPanel, updateAgent } from './agents';
import { dismissConsultants } from './consult-thread';
import { askSurvey } from './csat-survey';
import { customerWording } from './customer-wording';
import type { DeskPorts } from './desk-context';
import type { CustomerDocument, WorkItemDocument } from './documents';
import { dispatchOffers, leaveQueue } from './offers';
import type { SupervisionPorts } from './supervision';
import { withdrawnTransferCard } from './transfer-answers';
import { notice } from './view-builders';
import { announceWorkItemChange } from './work-item-index';
import { endMonitoring } from './monitor-sessions';

export type CustomerEndPorts = SupervisionPorts & Pick<DeskPorts, 'customers' | 'customerTurns'>;

export type CustomerEndOutcome =
  | { readonly kind: 'nothing-to-end' }
  /** Their latest conversation has ended already (a second End): told so, nothing changed. */
  | { readonly kind: 'already-ended'; readonly workItemId: string }
  /** The channel sent the same End again (its id already taken): nothing done, nothing said. */
  | { readonly kind: 'replayed' }
  | { readonly kind: 'ended'; readonly workItemId: string; readonly from: 'open' | 'active' | 'waiting' };

/** The states a customer's End ends: queued, with an agent, or waiting for the customer. */
const ENDABLE: ReadonlySet<WorkItemState> = new Set(['open', 'active', 'waiting']);

/**
 * The customer ends the chat (`end` typed, the web chat page's End chat): a queued or Waiting conversation closes;
 * an Active one goes to its agent's wrap-up, and the agent is told "<title> ended the conversation." The customer
 * is told either way, and asked how it went when an agent took part (CSAT_SURVEY). Taken in turn with the
 * customer's messages, in one transaction. The End's activity id is remembered with their messages' ids, so a
 * channel's retry of it is taken once; an End of a conversation ended already is answered and changes nothing.
 */
export function customerEnds(
  deps: CustomerEndPorts,
  customerId: string,
  activityId?: string,
): Promise<CustomerEndOutcome> {
  return deps.customerTurns.run(customerId, () =>
    deps.unitOfWork.run(async () => {
      const taken = await takeEnd(deps, customerId, activityId);
      if (taken.replayed) {
        deps.logger.info({ customerId, activityId }, 'customer end replayed by the channel: taken already');
        return { kind: 'replayed' };
      }
      const workItemId = taken.customer?.latestWorkItemId;
      const before = workItemId ? await deps.workItems.get(workItemId) : undefined;
      const state = before?.item.state;
      if (before && (state === 'wrap-up' || state === 'closed'))
        return alreadyEnded(deps, customerId, before);
      if (!before || state === undefined || !ENDABLE.has(state)) {
        await deps.notifier.toCustomer(customerId, customerWording.nothingToEnd);
        return { kind: 'nothing-to-end' };
      }
      const agentId = before.item.assignedAgentId;
      if (agentId !== undefined) await lockAgents(deps, [agentId]);
      const now = deps.clock.now();
      let prior: WorkItemDocument | undefined;
      let endedMeanwhile = false;
      const doc = await deps.workItems.update(before.item.id, (current) => {
        if (!current) return current;
        // Closed or ended between the read and this write (a supervisor's Force close, the agent's End): the
        // write sees it, and the customer hears it has ended already.
        if (!ENDABLE.has(current.item.state)) {
          endedMeanwhile = true;
          return current;
        }
        prior = current;
        return { ...current, item: endByCustomer(current.item, now) };
      });
      if (doc && endedMeanwhile) return alreadyEnded(deps, customerId, doc, 'customer end: ended meanwhile');
      if (!doc || !prior) return { kind: 'nothing-to-end' };
      const from = prior.item.state as 'open' | 'active' | 'waiting';
      if (from === 'open') await leaveQueue(deps, doc.item.id);
      await withdrawnTransferCard(deps, prior);
      await dismissConsultants(deps, doc, prior.item.consultants, 'the customer ended the conversation');
      if (from === 'active' && agentId !== undefined) await toWrapUp(deps, agentId, doc, now);
      else await endMonitoring(deps, doc, 'the customer ended it');
      await deps.notifier.toCustomer(customerId, customerWording.endedByCustomer, { kind: 'ended' });
      // Asked when an agent took part (Active, or Waiting or queued again after one did), never of a customer
      // who gave up in the queue before anyone answered.
      await askSurvey(deps, doc, 'customer');
      deps.logger.info({ customerId, workItemId: doc.item.id, from }, 'customer ended the conversation');
      await announceWorkItemChange(deps);
      if (from === 'active' && deps.settings.workstream.wrapUp.holdMs <= 0) await dispatchOffers(deps);
      return { kind: 'ended', workItemId: doc.item.id, from };
    }),
  );
}

/** An End of a conversation ended already (before it, or while it was taken): said so, nothing changed. */
async function alreadyEnded(
  deps: CustomerEndPorts,
  customerId: string,
  doc: WorkItemDocument,
  logged?: string,
): Promise<CustomerEndOutcome> {
  if (logged) deps.logger.info({ customerId, workItemId: doc.item.id, state: doc.item.state }, logged);
  await deps.notifier.toCustomer(customerId, customerWording.alreadyEnded);
  return { kind: 'already-ended', workItemId: doc.item.id };
}

/**
 * Remembers the End's activity id with the customer's recent message ids, in the End's transaction (an End that
 * fails is not remembered, so its retry is taken): replayed when the id was taken already. Someone the desk never
 * heard from has no row, and nothing is written for them.
 */
async function takeEnd(
  deps: CustomerEndPorts,
  customerId: string,
  activityId: string | undefined,
): Promise<{ replayed: boolean; customer: CustomerDocument | undefined }> {
  let replayed = false;
  const customer = await deps.customers.update(customerId, (current) => {
    replayed = current !== undefined && isReplayedActivity(current.recentActivityIds, activityId);
    if (!current || replayed) return current;
    const recentActivityIds = rememberActivity(current.recentActivityIds, activityId);
    return recentActivityIds === undefined || recentActivityIds === current.recentActivityIds
      ? current
      : { ...current, recentActivityIds };
  });
  return { replayed, customer };
}

/** The agent's session goes to wrap-up, as their own End would, and they are told the customer ended it. */
async function toWrapUp(deps: CustomerEndPorts, agentId: string, doc: WorkItemDocument, now: number) {
  const { wrapUp } = deps.settings.workstream;
  const agent = await updateAgent(deps, agentId, (current) =>
    findSession(current.panel, doc.item.id)
      ? { ...current, panel: startWrapUp(current.panel, doc.item.id, now, wrapUp.holdMs > 0) }
      : current,
  );
  await refreshPanel(deps, agent);
  await deps.notifier.toAgent(
    agentId,
    notice(
      `${doc.item.title} ended the conversation.`,
      'Choose an outcome and Finish its wrap-up to close it.',
      'attention',
    ),
  );
}
