import { DomainError } from '../domain/errors';
import { requeueWorkItem } from '../domain/work-item';
import { NoLongerAvailableError } from './action-guards';
import { customerWording } from './customer-wording';
import type { WorkItemDocument } from './documents';
import { dispatchOffers } from './offers';
import { assignToAgent } from './supervisor-assign';
import { requireSupervisor, staffName } from './supervision';
import { toAgent, toQueue, type TransferPorts } from './transfers';
import { notice } from './view-builders';
import { announceWorkItemChange } from './work-item-index';

/** Where a supervisor sends a conversation: to an agent (who must accept), or to the head of the queue. */
export type SupervisorTransferTarget = { readonly toAgentId: string } | { readonly toQueue: true };

export interface SupervisorTransferOutcome {
  readonly workItemId: string;
  readonly title: string;
  readonly from: 'active' | 'waiting';
  /** The agent offered it (who must accept), or undefined when it went to the queue. */
  readonly toAgentId?: string;
  readonly toAgentName?: string;
}

export class NotTransferableError extends DomainError {
  readonly code = 'not-transferable';

  constructor(readonly state: string) {
    super(`Only an Active or Waiting conversation can be transferred; this one is ${state}.`);
  }
}

/**
 * A supervisor's Transfer. An Active conversation goes as its agent's own transfer would (the target gets the
 * transfer offer and must accept; it stays with its agent until then; or it goes to the head of the queue, not
 * straight back to them), and the agent is told who moved it. A Waiting one, with no agent holding it, goes to
 * the head of the queue, offered to the chosen agent as an Assign is.
 */
export async function supervisorTransfer(
  deps: TransferPorts,
  supervisorId: string,
  workItemId: string,
  target: SupervisorTransferTarget,
): Promise<SupervisorTransferOutcome> {
  requireSupervisor(deps, supervisorId);
  const doc = await deps.workItems.get(workItemId);
  if (!doc || doc.item.state === 'closed') throw new NoLongerAvailableError();
  const { state } = doc.item;
  const toAgentId = 'toAgentId' in target ? target.toAgentId : undefined;
  const supervisorName = await staffName(deps, supervisorId);
  const fields = { supervisorId, workItemId, from: state, toAgentId, toQueue: toAgentId === undefined };
  if (state === 'waiting') {
    const outcome = await fromWaiting(deps, supervisorId, doc, toAgentId);
    deps.logger.info(fields, 'conversation transferred by a supervisor');
    return outcome;
  }
  const holderId = doc.item.assignedAgentId;
  const holder = holderId === undefined ? undefined : await deps.agentRecords.get(holderId);
  if (state !== 'active' || !holder) throw new NotTransferableError(state);
  const title = doc.item.title;
  if (toAgentId === undefined) {
    await toQueue(deps, holder, doc);
    await deps.notifier.toAgent(
      holder.id,
      notice(
        `${title} went back to the queue`,
        `${supervisorName} moved ${title} back to the queue.`,
        'attention',
      ),
    );
    deps.logger.info({ ...fields, agentId: holder.id }, 'conversation transferred by a supervisor');
    return { workItemId, title, from: 'active' };
  }
  const toName = (await deps.agentRecords.get(toAgentId))?.name ?? 'that agent';
  await toAgent(deps, holder, doc, toAgentId, `Transferred by ${supervisorName} (supervisor).`);
  await deps.notifier.toAgent(
    holder.id,
    notice(`${title}: transfer`, `${supervisorName} is transferring ${title} to ${toName}.`, 'attention'),
  );
  deps.logger.info({ ...fields, agentId: holder.id }, 'conversation transferred by a supervisor');
  return { workItemId, title, from: 'active', toAgentId, toAgentName: toName };
}

/** A Waiting conversation back in the queue, at its head; offered to the chosen agent in the same transaction. */
async function fromWaiting(
  deps: TransferPorts,
  supervisorId: string,
  doc: WorkItemDocument,
  toAgentId: string | undefined,
): Promise<SupervisorTransferOutcome> {
  const now = deps.clock.now();
  const workItemId = doc.item.id;
  const assigned = await deps.unitOfWork.run(async () => {
    const changed = await deps.workItems.update(workItemId, (current) => {
      if (!current || current.item.state !== 'waiting') throw new NoLongerAvailableError();
      return { ...current, item: requeueWorkItem(current.item, now), waitingSince: now };
    });
    if (!changed) throw new NoLongerAvailableError();
    await deps.queue.enqueueFirst(deps.settings.workstream.name, { workItemId, enqueuedAt: now });
    return toAgentId === undefined
      ? undefined
      : assignToAgent(deps, supervisorId, { workItemId, agentId: toAgentId });
  });
  await announceWorkItemChange(deps);
  if (doc.item.customerLeftAt === undefined)
    await deps.notifier.toCustomer(doc.item.customerId, customerWording.queued, { kind: 'queued' });
  if (!assigned) await dispatchOffers(deps);
  return {
    workItemId,
    title: doc.item.title,
    from: 'waiting',
    ...(assigned ? { toAgentId: assigned.agentId, toAgentName: assigned.agentName } : {}),
  };
}
