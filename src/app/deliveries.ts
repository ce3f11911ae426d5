import { abandonWorkItem, markCustomerLeft } from '../domain/work-item';
import type { DeskPorts } from './desk-context';
import { leaveQueue } from './offers';
import type { WorkItemDocument } from './documents';
import { notice, previewOf } from './view-builders';
import type { DeliveryState } from './views';
import { announceWorkItemChange } from './work-item-index';

/** What recording a delivery reads and writes: the transcript line, the customer's item, the queue, the agent. */
export type DeliveryPorts = Pick<
  DeskPorts,
  'messages' | 'customers' | 'workItems' | 'queue' | 'notifier' | 'clock' | 'logger' | 'settings'
>;

/** How a send to a customer ended: taken by their channel, or refused for good. */
export type SendOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'failed'; readonly status?: number; readonly reason: string };

/** What the agent reads when their message could not reach a customer who has gone. */
export const CUSTOMER_LEFT_TEXT = 'Not delivered — the customer has left.';

/**
 * A channel that answers 403 or 404 no longer has the conversation (Direct Line's "conversation not found", Teams'
 * "bot is not part of the conversation roster"), and a customer without a stored reference cannot be reached.
 */
export function meansCustomerLeft(outcome: SendOutcome): boolean {
  return outcome.kind === 'failed' && (outcome.status === 403 || outcome.status === 404);
}

/**
 * Records how a send to a customer ended. An agent's message (traced by its deliveryId) gets its delivery state,
 * which the agent's tab shows; a send that failed because the customer has gone marks their conversation "Customer
 * left", takes it out of the queue if it was waiting there, and tells the agent it was not delivered.
 * Not taken in the customer's turns: a turn may itself be waiting for this send, and each write is conditional.
 */
export async function recordDelivery(
  deps: DeliveryPorts,
  customerId: string,
  deliveryId: string,
  outcome: SendOutcome,
): Promise<void> {
  const left = meansCustomerLeft(outcome);
  const state: DeliveryState = outcome.kind === 'delivered' ? 'delivered' : 'not-delivered';
  const traced = await deps.messages.setDelivery(deliveryId, state);
  const latestId = (await deps.customers.get(customerId))?.latestWorkItemId;
  // Only the conversation the customer is in now can be left.
  if (left && latestId) {
    const now = deps.clock.now();
    const doc = await deps.workItems.update(latestId, (current) =>
      current && current.item.customerLeftAt === undefined
        ? { ...current, item: markCustomerLeft(current.item, now) }
        : current,
    );
    if (doc) {
      await afterDelivery(
        deps,
        doc,
        true,
        traced?.workItemId === latestId ? traced.text : undefined,
        outcome,
      );
      return;
    }
  }
  if (!traced) return;
  const doc = await deps.workItems.get(traced.workItemId);
  if (doc) await afterDelivery(deps, doc, left, traced.text, outcome);
}

/**
 * The customer's channel says their conversation ended (an endOfConversation activity: the chat was closed or
 * expired): their live conversation is marked "Customer left", and leaves the queue if it was waiting there.
 * Taken in turn with the customer's messages (customerTurns).
 */
export function customerLeft(
  deps: DeliveryPorts & Pick<DeskPorts, 'customerTurns'>,
  customerId: string,
): Promise<void> {
  return deps.customerTurns.run(customerId, () => markCustomerGone(deps, customerId));
}

async function markCustomerGone(deps: DeliveryPorts, customerId: string): Promise<void> {
  const workItemId = (await deps.customers.get(customerId))?.latestWorkItemId;
  if (!workItemId) return;
  const now = deps.clock.now();
  const doc = await deps.workItems.update(workItemId, (current) =>
    current && current.item.state !== 'closed' && current.item.customerLeftAt === undefined
      ? { ...current, item: markCustomerLeft(current.item, now) }
      : current,
  );
  if (doc && doc.item.state !== 'closed') {
    await afterDelivery(deps, doc, true, undefined, { kind: 'failed', reason: 'the conversation ended' });
  }
}

async function afterDelivery(
  deps: DeliveryPorts,
  doc: WorkItemDocument,
  left: boolean,
  text: string | undefined,
  outcome: SendOutcome,
): Promise<void> {
  const { item } = doc;
  const log = { workItemId: item.id, customerId: item.customerId };
  if (left && item.state === 'open') {
    const closed = await deps.workItems.update(item.id, (current) =>
      current && current.item.state === 'open'
        ? { ...current, item: abandonWorkItem(current.item, deps.clock.now()) }
        : current,
    );
    await leaveQueue(deps, item.id);
    if (closed) await announceWorkItemChange(deps);
    deps.logger.info(log, 'customer left while queued: the item left the queue');
    return;
  }
  if (left) await announceWorkItemChange(deps);
  const agentId = item.assignedAgentId;
  if (!agentId) return;
  if (outcome.kind === 'failed' && text !== undefined) {
    const why = left ? CUSTOMER_LEFT_TEXT : 'Not delivered — the channel refused it.';
    deps.logger.info({ ...log, agentId, status: outcome.status }, 'agent message not delivered');
    await deps.notifier.toAgent(
      agentId,
      notice(`${item.title}: not delivered`, `${why} "${previewOf(text)}"`, 'attention'),
    );
  } else if (left) {
    deps.logger.info({ ...log, agentId }, 'customer left');
  }
  await deps.notifier.agentChanged?.(agentId);
}
