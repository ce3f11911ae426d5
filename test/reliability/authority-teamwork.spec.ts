/**
 * Authority for the teamwork verbs (issue 14): `transfer` in its three shapes (the picker, to a colleague, to the
 * queue), `note`, and Accept / Reject on a transfer's offer. A colleague acting on another agent's conversation,
 * ids that name nothing, a customer pressing the buttons, forged offer ids and a colleague answering an offer made
 * to someone else: each is refused with a card, logged, and the store does not change.
 */
import { agentInvoke, customerInvoke, type TestAgent } from '../support/activities';
import { actionData, cardOf, textBlocks } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { recordReliabilityRow } from '../support/reliability-rows';
import { conversationsFor } from '../support/teamwork-scene';
import {
  FOR_AGENTS,
  NO_LONGER_AVAILABLE,
  OFFERED_TO_ANOTHER,
  customerIdOf,
  offersTo,
  testAgent,
  testCustomer,
  useReliabilityScene,
  type InvokeBody,
} from '../support/reliability-scene';

const alex = testAgent('Alex');
const bea = testAgent('Bea');
const cleo = testAgent('Cleo');
const NOT_YOURS = 'Only the agent working on this conversation can do that.';
const STILL_PENDING = 'A transfer of this conversation is already waiting for an answer.';
const CANNOT_TAKE =
  'That agent cannot take a transfer now: choose someone Available or Busy with free capacity.';
const noSession = (id: string) => `There is no session "${id}".`;

const tally = { attempts: 0, refused: 0 };

afterAll(() => {
  recordReliabilityRow({
    scenario: '4b. authority: transfer and notes',
    load: `${tally.attempts} hostile or mistaken teamwork actions (chat cards)`,
    faults:
      "another agent's conversation, unknown ids, a customer's presses, forged offer ids, an offer answered by a colleague it was not made to",
    sent: tally.attempts,
    delivered: tally.refused,
    lost: tally.attempts - tally.refused,
    duplicated: 0,
    note: 'delivered = refused with a card, logged, store unchanged',
  });
});

describe('transfer and note, pressed by whoever may not', () => {
  const kim = testCustomer('tw-kim');
  const lou = testCustomer('tw-lou');
  const scene = useReliabilityScene([alex, bea, cleo], { env: { NOTIFICATION_TIMEOUT_S: '60' } });
  let kimItem: string;
  let louItem: string;
  let offer: RecordedCall;
  let guarded: string[];

  beforeAll(async () => {
    // Kim is Alex's, Lou is Bea's; Alex offers Kim to Bea (pending) with a note.
    const start = await conversationsFor(
      scene,
      [alex, bea, cleo],
      [
        [alex, kim, 'My parcel is late'],
        [bea, lou, 'My invoice is wrong'],
      ],
    );
    [kimItem, louItem] = start.items as [string, string];
    guarded = [...start.guarded];
    await scene.press(alex, 'note', { sessionId: kimItem, text: 'Refund approved' });
    const asked = await scene.press(alex, 'transfer', {
      sessionId: kimItem,
      toAgentId: bea.aadObjectId,
      note: 'Please call back',
    });
    expect(asked.texts[0]).toBe('Transfer requested');
    offer = offersTo(asked.calls, bea).at(-1)!;
  });

  const offerData = () => actionData(cardOf(offer), 'accept');

  /** Presses as `agent`, expects a refusal card saying `says`, a log line matching `logged`, and nothing changed. */
  async function refused(
    agent: TestAgent,
    verb: string,
    data: Record<string, unknown>,
    says: string | readonly string[],
    logged: Record<string, unknown>,
  ) {
    tally.attempts += 1;
    const before = await scene.snapshot(guarded);
    const queueBefore = await scene.queue();
    const notesBefore = await scene.app.database.db.selectFrom('notes').selectAll().execute();
    const mark = scene.desk.lines.length;
    const result = await scene.post(agentInvoke(scene.serviceUrl, agent, verb, data));
    expect(result.status).toBe(200);
    const texts = textBlocks((result.body as InvokeBody).value);
    const expected = typeof says === 'string' ? [says] : says;
    expect(expected.some((text) => texts.includes(text))).toBe(true);
    for (const customer of [kim, lou]) {
      expect(result.calls.filter((call) => call.conversationId === customer.conversationId)).toEqual([]);
    }
    expect(await scene.snapshot(guarded)).toEqual(before);
    expect(await scene.queue()).toEqual(queueBefore);
    expect(await scene.app.database.db.selectFrom('notes').selectAll().execute()).toEqual(notesBefore);
    expect(scene.desk.lines.slice(mark)).toContainEqual(expect.objectContaining(logged));
    tally.refused += 1;
  }

  const refusedAction = (agent: TestAgent) => ({ msg: 'agent action refused', agentId: agent.aadObjectId });

  it.each([
    ['the picker', () => ({ sessionId: kimItem })],
    ['to herself', () => ({ sessionId: kimItem, toAgentId: cleo.aadObjectId })],
    ['to Bea', () => ({ sessionId: kimItem, toAgentId: bea.aadObjectId, note: 'mine now' })],
    ['to the queue', () => ({ sessionId: kimItem, toQueue: true })],
  ])("Cleo pressing transfer (%s) on Alex's conversation is refused", async (_what, data) => {
    await refused(cleo, 'transfer', data(), NOT_YOURS, refusedAction(cleo));
  });

  it.each([
    ['adding a note', () => ({ sessionId: kimItem, text: 'Cleo was here' })],
    ['reading the notes', () => ({ sessionId: kimItem })],
  ])(
    "Cleo %s on Alex's conversation is refused as no longer available (she has no session)",
    async (_w, data) => {
      await refused(cleo, 'note', data(), NO_LONGER_AVAILABLE, refusedAction(cleo));
    },
  );

  it.each([
    ['transfer', { sessionId: 'no-such-item', toAgentId: 'aad-bea' }],
    ['transfer', { sessionId: 'no-such-item', toQueue: true }],
    ['transfer', { sessionId: 'no-such-item' }],
    ['note', { sessionId: 'no-such-item', text: 'hello' }],
  ])('%s on an unknown session is refused: there is no such session', async (verb, data) => {
    await refused(alex, verb, data, noSession('no-such-item'), refusedAction(alex));
  });

  it.each([
    ['a non-agent', 'aad-mallory'],
    ["a customer's id", customerIdOf(lou)],
    ['a Teams user id', cleo.userId],
  ])(
    'Bea transferring her conversation to %s is refused: that agent cannot take it',
    async (_what, toAgentId) => {
      await refused(bea, 'transfer', { sessionId: louItem, toAgentId }, CANNOT_TAKE, refusedAction(bea));
    },
  );

  it('Alex asking a second transfer, or the queue, while the first waits is refused', async () => {
    await refused(
      alex,
      'transfer',
      { sessionId: kimItem, toAgentId: cleo.aadObjectId },
      STILL_PENDING,
      refusedAction(alex),
    );
    await refused(
      alex,
      'transfer',
      { sessionId: kimItem, toQueue: true },
      STILL_PENDING,
      refusedAction(alex),
    );
  });

  it('Cleo pressing Accept or Reject on the transfer offered to Bea (its real ids) is refused', async () => {
    await refused(cleo, 'accept', offerData(), OFFERED_TO_ANOTHER, {
      msg: 'transfer accept refused',
      agentId: cleo.aadObjectId,
    });
    await refused(cleo, 'reject', offerData(), OFFERED_TO_ANOTHER, {
      msg: 'transfer reject refused',
      agentId: cleo.aadObjectId,
    });
  });

  it.each([
    ['a forged offer id', () => ({ ...offerData(), offerId: 'forged-offer' })],
    ["the offer id on Lou's conversation", () => ({ ...offerData(), workItemId: louItem })],
    ['an unknown conversation', () => ({ ...offerData(), workItemId: 'no-such-item' })],
  ])('Bea answering the transfer with %s is refused as no longer available', async (_what, data) => {
    await refused(bea, 'accept', data(), NO_LONGER_AVAILABLE, {
      msg: 'accept refused',
      agentId: bea.aadObjectId,
    });
    await refused(bea, 'reject', data(), NO_LONGER_AVAILABLE, {
      msg: 'reject refused',
      agentId: bea.aadObjectId,
    });
  });

  it.each([
    ['accept', () => offerData()],
    ['transfer', () => ({ sessionId: kimItem, toQueue: true })],
    ['note', () => ({ sessionId: kimItem, text: 'customer note' })],
  ])(
    'Kim, the customer, pressing %s gets the agents-only card; logged; nothing changes',
    async (verb, data) => {
      tally.attempts += 1;
      const before = await scene.snapshot(guarded.filter((key) => !key.startsWith('customer/')));
      const mark = scene.desk.lines.length;
      const result = await scene.post(customerInvoke(scene.serviceUrl, kim, verb, data()));
      expect(textBlocks((result.body as InvokeBody).value)).toContain(FOR_AGENTS);
      expect(await scene.snapshot(guarded.filter((key) => !key.startsWith('customer/')))).toEqual(before);
      expect(scene.desk.lines.slice(mark)).toContainEqual(
        expect.objectContaining({ msg: 'card action from a customer refused' }),
      );
      tally.refused += 1;
    },
  );

  it('after all that, the transfer is still Bea’s to take, and she takes it', async () => {
    expect((await scene.workItem(kimItem))?.item.transfer?.offerId).toBe(offerData()['offerId']);
    const taken = await scene.press(bea, 'accept', offerData(), offer.activityId);
    expect(taken.texts).toContain('Accepted');
    expect((await scene.workItem(kimItem))?.item.assignedAgentId).toBe(bea.aadObjectId);
    // Replayed, and pressed by Alex who asked: refused, nothing changes.
    const replay = await scene.press(bea, 'accept', offerData(), offer.activityId);
    expect(replay.texts).toContain(NO_LONGER_AVAILABLE);
    // Kim is Bea's now: Alex's transfer is refused as not his, his note as a session he no longer has.
    await refused(alex, 'transfer', { sessionId: kimItem, toQueue: true }, NOT_YOURS, refusedAction(alex));
    await refused(
      alex,
      'note',
      { sessionId: kimItem, text: 'too late' },
      NO_LONGER_AVAILABLE,
      refusedAction(alex),
    );
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});
