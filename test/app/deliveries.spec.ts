import { CUSTOMER_LEFT_TEXT } from '../../src/app/deliveries';
import { createDesk } from './desk-harness';

const casey = { customerId: 'webchat:casey', channelId: 'webchat', text: 'Where is my parcel?' };

async function activeWithReply() {
  const harness = createDesk({ agents: ['alice'] });
  await harness.desk.showPanel('alice', 'Alice');
  const outcome = await harness.desk.customerMessage(casey);
  const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
  if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer');
  await harness.desk.accept({ agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
  harness.notifier.clear();
  await harness.desk.reply('alice', outcome.workItemId, 'It left the depot this morning.');
  const deliveryId = harness.notifier.sent.find((sent) => sent.to === casey.customerId)?.notice?.deliveryId;
  if (!deliveryId) throw new Error('the reply carries no delivery id');
  return { ...harness, workItemId: outcome.workItemId, deliveryId };
}

async function line(harness: ReturnType<typeof createDesk>, workItemId: string) {
  const detail = await harness.desk.sessionDetail('alice', workItemId);
  return detail?.transcript.at(-1);
}

describe('an agent message’s delivery', () => {
  it('is "sending" once stored, then "delivered" when the channel took it', async () => {
    const harness = await activeWithReply();
    expect(await line(harness, harness.workItemId)).toMatchObject({ delivery: 'sending' });
    await harness.desk.recordDelivery(casey.customerId, harness.deliveryId, { kind: 'delivered' });
    expect(await line(harness, harness.workItemId)).toMatchObject({ delivery: 'delivered' });
    expect(harness.notifier.viewsTo('alice', 'notice')).toEqual([]);
  });

  it('is "not delivered" when the channel says the conversation is gone: the customer has left, and the agent is told', async () => {
    const harness = await activeWithReply();
    await harness.desk.recordDelivery(casey.customerId, harness.deliveryId, {
      kind: 'failed',
      status: 404,
      reason: 'ConversationNotFound',
    });
    expect(await line(harness, harness.workItemId)).toMatchObject({ delivery: 'not-delivered' });
    const detail = await harness.desk.sessionDetail('alice', harness.workItemId);
    expect(detail?.conversation.customerLeft).toBe(true);
    expect(harness.notifier.viewsTo('alice', 'notice').at(-1)).toMatchObject({
      title: 'Visitor 1: not delivered',
      text: `${CUSTOMER_LEFT_TEXT} "It left the depot this morning."`,
      tone: 'attention',
    });
    const workspace = await harness.desk.workspace('alice');
    expect(workspace.dashboard.myItems[0]).toMatchObject({ customerLeft: true });
  });

  it('is "not delivered" without "customer left" when the channel refused it for another reason', async () => {
    const harness = await activeWithReply();
    await harness.desk.recordDelivery(casey.customerId, harness.deliveryId, {
      kind: 'failed',
      status: 400,
      reason: 'bad request',
    });
    expect(await line(harness, harness.workItemId)).toMatchObject({ delivery: 'not-delivered' });
    const detail = await harness.desk.sessionDetail('alice', harness.workItemId);
    expect(detail?.conversation.customerLeft).toBeUndefined();
  });

  it('forgets "customer left" once the customer writes again', async () => {
    const harness = await activeWithReply();
    await harness.desk.customerLeft(casey.customerId);
    expect((await harness.desk.sessionDetail('alice', harness.workItemId))?.conversation.customerLeft).toBe(
      true,
    );
    await harness.desk.customerMessage({ ...casey, text: 'Sorry, my browser closed' });
    expect(
      (await harness.desk.sessionDetail('alice', harness.workItemId))?.conversation.customerLeft,
    ).toBeUndefined();
  });
});

describe('a queued customer who has gone', () => {
  it('leaves the queue, closed as customer-left, when a send to them fails for good', async () => {
    const harness = createDesk({ agents: ['alice'], unreachable: ['alice'] });
    const outcome = await harness.desk.customerMessage(casey);
    if (outcome.kind !== 'queued') throw new Error('expected queued');
    await harness.desk.recordDelivery(casey.customerId, 'queued-notice', {
      kind: 'failed',
      status: 404,
      reason: 'ConversationNotFound',
    });
    const doc = await harness.workItem(outcome.workItemId);
    expect(doc?.item).toMatchObject({ state: 'closed', closedReason: 'customer-left' });
    const queue = await harness.tables.queue.get('default');
    expect(queue?.entries.map((entry) => entry.workItemId) ?? []).not.toContain(outcome.workItemId);
    expect((await harness.desk.workspace('alice')).dashboard.openItems).toEqual([]);
  });

  it('leaves the queue when their channel ends the conversation', async () => {
    const harness = createDesk({ agents: ['alice'], unreachable: ['alice'] });
    const outcome = await harness.desk.customerMessage(casey);
    if (outcome.kind !== 'queued') throw new Error('expected queued');
    await harness.desk.customerLeft(casey.customerId);
    expect((await harness.desk.workspace('alice')).dashboard.openItems).toEqual([]);
    const doc = await harness.workItem(outcome.workItemId);
    expect(doc?.item.closedReason).toBe('customer-left');
  });
});
