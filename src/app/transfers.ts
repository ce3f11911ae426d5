import { closeSession, findSession, markTransferPending, usedCapacityUnits } from '../domain/agent-sessions';
import { NotAConversationError, NotSessionAgentError, SessionNotFoundError } from '../domain/errors';
import { PRESENCE_LABELS } from '../domain/presence';
import type { Offer } from '../domain/routing';
import { conversationSentiment } from '../domain/sentiment';
import {
  canTakeTransfer,
  requestTransfer,
  transferToQueue,
  type PendingTransfer,
  type TransferCandidate,
} from '../domain/transfer';
import { guarded, NoLongerAvailableError } from './action-guards';
import { dismissConsultants, refuseConsultant } from './consult-thread';
import { ensureAgent, lockAgents, refreshPanel, updateAgent } from './agents';
import type { ClaimPorts } from './claims';
import { customerWording } from './customer-wording';
import { offerCard, type DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { notesOf } from './notes';
import { dispatchOffers } from './offers';
import { readExcerpt } from './transcripts';
import { notice, offerView } from './view-builders';
import type { AgentView, OfferStatus, TransferPickerView, TransferTarget } from './views';
import { announceWorkItemChange } from './work-item-index';

export type TransferPorts = ClaimPorts & Pick<DeskPorts, 'notes' | 'unitOfWork' | 'consults'>;

/** Where a transfer goes: a colleague (with an optional note for them), or back to the queue. */
export type TransferDestination =
  { readonly toAgentId: string; readonly note?: string } | { readonly toQueue: true };

/**
 * Every agent as a transfer candidate, with what is already promised to them counted as routing counts it: the
 * transfers offered to them, the queue's live offers to them, and their claims whose session is not open yet.
 */
async function transferCandidates(
  deps: Pick<TransferPorts, 'agents' | 'agentRecords' | 'workItems' | 'queue' | 'clock' | 'settings'>,
): Promise<{ candidate: TransferCandidate; agent: AgentDocument }[]> {
  const ids = await deps.agents();
  const { workstream } = deps.settings;
  const [records, pending, queue] = await Promise.all([
    deps.agentRecords.getMany(ids),
    deps.workItems.pendingTransfers(),
    deps.queue.get(workstream.name),
  ]);
  const now = deps.clock.now();
  return ids.flatMap((id) => {
    const agent = records.get(id);
    if (!agent) return [];
    const queueOffers = queue.entries.filter((entry) =>
      entry.offer
        ? entry.offer.agentId === id && entry.offer.expiresAt > now
        : entry.claim?.agentId === id && !findSession(agent.panel, entry.workItemId),
    ).length;
    const candidate: TransferCandidate = {
      id,
      presence: agent.presence,
      usedUnits: usedCapacityUnits(agent.panel, workstream.capacityUnitsPerConversation),
      sessionCount: agent.panel.sessions.length,
      pendingTransfers: pending.filter((transfer) => transfer.toAgentId === id).length,
      queueOffers,
    };
    return [{ candidate, agent }];
  });
}

/** The agent's own Active conversation behind a session, or the refusal that says why not. */
export async function ownedConversation(
  deps: Pick<TransferPorts, 'workItems'>,
  agent: AgentDocument,
  sessionId: string,
): Promise<WorkItemDocument> {
  const session = findSession(agent.panel, sessionId);
  if (session && session.kind !== 'conversation') throw new NotAConversationError(sessionId);
  const doc = await deps.workItems.get(sessionId);
  if (!doc) throw new SessionNotFoundError(sessionId);
  // Someone else's conversation (or one the agent only reads) is refused as such, whatever their panel says.
  if (doc.item.state === 'active' && (doc.item.assignedAgentId !== agent.id || session?.readOnly))
    throw new NotSessionAgentError(sessionId);
  if (!session || doc.item.state !== 'active') throw new NoLongerAvailableError();
  return doc;
}

/** `transfer` without a destination, `/t`, the tab's Transfer button: who can take it. */
export function transferPicker(deps: TransferPorts, agentId: string, sessionId: string): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'transfer' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    refuseConsultant(agent, sessionId, 'transfer the conversation');
    const doc = await ownedConversation(deps, agent, sessionId);
    return transferPickerView(deps, agentId, doc);
  });
}

export async function transferPickerView(
  deps: TransferPorts,
  agentId: string,
  doc: WorkItemDocument,
): Promise<TransferPickerView> {
  const { workstream } = deps.settings;
  const targets = (await transferCandidates(deps))
    .filter(({ candidate }) => candidate.id !== agentId && canTakeTransfer(candidate, workstream))
    .map(({ candidate, agent }): TransferTarget => ({
      agentId: candidate.id,
      name: agent.name,
      presence: agent.presence,
      presenceLabel: PRESENCE_LABELS[agent.presence],
      conversations: candidate.usedUnits / workstream.capacityUnitsPerConversation,
      capacity: Math.floor(workstream.agentCapacityUnits / workstream.capacityUnitsPerConversation),
    }))
    .sort((a, b) => a.conversations - b.conversations || a.name.localeCompare(b.name));
  return { kind: 'transfer-picker', sessionId: doc.item.id, title: doc.item.title, targets };
}

/** `transfer` with a destination: a colleague is offered the conversation, or it goes back to the queue. */
export function transfer(
  deps: TransferPorts,
  agentId: string,
  sessionId: string,
  destination: TransferDestination,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'transfer' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    refuseConsultant(agent, sessionId, 'transfer the conversation');
    const doc = await ownedConversation(deps, agent, sessionId);
    return 'toQueue' in destination
      ? toQueue(deps, agent, doc)
      : toAgent(deps, agent, doc, destination.toAgentId, destination.note);
  });
}

export async function toAgent(
  deps: TransferPorts,
  agent: AgentDocument,
  before: WorkItemDocument,
  toAgentId: string,
  note: string | undefined,
): Promise<AgentView> {
  const now = deps.clock.now();
  const { workstream } = deps.settings;
  const offerId = deps.ids.next();
  const { doc, toName } = await deps.unitOfWork.run(async () => {
    // Read inside the transaction, behind the target's lock: what is promised to them cannot change until it ends.
    await lockAgents(deps, [agent.id, toAgentId]);
    const found = (await transferCandidates(deps)).find(({ candidate }) => candidate.id === toAgentId);
    const name = found?.agent.name ?? 'that agent';
    const changed = await deps.workItems.update(before.item.id, (current) => {
      if (!current) throw new NoLongerAvailableError();
      const item = requestTransfer(current.item, {
        fromAgentId: agent.id,
        to: found?.candidate,
        toAgentId,
        offerId,
        now,
        settings: workstream,
        ...(note !== undefined ? { note } : {}),
      });
      return { ...current, item };
    });
    if (!changed) throw new NoLongerAvailableError();
    const marked = await updateAgent(deps, agent.id, (current) =>
      findSession(current.panel, before.item.id)
        ? { ...current, panel: markTransferPending(current.panel, before.item.id, name) }
        : current,
    );
    await refreshPanel(deps, marked);
    return { doc: changed, toName: name };
  });
  const pending = doc.item.transfer;
  if (!pending) throw new NoLongerAvailableError();
  deps.logger.info({ workItemId: doc.item.id, agentId: agent.id, toAgentId, offerId }, 'transfer offered');
  await deps.notifier.toCustomer(doc.item.customerId, customerWording.transferStarted);
  await sendTransferOffer(deps, doc, pending, 'pending');
  const seconds = Math.round(workstream.notificationTimeoutMs / 1000);
  return notice(
    'Transfer requested',
    `${toName} has ${seconds} s to accept ${doc.item.title}. The conversation stays with you until then.`,
  );
}

export async function toQueue(
  deps: TransferPorts,
  agent: AgentDocument,
  before: WorkItemDocument,
): Promise<AgentView> {
  const now = deps.clock.now();
  const { workstream } = deps.settings;
  const doc = await deps.unitOfWork.run(async () => {
    const changed = await deps.workItems.update(before.item.id, (current) => {
      if (!current) throw new NoLongerAvailableError();
      return { ...current, item: transferToQueue(current.item, agent.id, now) };
    });
    if (!changed) throw new NoLongerAvailableError();
    // Handed back ahead of everyone, and not offered straight back to the agent who let it go.
    await deps.queue.enqueueFirst(workstream.name, {
      workItemId: changed.item.id,
      enqueuedAt: now,
      declined: { agentId: agent.id, at: now, reason: 'rejected' },
    });
    await dismissConsultants(
      deps,
      changed,
      before.item.consultants,
      'the conversation went back to the queue',
    );
    const left = await updateAgent(deps, agent.id, (current) =>
      findSession(current.panel, changed.item.id)
        ? { ...current, panel: closeSession(current.panel, changed.item.id) }
        : current,
    );
    await refreshPanel(deps, left);
    return changed;
  });
  deps.logger.info({ workItemId: doc.item.id, agentId: agent.id }, 'transferred to the queue');
  await announceWorkItemChange(deps);
  await deps.notifier.toCustomer(doc.item.customerId, customerWording.queued, { kind: 'queued' });
  await dispatchOffers(deps);
  return notice(
    `${doc.item.title} is back in the queue`,
    'It goes to the next free agent, ahead of the others.',
    'good',
  );
}

/** The offer card a transfer's target sees (and sees updated in place when it is answered or lapses). */
export async function sendTransferOffer(
  deps: Pick<TransferPorts, 'messages' | 'notes' | 'agentRecords' | 'settings' | 'notifier'>,
  doc: WorkItemDocument,
  pending: PendingTransfer,
  status: OfferStatus,
): Promise<void> {
  const view = await transferOfferView(deps, doc, pending, status);
  await deps.notifier.toAgent(pending.toAgentId, view, { target: offerCard(pending.offerId) });
}

/** A transfer as an offer: the conversation, and the handover (who, why, where it stands, the notes). */
export async function transferOfferView(
  deps: Pick<TransferPorts, 'messages' | 'notes' | 'agentRecords' | 'settings'>,
  doc: WorkItemDocument,
  pending: PendingTransfer,
  status: OfferStatus,
): Promise<AgentView & { kind: 'offer' }> {
  const [excerpt, notes, from] = await Promise.all([
    readExcerpt(deps, doc, 0),
    notesOf(deps, doc.item.id),
    deps.agentRecords.get(pending.fromAgentId),
  ]);
  const offer: Offer = {
    id: pending.offerId,
    workItemId: doc.item.id,
    agentId: pending.toAgentId,
    offeredAt: pending.offeredAt,
    expiresAt: pending.expiresAt,
  };
  const base = offerView(doc, excerpt, offer, status, deps.settings.workstream.notificationTimeoutMs);
  const latest = excerpt.latest && excerpt.latest.seq !== excerpt.opening?.seq ? excerpt.latest : undefined;
  return {
    ...base,
    firstMessage: excerpt.opening?.text ?? base.firstMessage,
    transfer: {
      fromName: from?.name ?? 'A colleague',
      ...(pending.note !== undefined ? { note: pending.note } : {}),
      ...(latest ? { latestMessage: latest.text } : {}),
      sentiment: conversationSentiment(doc.item.sentimentScores),
      notes,
    },
  };
}
