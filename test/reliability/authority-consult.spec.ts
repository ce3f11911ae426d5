/**
 * Authority and bad input for the rest of the teamwork verbs (issue 14): `consult`, `consultAdd`, `consultLeave`,
 * `consultNote`, `quickReply` and `wrapUp`. A colleague with no part in the conversation, a consultant doing what
 * only the conversation's agent may, the agent with ids that name nobody or nothing, a customer pressing the
 * buttons, and data the verbs cannot use: each is refused with a card (a 400 for unusable data), logged, and
 * nothing is stored or sent to the customer.
 */
import { NOTE_MAX_CHARS } from '../../src/domain/notes';
import { agentInvoke, customerInvoke, type TestAgent } from '../support/activities';
import { textBlocks } from '../support/cards';
import { recordReliabilityRow } from '../support/reliability-rows';
import { conversationsFor } from '../support/teamwork-scene';
import {
  FOR_AGENTS,
  NO_LONGER_AVAILABLE,
  customerIdOf,
  testAgent,
  testCustomer,
  useReliabilityScene,
  type InvokeBody,
} from '../support/reliability-scene';

const alex = testAgent('Alex');
const bea = testAgent('Bea');
const cleo = testAgent('Cleo');
const consultantCannot = (action: string) =>
  `You're consulting on this conversation: only its agent can ${action}. Use Leave consult to step out.`;
const CANNOT_CONSULT = 'That agent cannot consult now: choose a colleague who is Available or Busy.';
const NOT_YOURS = 'Only the agent working on this conversation can do that.';
const NOT_CONSULTING = 'That agent is not consulting on this conversation.';
const noSession = (id: string) => `There is no session "${id}".`;

const tally = { attempts: 0, refused: 0 };

afterAll(() => {
  recordReliabilityRow({
    scenario: '4c. authority: consult, quick replies and wrap-up',
    load: `${tally.attempts} hostile, mistaken or malformed consult, quick-reply and wrap-up actions (chat cards)`,
    faults:
      "a colleague with no part in the conversation, a consultant acting as its agent, ids naming nobody or nothing, a customer's presses, unusable data",
    sent: tally.attempts,
    delivered: tally.refused,
    lost: tally.attempts - tally.refused,
    duplicated: 0,
    note: 'delivered = refused with a card (400 for unusable data), logged, store unchanged, the customer told nothing',
  });
});

describe('consult, quick replies and wrap-up, pressed by whoever may not', () => {
  const kim = testCustomer('cq-kim');
  const lou = testCustomer('cq-lou');
  const scene = useReliabilityScene([alex, bea, cleo], { env: { NOTIFICATION_TIMEOUT_S: '60' } });
  let kimItem: string;
  let guarded: string[];

  beforeAll(async () => {
    // Kim is Alex's, Lou is Bea's; Alex asks Bea to consult on Kim and writes in the consult thread.
    const start = await conversationsFor(
      scene,
      [alex, bea, cleo],
      [
        [alex, kim, 'My parcel is late'],
        [bea, lou, 'My invoice is wrong'],
      ],
    );
    [kimItem] = start.items as [string, string];
    guarded = [...start.guarded];
    const asked = await scene.press(alex, 'consult', { sessionId: kimItem, agentId: bea.aadObjectId });
    expect(asked.texts.join(' ')).toContain('Bea');
    await scene.press(alex, 'consultNote', { sessionId: kimItem, text: 'Was it paid by card?' });
  });

  /** Everything these verbs could change: the guarded rows, the queue and the teamwork tables. */
  async function state() {
    const { db } = scene.app.database;
    return {
      rows: await scene.snapshot(guarded),
      queue: await scene.queue(),
      consultants: await db.selectFrom('consultants').selectAll().orderBy('agent_key').execute(),
      consultNotes: await db.selectFrom('consult_notes').selectAll().execute(),
      notes: await db.selectFrom('notes').selectAll().execute(),
      quickReplies: await db.selectFrom('quick_replies').selectAll().execute(),
    };
  }

  /** Presses as `agent`; expects `status`, an answer saying `says`, a log line matching `logged`, nothing changed. */
  async function refused(
    agent: TestAgent,
    verb: string,
    data: Record<string, unknown>,
    says: string,
    logged: Record<string, unknown> = { msg: 'agent action refused', agentId: agent.aadObjectId },
    status = 200,
  ) {
    tally.attempts += 1;
    const before = await state();
    const mark = scene.desk.lines.length;
    const result = await scene.post(agentInvoke(scene.serviceUrl, agent, verb, data));
    expect(result.status).toBe(status);
    const body = result.body as InvokeBody;
    if (status === 200) expect(textBlocks(body.value)).toContain(says);
    else expect((body.value as { message: string }).message).toContain(says);
    for (const customer of [kim, lou]) {
      expect(result.calls.filter((call) => call.conversationId === customer.conversationId)).toEqual([]);
    }
    expect(await state()).toEqual(before);
    expect(scene.desk.lines.slice(mark)).toContainEqual(expect.objectContaining(logged));
    tally.refused += 1;
  }

  it.each([
    ['consult (inviting herself)', 'consult', () => ({ sessionId: kimItem, agentId: cleo.aadObjectId })],
    ['consultAdd', 'consultAdd', () => ({ sessionId: kimItem, agentId: bea.aadObjectId })],
    ['consultLeave (removing Bea)', 'consultLeave', () => ({ sessionId: kimItem, agentId: bea.aadObjectId })],
  ])("Cleo pressing %s on Alex's conversation is refused: it is not hers", async (_w, verb, data) => {
    await refused(cleo, verb, data(), NOT_YOURS);
  });

  it.each([
    ['consultNote', 'consultNote', () => ({ sessionId: kimItem, text: 'Cleo was here' })],
    ['quickReply', 'quickReply', () => ({ sessionId: kimItem, quickReplyId: 'greeting' })],
    ['wrapUp', 'wrapUp', () => ({ sessionId: kimItem, outcome: 'Resolved' })],
  ])(
    "Cleo pressing %s on Alex's conversation, which she has no part in, is refused",
    async (_w, verb, data) => {
      await refused(cleo, verb, data(), NO_LONGER_AVAILABLE);
    },
  );

  it.each([
    [
      'inviting Cleo',
      'consult',
      () => ({ sessionId: kimItem, agentId: cleo.aadObjectId }),
      'invite colleagues',
    ],
    [
      'adding herself',
      'consultAdd',
      () => ({ sessionId: kimItem, agentId: bea.aadObjectId }),
      'add a consultant to the conversation',
    ],
    [
      'wrapping up',
      'wrapUp',
      () => ({ sessionId: kimItem, outcome: 'Resolved' }),
      'wrap up the conversation',
    ],
  ])('Bea, consulting, %s is refused: only the agent can', async (_w, verb, data, action) => {
    await refused(bea, verb, data(), consultantCannot(action));
  });

  it('Bea, consulting without being added, sending a quick reply to the customer is refused', async () => {
    await refused(bea, 'quickReply', { sessionId: kimItem, quickReplyId: 'greeting' }, NO_LONGER_AVAILABLE);
  });

  it.each([
    ['consult', { sessionId: 'no-such-item', agentId: 'aad-bea' }],
    ['consultAdd', { sessionId: 'no-such-item', agentId: 'aad-bea' }],
    ['consultLeave', { sessionId: 'no-such-item' }],
    ['consultNote', { sessionId: 'no-such-item', text: 'hello' }],
    ['quickReply', { sessionId: 'no-such-item', quickReplyId: 'greeting' }],
    ['wrapUp', { sessionId: 'no-such-item', outcome: 'Resolved' }],
  ])('%s on an unknown session is refused: there is no such session', async (verb, data) => {
    await refused(alex, verb, data, noSession('no-such-item'));
  });

  it.each([
    ['a non-agent', 'aad-mallory'],
    ["a customer's id", customerIdOf(lou)],
    ['a Teams user id', cleo.userId],
  ])('Alex inviting %s to consult is refused: that agent cannot consult', async (_what, agentId) => {
    await refused(alex, 'consult', { sessionId: kimItem, agentId }, CANNOT_CONSULT);
  });

  it('Alex inviting himself, or Bea a second time, is refused', async () => {
    await refused(
      alex,
      'consult',
      { sessionId: kimItem, agentId: alex.aadObjectId },
      'The conversation is already yours: invite a colleague to consult.',
    );
    await refused(
      alex,
      'consult',
      { sessionId: kimItem, agentId: bea.aadObjectId },
      `${bea.name} is already consulting on this conversation.`,
    );
  });

  it.each([
    ['adding', 'consultAdd'],
    ['removing', 'consultLeave'],
  ])('Alex %s Cleo, who is not consulting, is refused', async (_w, verb) => {
    await refused(alex, verb, { sessionId: kimItem, agentId: cleo.aadObjectId }, NOT_CONSULTING);
  });

  it.each([
    ['empty', '   ', 'Write the note first: an empty note is not kept.'],
    [
      `over ${NOTE_MAX_CHARS} characters`,
      'x'.repeat(NOTE_MAX_CHARS + 1),
      `A note holds at most ${NOTE_MAX_CHARS} characters; this one has ${NOTE_MAX_CHARS + 1}. Shorten it and add it again.`,
    ],
  ])('a consult thread message that is %s is refused, not cut', async (_w, text, says) => {
    await refused(alex, 'consultNote', { sessionId: kimItem, text }, says);
  });

  it('a quick reply that no longer exists, or one needing a case the conversation has not, is refused', async () => {
    await refused(
      alex,
      'quickReply',
      { sessionId: kimItem, quickReplyId: 'no-such-reply' },
      'There is no such quick reply: it may have been deleted. Search again with /q.',
    );
    await refused(
      alex,
      'quickReply',
      { sessionId: kimItem, quickReplyId: 'case-update' },
      // The card's text is Markdown: the braces are escaped so they show as typed.
      '\\{caseTitle\\} has nothing to fill it: no case is saved on this conversation. Use Insert into reply and fill it in yourself.',
      { msg: 'quick reply refused', agentId: alex.aadObjectId, unfilled: ['{caseTitle}'] },
    );
  });

  it('wrapping up a conversation still Active is refused: it is ended first', async () => {
    await refused(
      alex,
      'wrapUp',
      { sessionId: kimItem, outcome: 'Resolved' },
      'Only an ended conversation is wrapped up: End it first.',
    );
  });

  it.each([
    ['consult', { sessionId: 42, agentId: 'aad-bea' }, 'consult: "sessionId"'],
    ['consultAdd', { sessionId: 'x' }, 'consultAdd: "agentId"'],
    ['consultLeave', {}, 'consultLeave: "sessionId"'],
    ['consultNote', { sessionId: 'x', text: { html: '<b>' } }, 'consultNote: "text"'],
    ['quickReply', { sessionId: 'x', quickReplyId: ['greeting'] }, 'quickReply: "quickReplyId"'],
    ['wrapUp', { sessionId: 'x', outcome: 7 }, 'wrapUp: "outcome"'],
  ])('%s with data it cannot use is answered 400, saying which field', async (verb, data, says) => {
    await refused(alex, verb, data, says, { msg: 'malformed card action', agentId: alex.aadObjectId }, 400);
  });

  it.each([
    ['consult', () => ({ sessionId: kimItem, agentId: cleo.aadObjectId })],
    ['consultAdd', () => ({ sessionId: kimItem, agentId: bea.aadObjectId })],
    ['consultLeave', () => ({ sessionId: kimItem, agentId: bea.aadObjectId })],
    ['consultNote', () => ({ sessionId: kimItem, text: 'from the customer' })],
    ['quickReply', () => ({ sessionId: kimItem, quickReplyId: 'greeting' })],
    ['wrapUp', () => ({ sessionId: kimItem, outcome: 'Resolved' })],
  ])(
    'Kim, the customer, pressing %s gets the agents-only card; logged; nothing changes',
    async (verb, data) => {
      tally.attempts += 1;
      const rows = guarded.filter((key) => !key.startsWith('customer/'));
      const before = await scene.snapshot(rows);
      const mark = scene.desk.lines.length;
      const result = await scene.post(customerInvoke(scene.serviceUrl, kim, verb, data()));
      expect(textBlocks((result.body as InvokeBody).value)).toContain(FOR_AGENTS);
      expect(await scene.snapshot(rows)).toEqual(before);
      expect(scene.desk.lines.slice(mark)).toContainEqual(
        expect.objectContaining({ msg: 'card action from a customer refused' }),
      );
      tally.refused += 1;
    },
  );

  it('after all that, the consult goes on: Bea writes in the thread, Alex adds her, and she leaves', async () => {
    const asked = await scene.press(bea, 'consultNote', { sessionId: kimItem, text: 'Yes, by card.' });
    expect(asked.texts.join(' ')).toContain('Yes, by card.');
    const added = await scene.press(alex, 'consultAdd', { sessionId: kimItem, agentId: bea.aadObjectId });
    expect(added.calls.some((call) => call.conversationId === kim.conversationId)).toBe(true);
    // Pressed again (a replayed card action): the customer is not told twice.
    const again = await scene.press(alex, 'consultAdd', { sessionId: kimItem, agentId: bea.aadObjectId });
    expect(again.calls.filter((call) => call.conversationId === kim.conversationId)).toEqual([]);
    await scene.press(bea, 'consultLeave', { sessionId: kimItem });
    const { db } = scene.app.database;
    expect(await db.selectFrom('consultants').selectAll().execute()).toEqual([]);
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});
