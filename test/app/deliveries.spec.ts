import { receiveCustomerMessage } from '../../src/app/customers';
import { customerLeft, recordDelivery } from '../../src/app/deliveries';
import { accept } from '../../src/app/offers';
import { showPanel } from '../../src/app/panel-actions';
import { reply } from '../../src/app/reply-actions';
import { sessionDetail, workspace } from '../../src/app/workspace';
import { CUSTOMER_LEFT_TEXT } from '../../src/app/deliveries';
import { createDesk } from './desk-harness';

const casey = { customerId: 'webchat:casey', channelId: 'webchat', text: 'Where is my parcel?' };

async function activeWithReply() {
  const harness = createDesk({ agents: ['alice'] });
  await showPanel(harness.ports, 'alice', 'Alice');
  const outcome = await receiveCustomerMessage(harness.ports, casey);
  const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
  if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer');
  await accept(harness.ports, { agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
  harness.notifier.clear();
  await reply(harness.ports, 'alice', outcome.workItemId, 'It left the depot this morning.');
  const deliveryId = harness.notifier.sent.find((sent) => sent.to === casey.customerId)?.notice?.deliveryId;
  if (!deliveryId) throw new Error('the reply carries no delivery id');
  return { ...harness, workItemId: outcome.workItemId, deliveryId };
}

async function line(harness: ReturnType<typeof createDesk>, workItemId: string) {
  const detail = await sessionDetail(harness.ports, 'alice', workItemId);
  return detail?.transcript.at(-1);
}

describe('an agent message’s delivery', () => {
  it('is "sending" once stored, then "delivered" when the channel took it', async () => {
    const harness = await activeWithReply();
    expect(await line(harness, harness.workItemId)).toMatchObject({ delivery: 'sending' });
    await recordDelivery(harness.ports, casey.customerId, harness.deliveryId, { kind: 'delivered' });
    expect(await line(harness, harness.workItemId)).toMatchObject({ delivery: 'delivered' });
    expect(harness.notifier.viewsTo('alice', 'notice')).toEqual([]);
  });

  it('is "not delivered" when the channel says the conversation is gone: the customer has left, and the agent is told', async () => {
    const harness = await activeWithReply();
    await recordDelivery(harness.ports, casey.customerId, harness.deliveryId, {
      kind: 'failed',
      status: 404,
      reason: 'ConversationNotFound',
    });
    expect(await line(harness, harness.workItemId)).toMatchObject({ delivery: 'not-delivered' });
    const detail = await sessionDetail(harness.ports, 'alice', harness.workItemId);
    expect(detail?.conversation.customerLeft).toBe(true);
    expect(harness.notifier.viewsTo('alice', 'notice').at(-1)).toMatchObject({
      title: 'Visitor 1: not delivered',
      text: `${CUSTOMER_LEFT_TEXT} "It left the depot this morning."`,
      tone: 'attention',
    });
    const view = await workspace(harness.ports, 'alice');
    expect(view.dashboard.myItems[0]).toMatchObject({ customerLeft: true });
  });

  it('is "not delivered" without "customer left" when the channel refused it for another reason', async () => {
    const harness = await activeWithReply();
    await recordDelivery(harness.ports, casey.customerId, harness.deliveryId, {
      kind: 'failed',
      status: 400,
      reason: 'bad request',
    });
    expect(await line(harness, harness.workItemId)).toMatchObject({ delivery: 'not-delivered' });
    const detail = await sessionDetail(harness.ports, 'alice', harness.workItemId);
    expect(detail?.conversation.customerLeft).toBeUndefined();
  });

  it('forgets "customer left" once the customer writes again', async () => {
    const harness = await activeWithReply();
    await customerLeft(harness.ports, casey.customerId);
    expect((await sessionDetail(harness.ports, 'alice', harness.workItemId))?.conversation.customerLeft).toBe(
      true,
    );
    await receiveCustomerMessage(harness.ports, { ...casey, text: 'Sorry, my browser closed' });
    expect(
      (await sessionDetail(harness.ports, 'alice', harness.workItemId))?.conversation.customerLeft,
    ).toBeUndefined();
  });
});

describe('a queued customer who has gone', () => {
  it('leaves the queue, closed as customer-left, when a send to them fails for good', async () => {
    const harness = createDesk({ agents: ['alice'], unreachable: ['alice'] });
    const outcome = await receiveCustomerMessage(harness.ports, casey);
    if (outcome.kind !== 'queued') throw new Error('expected queued');
    await recordDelivery(harness.ports, casey.customerId, 'queued-notice', {
      kind: 'failed',
      status: 404,
      reason: 'ConversationNotFound',
    });
    const doc = await harness.workItem(outcome.workItemId);
    expect(doc?.item).toMatchObject({ state: 'closed', closedReason: 'customer-left' });
    const queue = await harness.tables.queue.get('default');
    expect(queue?.entries.map((entry) => entry.workItemId) ?? []).not.toContain(outcome.workItemId);
    expect((await workspace(harness.ports, 'alice')).dashboard.openItems).toEqual([]);
  });

  it('leaves the queue when their channel ends the conversation', async () => {
    const harness = createDesk({ agents: ['alice'], unreachable: ['alice'] });
    const outcome = await receiveCustomerMessage(harness.ports, casey);
    if (outcome.kind !== 'queued') throw new Error('expected queued');
    await customerLeft(harness.ports, casey.customerId);
    expect((await workspace(harness.ports, 'alice')).dashboard.openItems).toEqual([]);
    const doc = await harness.workItem(outcome.workItemId);
    expect(doc?.item.closedReason).toBe('customer-left');
  });
});
