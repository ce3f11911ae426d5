import {
  closeSession,
  dropSupervising,
  findSession,
  hasRoomFor,
  markTransferPending,
  openSession,
} from '../domain/agent-sessions';
import { CapacityReachedError, MaxSessionsReachedError, OfferNotFoundError } from '../domain/errors';
import { acceptTransfer, declineTransfer, expireTransfer, type PendingTransfer } from '../domain/transfer';
import { NoLongerAvailableError } from './action-guards';
import { ensureAgent, lockAgents, refreshPanel, setInactiveAfterMiss, updateAgent } from './agents';
import { conversationSession } from './claims';
import { customerWording } from './customer-wording';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { dismissConsultants } from './consult-thread';
import { showKb } from './knowledge';
import { teamworkOf } from './notes';
import { accept, dispatchOffers, reject, type OfferAnswer } from './offers';
import { readExcerpt } from './transcripts';
import { sendTransferOffer, transferOfferView, type TransferPorts } from './transfers';
import { SUMMARY_LINES, activeConversationView, notice, refusal, replyDraft } from './view-builders';
import type { AgentView } from './views';
import { announceWorkItemChange } from './work-item-index';

/** A colleague's answer to a transfer (Accept, Reject on its offer card), and a transfer nobody answered. */

/** The transfer an answer names, if the conversation has one pending with that offer id. */
export async function pendingTransferOf(
  deps: Pick<DeskPorts, 'workItems'>,
  request: OfferAnswer,
): Promise<{ doc: WorkItemDocument; pending: PendingTransfer } | undefined> {
  const doc = await deps.workItems.get(request.workItemId);
  const pending = doc?.item.transfer;
  return doc && pending?.offerId === request.offerId ? { doc, pending } : undefined;
}

/**
 * The target accepts: the conversation is theirs (Active, focused, its whole history), it leaves the panel of
 * the agent who asked, and the customer is told who they are chatting with now.
 */
export async function acceptTransferOffer(
  deps: TransferPorts,
  request: OfferAnswer,
  pending: PendingTransfer,
): Promise<AgentView> {
  const now = deps.clock.now();
  const { workstream } = deps.settings;
  const log = deps.logger.child({ ...request, action: 'accept', transfer: true });
  const target = await ensureAgent(deps, request.agentId);
  if (
    target.panel.sessions.length >= workstream.maxSessions &&
    !findSession(target.panel, request.workItemId)
  ) {
    log.info({}, 'transfer accept refused: maximum sessions');
    return refusal(new MaxSessionsReachedError());
  }
  let taken: HandedOver;
  try {
    taken = await handOver(deps, request, pending, now);
  } catch (error) {
    log.info({ reason: error instanceof Error ? error.message : String(error) }, 'transfer accept refused');
    return staleTransferAnswer(deps, request, pending, error);
  }
  log.info({ fromAgentId: pending.fromAgentId }, 'transfer accepted');
  const { doc } = taken;
  await announceWorkItemChange(deps);
  await deps.notifier.toCustomer(doc.item.customerId, customerWording.joined(taken.target.name), {
    kind: 'joined',
    agentName: taken.target.name,
  });
  const excerpt = await readExcerpt(deps, doc, SUMMARY_LINES);
  const view = activeConversationView(
    doc,
    excerpt,
    false,
    replyDraft(taken.target, doc.item.id),
    await teamworkOf(deps, doc.item.id),
  );
  await deps.notifier.toAgent(taken.target.id, view);
  await showKb(deps, taken.target.id, doc);
  await refreshPanel(deps, taken.target);
  if (taken.source) {
    await refreshPanel(deps, taken.source, `${taken.target.name} took over ${doc.item.title}.`);
  }
  await dispatchOffers(deps);
  return transferOfferView(deps, doc, pending, 'accepted');
}

interface HandedOver {
  readonly doc: WorkItemDocument;
  readonly target: AgentDocument;
  readonly source: AgentDocument | undefined;
}

/** One transaction: the item becomes the target's, their session opens (focused), the asking agent's closes. */
function handOver(
  deps: TransferPorts,
  request: OfferAnswer,
  pending: PendingTransfer,
  now: number,
): Promise<HandedOver> {
  const { maxSessions } = deps.settings.workstream;
  return deps.unitOfWork.run(async () => {
    // The agents' rows first, in the order a transfer request takes them, then the item.
    await lockAgents(deps, [request.agentId, pending.fromAgentId]);
    let had: number | undefined;
    const doc = await deps.workItems.update(request.workItemId, (current) => {
      if (!current) throw new NoLongerAvailableError();
      had = current.item.consultants;
      return { ...current, item: acceptTransfer(current.item, { ...request, now }) };
    });
    if (!doc) throw new NoLongerAvailableError();
    // The consults were the asking agent's; a consultant taking over gets a session of their own, not a consult.
    await dismissConsultants(deps, doc, had, 'the conversation was transferred');
    // Under the target's row lock: a queue offer accepted since the transfer was offered may have used the room.
    const target = await updateAgent(deps, request.agentId, (current) => {
      const panel = dropSupervising(current.panel, doc.item.id);
      if (!findSession(panel, doc.item.id) && !hasRoomFor(panel, deps.settings.workstream))
        throw new CapacityReachedError();
      return { ...current, panel: openSession(panel, conversationSession(doc), { maxSessions, now }) };
    });
    const before = await deps.agentRecords.get(pending.fromAgentId);
    const source =
      before && findSession(before.panel, doc.item.id)
        ? await updateAgent(deps, before.id, (current) =>
            findSession(current.panel, doc.item.id)
              ? { ...current, panel: closeSession(current.panel, doc.item.id) }
              : current,
          )
        : before;
    return { doc, target, source };
  });
}

/** The target declines: the conversation is still the asking agent's, and they are told. */
export async function rejectTransferOffer(
  deps: TransferPorts,
  request: OfferAnswer,
  pending: PendingTransfer,
): Promise<AgentView> {
  const now = deps.clock.now();
  try {
    const doc = await withdrawTransfer(deps, request.workItemId, pending, (item) =>
      declineTransfer(item, { ...request, now }),
    );
    const target = await deps.agentRecords.get(request.agentId);
    deps.logger.info({ ...request, fromAgentId: pending.fromAgentId }, 'transfer declined');
    await tellSource(deps, pending, stillYoursText(target?.name ?? 'Your colleague', 'declined'));
    return await transferOfferView(deps, doc, pending, 'rejected');
  } catch (error) {
    deps.logger.info({ ...request, action: 'reject', reason: String(error) }, 'transfer reject refused');
    return staleTransferAnswer(deps, request, pending, error);
  }
}

/** An answer to a transfer that is no longer there (answered, lapsed, withdrawn): its card says so. */
async function staleTransferAnswer(
  deps: TransferPorts,
  request: OfferAnswer,
  pending: PendingTransfer,
  error: unknown,
): Promise<AgentView> {
  const current = await deps.workItems.get(request.workItemId);
  const stale = error instanceof OfferNotFoundError || error instanceof NoLongerAvailableError;
  return current && stale ? transferOfferView(deps, current, pending, 'unavailable') : refusal(error);
}

/** Transfers nobody answered in time lapse: the asking agent keeps the conversation and is told. */
export async function expireTransfers(deps: TransferPorts): Promise<number> {
  const now = deps.clock.now();
  let expired = 0;
  for (const pending of await deps.workItems.pendingTransfers()) {
    if (pending.expiresAt > now) break;
    const doc = await withdrawTransfer(deps, pending.workItemId, pending, (item) =>
      item.transfer?.offerId === pending.offerId ? (expireTransfer(item, now) ?? item) : item,
    ).catch(() => undefined);
    if (!doc) continue;
    expired += 1;
    const target = await deps.agentRecords.get(pending.toAgentId);
    deps.logger.info(
      { workItemId: pending.workItemId, agentId: pending.toAgentId, offerId: pending.offerId },
      'transfer missed',
    );
    await tellSource(deps, pending, stillYoursText(target?.name ?? 'Your colleague', "didn't answer"));
    await sendTransferOffer(deps, doc, pending, 'missed');
    await setInactiveAfterMiss(deps, pending.toAgentId);
  }
  return expired;
}

/** Drops the transfer from the conversation and the "Transfer pending" mark from the asking agent's panel. */
async function withdrawTransfer(
  deps: TransferPorts,
  workItemId: string,
  pending: PendingTransfer,
  change: (item: WorkItemDocument['item']) => WorkItemDocument['item'],
): Promise<WorkItemDocument> {
  return deps.unitOfWork.run(async () => {
    const doc = await deps.workItems.update(workItemId, (current) => {
      if (!current) throw new NoLongerAvailableError();
      const item = change(current.item);
      return item === current.item ? current : { ...current, item };
    });
    if (!doc || doc.item.transfer?.offerId === pending.offerId) throw new NoLongerAvailableError();
    const source = await deps.agentRecords.get(pending.fromAgentId);
    if (source && findSession(source.panel, workItemId)) {
      await updateAgent(deps, source.id, (current) =>
        findSession(current.panel, workItemId)
          ? { ...current, panel: markTransferPending(current.panel, workItemId, undefined) }
          : current,
      );
    }
    return doc;
  });
}

function stillYoursText(name: string, what: 'declined' | "didn't answer"): string {
  return `${name} ${what} — the conversation is still yours.`;
}

async function tellSource(deps: TransferPorts, pending: PendingTransfer, text: string): Promise<void> {
  const source = await deps.agentRecords.get(pending.fromAgentId);
  if (!source) return;
  await deps.notifier.toAgent(source.id, notice('Transfer not taken', text, 'warning'));
  await refreshPanel(deps, source, text);
}

/**
 * The conversation left Active (ended, closed to Waiting) while a transfer of it waited for an answer: the target's
 * offer card is updated in place to "no longer available", so it keeps no live Accept / Reject. `before` is the
 * work item as it was before it left Active; a conversation with no transfer pending sends nothing. The target's
 * tab drops the offer by itself (its offers are read from the pending transfers, and this send refreshes it).
 */
export async function withdrawnTransferCard(
  deps: Pick<
    TransferPorts,
    'workItems' | 'logger' | 'messages' | 'notes' | 'agentRecords' | 'settings' | 'notifier'
  >,
  before: WorkItemDocument | undefined,
): Promise<void> {
  const pending = before?.item.transfer;
  if (!before || !pending) return;
  const now = await deps.workItems.get(before.item.id);
  // Still pending with that very offer (the item did not leave Active after all): nothing to withdraw.
  if (now?.item.transfer?.offerId === pending.offerId) return;
  deps.logger.info(
    { workItemId: before.item.id, agentId: pending.toAgentId, offerId: pending.offerId },
    'transfer withdrawn',
  );
  await sendTransferOffer(deps, now ?? before, pending, 'unavailable');
}

/** Accept on any offer card: a transfer's when the conversation has that one pending, else a queued item's. */
export async function acceptOffer(deps: TransferPorts, request: OfferAnswer): Promise<AgentView> {
  const found = await pendingTransferOf(deps, request);
  return found ? acceptTransferOffer(deps, request, found.pending) : accept(deps, request);
}

/** Reject on any offer card, as acceptOffer. */
export async function rejectOffer(deps: TransferPorts, request: OfferAnswer): Promise<AgentView> {
  const found = await pendingTransferOf(deps, request);
  return found ? rejectTransferOffer(deps, request, found.pending) : reject(deps, request);
}
