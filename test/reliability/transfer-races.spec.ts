/**
 * Transfers under concurrency (issue 14): answers, withdrawals and second requests that land at the same moment.
 * Each race is one Promise.all of POSTs, run in both orders; whichever request the store settles first, the
 * conversation ends with exactly one outcome: one agent's panel holds it (the one it is assigned to) or none does,
 * nobody is over capacity, no "Transfer pending" mark outlives its transfer, the customer is told once, and the loser
 * gets a clear card. On the scene's store (SQLite; PostgreSQL in the second pass of `npm test`), and on two instances
 * sharing one PostgreSQL database.
 */
import { agentInvoke, type ActivityJson } from '../support/activities';
import { actionData, cardOf, textBlocks } from '../support/cards';
import { startTestDesk, type TestDesk } from '../support/harness';
import { FakeConnector } from '../support/fake-connector';
import { readStored } from '../support/desk-tables';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';
import { recordReliabilityRow } from '../support/reliability-rows';
import {
  NO_LONGER_AVAILABLE,
  OFFERED_TO_ANOTHER,
  joined,
  outboxHooksOf,
  postRaw,
  testAgent,
  useReliabilityScene,
  type InvokeBody,
} from '../support/reliability-scene';
import { TransferStage, type Stage } from './transfer-stage';

const alex = testAgent('Alex');
const bea = testAgent('Bea');
const cleo = testAgent('Cleo');
const AGENTS = [alex, bea, cleo];
const CAPACITY = 3;
const ENV = {
  AGENT_CAPACITY: String(CAPACITY),
  MAX_SESSIONS: '10',
  NOTIFICATION_TIMEOUT_S: '60',
  // Wrap-up (being built) releases capacity at once, so an ended conversation frees its agent as it does today.
  WRAP_UP_HOLD_S: '0',
};
const ROUNDS = [1, 2];
const STILL_PENDING = 'A transfer of this conversation is already waiting for an answer.';
const CANNOT_TAKE =
  'That agent cannot take a transfer now: choose someone Available or Busy with free capacity.';
const NOT_YOURS = 'Only the agent working on this conversation can do that.';

/** Tallies for the report row: each race, and those that ended with one consistent outcome. */
const tally = { races: 0, consistent: 0, doubled: 0 };

afterAll(() => {
  recordReliabilityRow({
    scenario: '1e. transfer races',
    load: `${tally.races} races of two or three requests in one Promise.all (one and two instances)`,
    faults:
      'double and replayed accepts, a forged accept, accept vs transfer to the queue, end vs accept, two transfers at once',
    sent: tally.races,
    delivered: tally.consistent,
    lost: tally.races - tally.consistent - tally.doubled,
    duplicated: tally.doubled,
    note: 'delivered = one outcome: one panel (the assignee’s) or none, capacity kept, customer told once',
  });
});

/** Runs the same requests in both orders, each through the next instance, and answers with their cards' texts. */
async function race(stage: Stage, round: number, activities: readonly ActivityJson[]): Promise<string[][]> {
  const ordered = round % 2 === 0 ? [...activities].reverse() : [...activities];
  const answers = await Promise.all(ordered.map((activity, index) => postRaw(stage.urlFor(index), activity)));
  await stage.settle();
  const texts = answers.map((answer) => {
    expect(answer.status).toBe(200);
    expect((answer.body as InvokeBody).statusCode).toBe(200);
    return textBlocks((answer.body as InvokeBody).value);
  });
  tally.races += 1;
  return round % 2 === 0 ? texts.reverse() : texts;
}

function raceScenarios(name: string, stage: TransferStage) {
  describe(name, () => {
    beforeAll(async () => {
      for (const agent of AGENTS) await stage.tell(agent, 'hi');
    });

    // Every race starts with free agents: what the last one left is closed (to Waiting).
    beforeEach(async () => {
      await stage.closeAll();
      for (const agent of AGENTS) await stage.tell(agent, 'presence available');
    });

    /** One consistent outcome for the item, and every agent within capacity; counted for the report. */
    async function expectOneOutcome(workItemId: string, customerTexts: readonly string[], count = true) {
      const problems = await stage.problems(workItemId, CAPACITY);
      const told = customerTexts.filter((text) => text.startsWith("You're now chatting"));
      if (problems.some((problem) => problem.startsWith('two panels')) || told.length > 1) tally.doubled += 1;
      expect(problems).toEqual([]);
      expect(told.length).toBeLessThanOrEqual(1);
      if (count) tally.consistent += 1;
    }

    it.each(ROUNDS)(
      'round %i: the target presses Accept twice at once and a colleague forges the same press — one accept wins',
      async (round) => {
        const { workItemId, customer, accept } = await stage.pendingTransfer(alex, bea, `double-${round}`);
        const mark = stage.calls().length;
        const forged = agentInvoke(stage.serviceUrl, cleo, 'accept', actionData(cardOf(accept), 'accept'));
        const [first, second, third] = await race(stage, round, [
          stage.press(bea, accept),
          stage.press(bea, accept),
          forged,
        ]);
        const beaAnswers = [first!, second!];
        expect(beaAnswers.filter((texts) => texts.includes('Accepted'))).toHaveLength(1);
        expect(beaAnswers.filter((texts) => texts.includes(NO_LONGER_AVAILABLE))).toHaveLength(1);
        expect([NO_LONGER_AVAILABLE, OFFERED_TO_ANOTHER].some((text) => third!.includes(text))).toBe(true);
        const told = stage.textsTo(stage.calls().slice(mark), customer.conversationId);
        expect(told).toEqual([joined(bea)]);
        expect((await stage.workItem(workItemId))?.item.assignedAgentId).toBe(bea.aadObjectId);
        await expectOneOutcome(workItemId, told);

        // Replayed once more, later: still no longer available, and nothing changes.
        const before = await stage.snapshot(workItemId, AGENTS);
        const [again] = await race(stage, 1, [stage.press(bea, accept)]);
        expect(again).toContain(NO_LONGER_AVAILABLE);
        expect(await stage.snapshot(workItemId, AGENTS)).toEqual(before);
        tally.consistent += 1;
      },
    );

    it.each(ROUNDS)(
      'round %i: the target accepts while the source sends the conversation to the queue — exactly one happens',
      async (round) => {
        const { workItemId, customer, accept } = await stage.pendingTransfer(alex, bea, `queue-${round}`);
        const mark = stage.calls().length;
        const [accepted, queued] = await race(stage, round, [
          stage.press(bea, accept),
          agentInvoke(stage.serviceUrl, alex, 'transfer', { sessionId: workItemId, toQueue: true }),
        ]);
        // A conversation with a transfer pending cannot go to the queue; once accepted it is not Alex's any more.
        expect(accepted).toContain('Accepted');
        expect([STILL_PENDING, NOT_YOURS, NO_LONGER_AVAILABLE].some((text) => queued!.includes(text))).toBe(
          true,
        );
        expect((await stage.workItem(workItemId))?.item).toMatchObject({
          state: 'active',
          assignedAgentId: bea.aadObjectId,
        });
        await expectOneOutcome(workItemId, stage.textsTo(stage.calls().slice(mark), customer.conversationId));
      },
    );

    it.each(ROUNDS)(
      'round %i: the source ends the conversation while the target accepts — ended for good, or Bea’s',
      async (round) => {
        const { workItemId, customer, accept } = await stage.pendingTransfer(alex, bea, `end-${round}`);
        const mark = stage.calls().length;
        const [ended, accepted] = await race(stage, round, [
          agentInvoke(stage.serviceUrl, alex, 'end', { sessionId: workItemId }),
          stage.press(bea, accept),
        ]);
        const item = (await stage.workItem(workItemId))?.item;
        const told = stage.textsTo(stage.calls().slice(mark), customer.conversationId);
        if (accepted!.includes('Accepted')) {
          expect(ended).toContain(NO_LONGER_AVAILABLE);
          expect(item).toMatchObject({ state: 'active', assignedAgentId: bea.aadObjectId });
          expect(told).toEqual([joined(bea)]);
        } else {
          expect(accepted).toContain(NO_LONGER_AVAILABLE);
          // End answers with its own card (a notice today, the wrap-up form with wrap-up), never a refusal.
          expect(ended).not.toContain(NO_LONGER_AVAILABLE);
          expect(item?.state).not.toBe('active');
          expect(told.filter((text) => text.startsWith("You're now chatting"))).toEqual([]);
        }
        await expectOneOutcome(workItemId, told);
      },
    );

    it.each(ROUNDS)(
      'round %i: two transfers of one conversation at once (to Bea and to Cleo) — one is offered, one refused',
      async (round) => {
        const { workItemId, customer } = await stage.conversationFor(alex, `twice-${round}`);
        const mark = stage.calls().length;
        const answers = await race(stage, round, [
          agentInvoke(stage.serviceUrl, alex, 'transfer', {
            sessionId: workItemId,
            toAgentId: bea.aadObjectId,
          }),
          agentInvoke(stage.serviceUrl, alex, 'transfer', {
            sessionId: workItemId,
            toAgentId: cleo.aadObjectId,
          }),
        ]);
        expect(answers.filter((texts) => texts[0] === 'Transfer requested')).toHaveLength(1);
        expect(answers.filter((texts) => texts.includes(STILL_PENDING))).toHaveLength(1);
        const calls = stage.calls().slice(mark);
        const offered = [bea, cleo].filter((agent) => stage.offersTo(calls, agent).length > 0);
        expect(offered).toHaveLength(1);
        expect((await stage.workItem(workItemId))?.item.transfer?.toAgentId).toBe(offered[0]!.aadObjectId);
        await expectOneOutcome(workItemId, stage.textsTo(calls, customer.conversationId));
      },
    );

    it.each(ROUNDS)(
      'round %i: Alex and Cleo transfer to Bea at once when she has room for one more — one is refused',
      async (round) => {
        await stage.fillTo(bea, CAPACITY - 1, `fill-${round}`);
        const fromAlex = await stage.conversationFor(alex, `to-one-a-${round}`);
        const fromCleo = await stage.conversationFor(cleo, `to-one-c-${round}`);
        const mark = stage.calls().length;
        const answers = await race(stage, round, [
          agentInvoke(stage.serviceUrl, alex, 'transfer', {
            sessionId: fromAlex.workItemId,
            toAgentId: bea.aadObjectId,
          }),
          agentInvoke(stage.serviceUrl, cleo, 'transfer', {
            sessionId: fromCleo.workItemId,
            toAgentId: bea.aadObjectId,
          }),
        ]);
        expect(answers.filter((texts) => texts[0] === 'Transfer requested')).toHaveLength(1);
        expect(answers.filter((texts) => texts.includes(CANNOT_TAKE))).toHaveLength(1);
        // Bea accepts whatever she was offered: she ends at her capacity, not beyond.
        await stage.answerAll(bea, stage.calls().slice(mark), 'accept');
        // One race, two conversations: it counts once, when both are consistent and Bea is at capacity.
        for (const { workItemId, customer } of [fromAlex, fromCleo]) {
          const told = stage.textsTo(stage.calls().slice(mark), customer.conversationId);
          await expectOneOutcome(workItemId, told, false);
        }
        expect(await stage.activeCount(bea)).toBe(CAPACITY);
        tally.consistent += 1;
      },
    );
  });
}

describe('on the scene’s store', () => {
  const scene = useReliabilityScene(AGENTS, { env: ENV });
  raceScenarios(
    'one instance',
    new TransferStage({
      serviceUrl: () => scene.serviceUrl,
      urls: () => [scene.app.url],
      apps: () => [scene.app],
      connector: () => scene.connector,
      agents: AGENTS,
    }),
  );
});

describe('on two instances sharing one PostgreSQL database', () => {
  let database: TestDatabase;
  let connector: FakeConnector;
  let instances: TestDesk[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    connector = await FakeConnector.start();
    const env = {
      STORE: 'postgres',
      DATABASE_URL: database.url,
      AGENT_IDS: AGENTS.map((agent) => agent.aadObjectId).join(','),
      RATE_LIMIT_PER_MINUTE: '0',
      CONTACTS_FILE: 'off',
      ...ENV,
    };
    instances = [await startTestDesk(env), await startTestDesk(env)];
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances) await instance.app.close();
    await connector?.close();
    await database?.drop();
  });

  raceScenarios(
    'requests spread over both instances',
    new TransferStage({
      serviceUrl: () => connector.serviceUrl,
      urls: () => instances.map((instance) => instance.app.url),
      apps: () => instances.map((instance) => instance.app),
      connector: () => connector,
      agents: AGENTS,
    }),
  );

  it('both instances read the same state', async () => {
    const key = `agent/${bea.aadObjectId}`;
    const [one, two] = await Promise.all(instances.map((instance) => readStored(instance.app, [key])));
    expect(one).toEqual(two);
    expect(outboxHooksOf(instances[0]!.app)).toBeDefined();
  });
});
