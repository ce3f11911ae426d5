import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { showPanel } from '../../src/app/panel-actions';
import { reply } from '../../src/app/reply-actions';
import { end, finish } from '../../src/app/wrap-up';
import { sessionDetail, workspace } from '../../src/app/workspace';
import { UNNAMED_AGENT } from '../../src/domain/agent-directory';
import { createDesk } from './desk-harness';

const customer = (id: string, text: string, extra: Record<string, unknown> = {}) => ({
  customerId: `webchat:${id}`,
  channelId: 'webchat',
  text,
  ...extra,
});

/** Alice known (named or not); one customer queued and accepted by her. */
async function accepted(options: Parameters<typeof createDesk>[0] = {}, name?: string, extra = {}) {
  const harness = createDesk({ agents: ['alice'], ...options });
  await showPanel(harness.ports, 'alice', name);
  const outcome = await receiveCustomerMessage(
    harness.ports,
    customer('casey', 'My parcel never came', extra),
  );
  const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
  if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
  await accept(harness.ports, { agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
  return { ...harness, workItemId: outcome.workItemId, offer };
}

describe('what customers read for an agent', () => {
  it('is the name AGENT_NAMES gives when Teams and the sign-in gave none, never the id', async () => {
    const { notifier } = await accepted({ agentNames: { alice: 'Alice Agent' } });
    expect(notifier.textsTo('webchat:casey')).toContain("You're now chatting with Alice Agent.");
  });

  it('is a neutral name when nobody gave one, never the id', async () => {
    const { notifier } = await accepted();
    expect(notifier.textsTo('webchat:casey')).toContain(`You're now chatting with ${UNNAMED_AGENT}.`);
    expect(notifier.textsTo('webchat:casey').join(' ')).not.toContain('alice');
  });

  it('is the name Teams or the sign-in gave, which wins over the configured one', async () => {
    const { notifier } = await accepted({ agentNames: { alice: 'Alice Agent' } }, 'Alice Smith');
    expect(notifier.textsTo('webchat:casey')).toContain("You're now chatting with Alice Smith.");
  });
});

describe('what each customer message is', () => {
  it('says queued, joined with the agent, the agent’s own words, and ended', async () => {
    const { ports, notifier, workItemId } = await accepted({}, 'Alice Smith');
    await reply(ports, 'alice', workItemId, 'Let me check that for you.');
    await end(ports, 'alice', workItemId);
    const notices = notifier.sent.filter((sent) => sent.to === 'webchat:casey').map((sent) => sent.notice);
    expect(notices).toEqual([
      { kind: 'queued' },
      { kind: 'joined', agentName: 'Alice Smith' },
      { kind: 'agent-message', agentName: 'Alice Smith', deliveryId: expect.any(String) as string },
      { kind: 'ended', agentName: 'Alice Smith' },
    ]);
  });

  it('answers a message refused by the rate limit with the refused activity’s id', async () => {
    const harness = createDesk({ agents: ['alice'], rateLimitPerMinute: 1 });
    await receiveCustomerMessage(harness.ports, customer('flood', 'one', { activityId: 'in-1' }));
    await receiveCustomerMessage(harness.ports, customer('flood', 'two', { activityId: 'in-2' }));
    expect(harness.notifier.sent.at(-1)).toMatchObject({
      to: 'webchat:flood',
      notice: { kind: 'rate-limited', replyToId: 'in-2' },
    });
  });
});

describe('what the tab shows of a conversation', () => {
  it('names the author of every agent line', async () => {
    const { ports, workItemId } = await accepted({}, 'Alice Smith');
    await reply(ports, 'alice', workItemId, 'Hello Casey');
    const detail = await sessionDetail(ports, 'alice', workItemId);
    expect(detail?.transcript.at(-1)).toEqual(
      expect.objectContaining({
        from: 'agent',
        text: 'Hello Casey',
        agentId: 'alice',
        agentName: 'Alice Smith',
      }),
    );
    expect(detail?.transcript[0]).toEqual(
      expect.not.objectContaining({ agentName: expect.anything() as unknown }),
    );
  });

  it('summarises it by the customer’s first and latest messages, and the name they gave', async () => {
    const { ports, workItemId, offer } = await accepted({}, 'Alice', { nameGiven: 'Casey' });
    expect(offer.nameGiven).toBe('Casey');
    await receiveCustomerMessage(ports, customer('casey', 'Any news?', { nameGiven: 'Casey' }));
    const detail = await sessionDetail(ports, 'alice', workItemId);
    expect(detail?.conversation).toMatchObject({
      title: 'Visitor 1',
      nameGiven: 'Casey',
      opening: { from: 'customer', text: 'My parcel never came' },
      latest: { from: 'customer', text: 'Any news?' },
    });
  });

  it('lists the same customer’s earlier conversations, newest first, each with a preview', async () => {
    const { ports, notifier, workItemId } = await accepted({}, 'Alice');
    await end(ports, 'alice', workItemId);
    await finish(ports, 'alice', workItemId, { outcome: 'Resolved' });
    notifier.clear();
    const again = await receiveCustomerMessage(ports, customer('casey', 'Back again about a refund'));
    const offer = notifier.viewsTo('alice', 'offer').at(-1);
    if (again.kind !== 'queued' || !offer) throw new Error('expected a second offer');
    await accept(ports, { agentId: 'alice', workItemId: again.workItemId, offerId: offer.offerId });
    const detail = await sessionDetail(ports, 'alice', again.workItemId);
    expect(detail?.conversation.title).toBe('Visitor 1');
    expect(detail?.conversation.previous).toEqual([
      expect.objectContaining({ workItemId, state: 'closed', preview: 'My parcel never came' }),
    ]);
  });

  it('shows what each Open work item is about', async () => {
    const harness = createDesk({ agents: ['alice'], unreachable: ['alice'] });
    await receiveCustomerMessage(harness.ports, customer('long', `Hello ${'word '.repeat(60)}end`));
    const view = await workspace(harness.ports, 'alice');
    const [row] = view.dashboard.openItems;
    expect(row?.preview?.startsWith('Hello word word')).toBe(true);
    expect(row?.preview?.endsWith('…')).toBe(true);
    expect(row?.preview?.length).toBeLessThanOrEqual(141);
  });

  it("finds a customer's earlier conversations, newest first, as many as asked for", async () => {
    const harness = createDesk({ agents: ['alice'] });
    await showPanel(harness.ports, 'alice', 'Alice');
    const ended: string[] = [];
    for (let round = 0; round < 22; round += 1) {
      // A minute apart: conversations are ordered by when they started.
      harness.clock.advance(60_000);
      harness.notifier.clear();
      const outcome = await receiveCustomerMessage(
        harness.ports,
        customer('regular', `Question ${round + 1}`),
      );
      const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
      if (outcome.kind !== 'queued' || !offer) throw new Error(`no offer in round ${round + 1}`);
      await accept(harness.ports, {
        agentId: 'alice',
        workItemId: outcome.workItemId,
        offerId: offer.offerId,
      });
      await end(harness.ports, 'alice', outcome.workItemId);
      await finish(harness.ports, 'alice', outcome.workItemId, { outcome: 'Resolved' });
      ended.push(outcome.workItemId);
    }
    const doc = await harness.tables.customers.get('webchat:regular');
    expect(doc?.latestWorkItemId).toBe(ended[21]);
    const previous = await harness.tables.workItems.previousOf('webchat:regular', ended[21]!, 20);
    expect(previous.map((earlier) => earlier.item.id)).toEqual(ended.slice(1, 21).reverse());
  });
});
