/**
 * Capacity is checked again when an offer or a transfer is accepted, under the agent's row lock. Offers are planned
 * from counts read before the queue's transaction, so two planners (two instances) may both offer an agent's last
 * free slot; here the room is taken by a pick (which may go over capacity, as the agent chose it) between the offer
 * and its Accept.
 */
import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { acceptOffer } from '../../src/app/transfer-answers';
import { transfer } from '../../src/app/transfers';
import { showPanel } from '../../src/app/panel-actions';
import { pick } from '../../src/app/work-item-actions';
import { hasRoomFor, usedCapacityUnits } from '../../src/domain/agent-sessions';
import { createDesk } from './desk-harness';

const AT_CAPACITY = "You're at capacity: end or close a conversation before taking another.";
const customer = (id: string, text: string) => ({
  customerId: `emulator:${id}`,
  channelId: 'emulator',
  text,
});

describe('capacity at accept', () => {
  it('refuses an Accept that would put the agent over capacity; the item goes back to the queue', async () => {
    const harness = createDesk({ agents: ['alice'], workstream: { agentCapacityUnits: 1, maxSessions: 5 } });
    const { ports, notifier, tables } = harness;
    await showPanel(ports, 'alice', 'Alice');
    const kim = await receiveCustomerMessage(ports, customer('kim', 'My parcel is late'));
    const offer = notifier.viewsTo('alice', 'offer').at(-1);
    const lou = await receiveCustomerMessage(ports, customer('lou', 'My invoice is wrong'));
    if (kim.kind !== 'queued' || lou.kind !== 'queued' || !offer)
      throw new Error('expected two queued items');
    // Alice picks Lou herself while Kim's offer waits: her one unit is used.
    await pick(ports, 'alice', lou.workItemId);
    expect(usedCapacityUnits((await tables.agentRecords.get('alice'))!.panel, 1)).toBe(1);

    const answer = await accept(ports, {
      agentId: 'alice',
      workItemId: kim.workItemId,
      offerId: offer.offerId,
    });
    expect(answer).toMatchObject({ kind: 'notice', text: AT_CAPACITY });
    expect((await tables.agentRecords.get('alice'))?.panel.sessions.map((session) => session.id)).toEqual([
      lou.workItemId,
    ]);
    expect((await tables.workItems.get(kim.workItemId))?.item.state).toBe('open');
    expect((await tables.queue.get('default')).entries.map((entry) => entry.workItemId)).toContain(
      kim.workItemId,
    );
  });

  it('refuses a transfer Accept that would put the target over capacity; the conversation stays with its agent', async () => {
    const harness = createDesk({
      agents: ['alice', 'bob'],
      workstream: { agentCapacityUnits: 1, maxSessions: 5 },
    });
    const { ports, notifier, tables } = harness;
    await showPanel(ports, 'alice', 'Alice');
    const kim = await receiveCustomerMessage(ports, customer('kim', 'My parcel is late'));
    const offer = notifier.viewsTo('alice', 'offer').at(-1);
    if (kim.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
    await accept(ports, { agentId: 'alice', workItemId: kim.workItemId, offerId: offer.offerId });
    await showPanel(ports, 'bob', 'Bob');
    await transfer(ports, 'alice', kim.workItemId, { toAgentId: 'bob' });
    const transferOffer = notifier.viewsTo('bob', 'offer').at(-1);
    if (!transferOffer) throw new Error('expected a transfer offer to bob');
    // A new customer waits; Bob picks them while the transfer waits: his one unit is used.
    const lou = await receiveCustomerMessage(ports, customer('lou', 'My invoice is wrong'));
    if (lou.kind !== 'queued') throw new Error('expected lou queued');
    await pick(ports, 'bob', lou.workItemId);

    const answer = await acceptOffer(ports, {
      agentId: 'bob',
      workItemId: kim.workItemId,
      offerId: transferOffer.offerId,
    });
    expect(answer).toMatchObject({ text: AT_CAPACITY });
    expect((await tables.workItems.get(kim.workItemId))?.item.assignedAgentId).toBe('alice');
    expect((await tables.agentRecords.get('bob'))?.panel.sessions.map((session) => session.id)).toEqual([
      lou.workItemId,
    ]);
    expect(usedCapacityUnits((await tables.agentRecords.get('alice'))!.panel, 1)).toBe(1);
  });

  it('counts Active conversations, not consults or sessions past their wrap-up hold (read-only)', () => {
    const session = (id: string, readOnly: boolean) =>
      ({ id, kind: 'conversation', readOnly }) as unknown as Parameters<
        typeof usedCapacityUnits
      >[0]['sessions'][number];
    const panel = (sessions: ReturnType<typeof session>[]) =>
      ({ sessions }) as unknown as Parameters<typeof usedCapacityUnits>[0];
    const workstream = { capacityUnitsPerConversation: 1, agentCapacityUnits: 2 };
    expect(hasRoomFor(panel([session('a', false)]), workstream)).toBe(true);
    expect(hasRoomFor(panel([session('a', false), session('b', false)]), workstream)).toBe(false);
    expect(hasRoomFor(panel([session('a', false), session('b', true), session('c', true)]), workstream)).toBe(
      true,
    );
  });
});
