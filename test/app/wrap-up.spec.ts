import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { showPanel } from '../../src/app/panel-actions';
import { reply } from '../../src/app/reply-actions';
import { confirmClose, focus, requestClose } from '../../src/app/session-actions';
import { deskSweep } from '../../src/app/sweep';
import { workspace } from '../../src/app/workspace';
import { end, finish } from '../../src/app/wrap-up';
import type { WrapUpSettings } from '../../src/domain/workstream';
import { createDesk } from './desk-harness';

const customer = (id: string, text: string) => ({
  customerId: `emulator:${id}`,
  channelId: 'emulator',
  text,
});
const OUTCOMES = ['Resolved', 'Follow-up needed', 'Escalated', 'No response'];

/** Alice (capacity 1) holds one Active conversation; Bob is the other agent. */
async function aliceWithOne(wrapUp: Partial<WrapUpSettings> = {}) {
  const harness = createDesk({
    agents: ['alice', 'bob'],
    workstream: {
      agentCapacityUnits: 1,
      wrapUp: { outcomes: OUTCOMES, holdMs: 60_000, timeoutMs: 900_000, ...wrapUp },
    },
  });
  await showPanel(harness.ports, 'alice', 'Alice');
  const first = await receiveCustomerMessage(harness.ports, customer('kim', 'My parcel is late'));
  const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
  if (first.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
  await accept(harness.ports, { agentId: 'alice', workItemId: first.workItemId, offerId: offer.offerId });
  harness.notifier.clear();
  const alice = () => harness.tables.agentRecords.get('alice');
  const item = async () => (await harness.tables.workItems.get(first.workItemId))?.item;
  return { ...harness, id: first.workItemId, alice, item };
}

describe('wrap-up', () => {
  it('End moves the conversation to Wrap-up: the customer is told, the session stays marked "Wrap-up", no reply', async () => {
    const { ports, notifier, id, alice, item } = await aliceWithOne();
    const view = await end(ports, 'alice', id);
    expect(view).toMatchObject({ kind: 'wrap-up', sessionId: id, outcomes: OUTCOMES });
    expect(notifier.textsTo('emulator:kim')).toEqual([
      'Alice has ended the conversation. Send a message any time to start a new one.',
    ]);
    expect(await item()).toMatchObject({ state: 'wrap-up', assignedAgentId: 'alice' });
    const panel = notifier.viewsTo('alice', 'panel').at(-1);
    expect(panel?.kind === 'panel' && panel.rows.find((row) => row.id === id)?.statusText).toBe('Wrap-up');
    expect((await alice())?.panel.sessions.map((session) => session.id)).toEqual([id]);
    expect(await reply(ports, 'alice', id, 'One more thing')).toMatchObject({
      kind: 'notice',
      tone: 'attention',
    });
    expect(notifier.textsTo('emulator:kim')).toHaveLength(1);
  });

  it('lists the conversation under My work items while it is wrapped up', async () => {
    const { ports, id } = await aliceWithOne();
    await end(ports, 'alice', id);
    const { dashboard } = await workspace(ports, 'alice');
    expect(dashboard.myItems).toEqual([expect.objectContaining({ workItemId: id, state: 'wrap-up' })]);
  });

  it('holds the capacity for WRAP_UP_HOLD_S, then the sweeper releases it and routing offers more work', async () => {
    const { ports, notifier, clock, id, alice } = await aliceWithOne({ holdMs: 60_000 });
    await end(ports, 'alice', id);
    await receiveCustomerMessage(ports, customer('lou', 'Hello?'));
    expect(notifier.viewsTo('alice', 'offer')).toEqual([]);
    expect((await alice())?.presence).toBe('dnd');
    const sweep = deskSweep(ports);
    clock.advance(59_000);
    await sweep();
    expect(notifier.viewsTo('alice', 'offer')).toEqual([]);
    clock.advance(1_000);
    await sweep();
    expect(notifier.viewsTo('alice', 'offer')).toHaveLength(1);
    expect((await alice())?.panel.sessions.find((session) => session.id === id)).toMatchObject({
      readOnly: true,
      wrapUpSince: expect.any(Number),
    });
  });

  it('with WRAP_UP_HOLD_S=0 releases the capacity at End', async () => {
    const { ports, notifier, id } = await aliceWithOne({ holdMs: 0 });
    await receiveCustomerMessage(ports, customer('lou', 'Hello?'));
    expect(notifier.viewsTo('alice', 'offer')).toEqual([]);
    await end(ports, 'alice', id);
    expect(notifier.viewsTo('alice', 'offer')).toHaveLength(1);
  });

  it('with WRAP_UP_HOLD_S=always holds it until Finish, however long', async () => {
    const { ports, notifier, clock, id } = await aliceWithOne({ holdMs: Infinity, timeoutMs: 3_600_000 });
    await end(ports, 'alice', id);
    await receiveCustomerMessage(ports, customer('lou', 'Hello?'));
    clock.advance(3_000_000);
    await deskSweep(ports)();
    expect(notifier.viewsTo('alice', 'offer')).toEqual([]);
    await finish(ports, 'alice', id, { outcome: 'Resolved' });
    expect(notifier.viewsTo('alice', 'offer')).toHaveLength(1);
  });

  it('Finish with an outcome (any case) and a note closes it, keeps both, and takes the session off the panel', async () => {
    const { ports, tables, id, alice, item } = await aliceWithOne();
    await end(ports, 'alice', id);
    const view = await finish(ports, 'alice', id, { outcome: 'follow-UP needed', note: 'Call back Monday' });
    expect(view).toMatchObject({
      kind: 'notice',
      title: 'Visitor 1 closed',
      text: 'Outcome: Follow-up needed.',
    });
    expect(await item()).toMatchObject({
      state: 'closed',
      closedReason: 'ended',
      outcome: 'Follow-up needed',
    });
    expect((await alice())?.panel.sessions).toEqual([]);
    expect((await tables.notes.latest(id, 5)).map((note) => note.text)).toEqual([
      'Wrap-up (Follow-up needed): Call back Monday',
    ]);
  });

  it('refuses Finish without a known outcome, by another agent, or before End; nothing changes', async () => {
    const { ports, id, item } = await aliceWithOne();
    expect(await finish(ports, 'alice', id, { outcome: 'Resolved' })).toMatchObject({
      text: 'Only an ended conversation is wrapped up: End it first.',
    });
    await end(ports, 'alice', id);
    expect(await finish(ports, 'alice', id, {})).toMatchObject({
      text: 'Choose an outcome to finish: Resolved, Follow-up needed, Escalated, No response.',
    });
    expect(await finish(ports, 'alice', id, { outcome: 'Sorted' })).toMatchObject({ tone: 'attention' });
    await showPanel(ports, 'bob', 'Bob');
    expect(await finish(ports, 'bob', id, { outcome: 'Resolved' })).toMatchObject({ tone: 'attention' });
    expect((await item())?.state).toBe('wrap-up');
  });

  it('refuses Close on a session in wrap-up: Finish is how it closes', async () => {
    const { ports, id, alice } = await aliceWithOne();
    await end(ports, 'alice', id);
    const wording = 'This conversation has ended: choose an outcome and Finish its wrap-up to close it.';
    expect(await requestClose(ports, 'alice', id)).toMatchObject({ text: wording });
    expect(await confirmClose(ports, 'alice', id)).toMatchObject({ text: wording });
    expect((await alice())?.panel.sessions).toHaveLength(1);
  });

  it('closes by itself after WRAP_UP_TIMEOUT_S with outcome "Not set"', async () => {
    const { ports, clock, id, alice, item } = await aliceWithOne({ timeoutMs: 900_000 });
    await end(ports, 'alice', id);
    const sweep = deskSweep(ports);
    clock.advance(899_000);
    await sweep();
    expect((await item())?.state).toBe('wrap-up');
    clock.advance(1_000);
    await sweep();
    expect(await item()).toMatchObject({ state: 'closed', outcome: 'Not set' });
    expect((await alice())?.panel.sessions).toEqual([]);
  });

  it('focusing a session in wrap-up shows its wrap-up card', async () => {
    const { ports, notifier, id } = await aliceWithOne();
    await end(ports, 'alice', id);
    notifier.clear();
    await focus(ports, 'alice', id);
    expect(notifier.viewsTo('alice', 'wrap-up')).toEqual([expect.objectContaining({ sessionId: id })]);
  });

  it("a customer who writes during the wrap-up starts a new conversation; the ended one's wrap-up goes on", async () => {
    const { ports, id, item } = await aliceWithOne();
    await end(ports, 'alice', id);
    const next = await receiveCustomerMessage(ports, customer('kim', 'Sorry, one more question'));
    expect(next).toMatchObject({ kind: 'queued' });
    expect('workItemId' in next && next.workItemId).not.toBe(id);
    expect((await item())?.state).toBe('wrap-up');
  });
});
