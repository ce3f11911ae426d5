/**
 * Connector faults: the Bot Connector (the fake one, following a fault plan) answers 429 with Retry-After,
 * 500 and 503, and is slow (holds every call) for a while. Every message is still delivered exactly once, and the
 * incoming POST does not wait for the connector. Issue 6, "Faults". Runs on the store-backed outbox
 * (RunningRelaydesk.drainOutbox / outboxPending).
 */
import { agentInvoke, customerMessage } from '../support/activities';
import { relaydeskIdOf } from '../support/cards';
import { countDeliveries, recordReliabilityRow } from '../support/reliability-rows';
import {
  postRaw,
  postedTo,
  relayedTextOf,
  runBounded,
  testAgent,
  testCustomer,
  textsTo,
  useReliabilityScene,
  type OutboxHooks,
} from '../support/reliability-scene';

/** Longer than any backoff the outbox may choose (its default ceiling is 5 minutes). */
const PAST_ANY_BACKOFF_MS = 10 * 60_000;
const MAX_DRAIN_ROUNDS = 40;

describe('the connector answers 429 (Retry-After), 500, 503 and is slow for a while', () => {
  const alex = testAgent('Alex');
  const busy = testCustomer('faults-busy');
  const other = testCustomer('faults-other');
  const scene = useReliabilityScene([alex]);
  let outbox: OutboxHooks;
  let busyItem: string;
  const customerTexts: string[] = [];
  const replyTexts: string[] = [];
  const injected = { throttled: 0, failed500: 0, failed503: 0, held: 0 };
  let drainRounds = 0;

  beforeAll(async () => {
    outbox = scene.outbox!;
    await scene.tell(alex, 'hi');
    busyItem = await scene.activeSession(alex, busy, 'Hello, I need help');
    await scene.activeSession(alex, other, 'Me too');
  });

  /** Drains until nothing is pending, moving the desk's clock past each backoff; bounded in rounds. */
  async function drainThroughBackoffs(): Promise<number> {
    for (let round = 1; round <= MAX_DRAIN_ROUNDS; round += 1) {
      drainRounds += 1;
      await outbox.drainOutbox();
      if ((await outbox.outboxPending()) === 0) return round;
      scene.desk.clock.advance(PAST_ANY_BACKOFF_MS);
    }
    throw new Error(
      `the outbox still holds ${await outbox.outboxPending()} message(s) after ${MAX_DRAIN_ROUNDS} rounds`,
    );
  }

  const relayedTexts = () =>
    postedTo(scene.connector.calls, alex.conversationId)
      .map(relayedTextOf)
      .filter((text): text is string => text !== undefined && text.startsWith('Fault'));

  it('while the connector throttles and fails, every POST is answered 200 and every message is still delivered once', async () => {
    scene.connector.plan([
      { times: 30, respond: 429, retryAfter: 2 },
      { times: 20, respond: 500 },
      { times: 20, respond: 503 },
    ]);
    const texts = Array.from({ length: 60 }, (_, index) => `Fault message ${index + 1}`);
    customerTexts.push(...texts);
    const { results } = await runBounded(texts, 10, (text) =>
      postRaw(scene.app.url, customerMessage(scene.serviceUrl, busy, text)),
    );
    expect(results.map((result) => result.status)).toEqual(texts.map(() => 200));
    // The agent answers the customer through the same failing connector.
    for (let index = 1; index <= 5; index += 1) {
      const text = `Fault reply ${index}`;
      replyTexts.push(text);
      const answer = await postRaw(
        scene.app.url,
        agentInvoke(scene.serviceUrl, alex, 'reply', { sessionId: busyItem, text }),
      );
      expect(answer.status).toBe(200);
    }
    await drainThroughBackoffs();
    const refused = (status: number) => scene.connector.refused.filter((call) => call.status === status);
    injected.throttled = refused(429).length;
    injected.failed500 = refused(500).length;
    injected.failed503 = refused(503).length;
    expect(injected).toMatchObject({ throttled: 30, failed500: 20, failed503: 20 });

    expect(countDeliveries(texts, relayedTexts())).toEqual({
      delivered: texts.length,
      lost: 0,
      duplicated: 0,
    });
    const toCustomer = textsTo(scene.connector.calls, busy.conversationId).filter((text) =>
      text?.startsWith('Fault reply'),
    );
    expect(toCustomer).toEqual(replyTexts);
  });

  it('while the connector holds every call (slow), the POSTs return without waiting for it; all is delivered once after', async () => {
    const slow = scene.connector.hold();
    const texts = Array.from({ length: 20 }, (_, index) => `Fault while slow ${index + 1}`);
    customerTexts.push(...texts);
    const before = scene.connector.calls.length;
    const { results } = await runBounded(texts, 5, (text) =>
      postRaw(scene.app.url, customerMessage(scene.serviceUrl, busy, text)),
    );
    await scene.connector.waitFor('a held call', () => scene.connector.held >= 1);
    // Every POST was answered while the connector had taken none of these messages.
    expect(results.map((result) => result.status)).toEqual(texts.map(() => 200));
    expect(scene.connector.calls.length).toBe(before);
    expect(await outbox.outboxPending()).toBeGreaterThanOrEqual(texts.length);
    slow.release();
    await drainThroughBackoffs();
    injected.held = scene.connector.totalHeld;
    expect(countDeliveries(customerTexts, relayedTexts())).toEqual({
      delivered: customerTexts.length,
      lost: 0,
      duplicated: 0,
    });
  });

  it('no activity was posted twice (by channelData.relaydeskId)', () => {
    const posted = scene.connector.calls.filter((call) => call.kind !== 'update');
    const ids = posted.map((call) => relaydeskIdOf(call.activity));
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const relayed = relayedTexts();
    const counted = countDeliveries(customerTexts.concat(replyTexts), [
      ...relayed,
      ...textsTo(scene.connector.calls, busy.conversationId).filter(
        (text): text is string => text !== undefined,
      ),
    ]);
    recordReliabilityRow({
      scenario: '6a. connector faults',
      load: `${customerTexts.length} customer messages (10 in flight) + ${replyTexts.length} agent replies`,
      faults: `${injected.throttled}×429 (Retry-After 2 s), ${injected.failed500}×500, ${injected.failed503}×503; then a connector holding every call while 20 messages arrived`,
      sent: customerTexts.length + replyTexts.length,
      ...counted,
      note: `all POSTs answered 200 while the connector held every call (${injected.held} held: one send at a time per recipient); drained in ${drainRounds} rounds`,
    });
  });

  it('logged no error (a send that keeps failing is a warning while it is retried)', () => {
    expect(scene.errors()).toEqual([]);
  });
});
