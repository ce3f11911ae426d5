/**
 * Per-customer rate limit (RATE_LIMIT_PER_MINUTE=10): one customer flooding cannot starve another, the excess is
 * answered politely, and nothing the server accepted is dropped afterwards. Issue 6, "Hostile input".
 */
import { customerMessage } from '../support/activities';
import { countDeliveries, recordReliabilityRow } from '../support/reliability-rows';
import {
  RATE_LIMITED,
  postRaw,
  postedTo,
  relayedTextOf,
  runBounded,
  testAgent,
  testCustomer,
  textsTo,
  useReliabilityScene,
} from '../support/reliability-scene';

const LIMIT = 10;
const FLOOD = 100;
const IN_FLIGHT = 10;

describe(`a flood of ${FLOOD} messages from one customer with RATE_LIMIT_PER_MINUTE=${LIMIT}`, () => {
  const alex = testAgent('Alex');
  const flooder = testCustomer('flooder');
  const neighbour = testCustomer('neighbour');
  const scene = useReliabilityScene([alex], { env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  const floodTexts = Array.from({ length: FLOOD }, (_, index) => `Flood ${index + 1}`);
  // The neighbour's first message already counts in their window, so they stay exactly at the limit.
  const neighbourTexts = Array.from({ length: LIMIT - 1 }, (_, index) => `Neighbour ${index + 1}`);
  let flooderItem: string;
  let neighbourItem: string;
  let statuses: number[];
  let relayed: string[];
  let politeAnswers: number;
  let neighbourPolite: number;

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    flooderItem = await scene.activeSession(alex, flooder, 'I have a question');
    neighbourItem = await scene.activeSession(alex, neighbour, 'Me too');
    const mark = scene.connector.calls.length;
    // The neighbour writes one message at a time while the flood is under way.
    const [flood] = await Promise.all([
      runBounded(floodTexts, IN_FLIGHT, (text) =>
        postRaw(scene.app.url, customerMessage(scene.serviceUrl, flooder, text)),
      ),
      runBounded(neighbourTexts, 1, (text) =>
        postRaw(scene.app.url, customerMessage(scene.serviceUrl, neighbour, text)),
      ),
    ]);
    await scene.settle();
    statuses = flood.results.map((result) => result.status);
    const calls = scene.connector.calls.slice(mark);
    relayed = postedTo(calls, alex.conversationId)
      .map(relayedTextOf)
      .filter((text): text is string => text !== undefined);
    politeAnswers = textsTo(calls, flooder.conversationId).filter((text) => text === RATE_LIMITED).length;
    neighbourPolite = textsTo(calls, neighbour.conversationId).filter((text) => text === RATE_LIMITED).length;
  });

  async function storedFrom(workItemId: string, prefix: string): Promise<string[]> {
    return (await scene.workItem(workItemId))!.transcript
      .filter((message) => message.from === 'customer' && message.text.startsWith(prefix))
      .map((message) => message.text);
  }

  it('answers every POST with 200 (a rate-limited message is answered in the chat, not with an error)', () => {
    expect(statuses).toEqual(floodTexts.map(() => 200));
  });

  it('the other customer is not starved: all their messages reach the agent, once each, and none is refused', async () => {
    expect(relayed.filter((text) => text.startsWith('Neighbour'))).toEqual(neighbourTexts);
    expect(await storedFrom(neighbourItem, 'Neighbour')).toEqual(neighbourTexts);
    expect(neighbourPolite).toBe(0);
  });

  it(`accepts exactly ${LIMIT - 1} of the flood (the first message counted too) and answers each of the others politely`, async () => {
    const accepted = await storedFrom(flooderItem, 'Flood');
    expect(accepted).toHaveLength(LIMIT - 1);
    expect(politeAnswers).toBe(FLOOD - accepted.length);
    expect((await scene.customerDoc(flooder))?.rateWindow.count).toBe(LIMIT);
  });

  it('every flood message it accepted reaches the agent exactly once; none it refused does', async () => {
    const accepted = await storedFrom(flooderItem, 'Flood');
    const flooded = relayed.filter((text) => text.startsWith('Flood'));
    expect([...flooded].sort()).toEqual([...accepted].sort());
    const counted = countDeliveries(accepted, flooded);
    expect(counted).toEqual({ delivered: accepted.length, lost: 0, duplicated: 0 });

    const neighbourCounted = countDeliveries(neighbourTexts, relayed);
    recordReliabilityRow({
      scenario: '5. per-customer rate limit',
      load: `${FLOOD} messages from one customer (${IN_FLIGHT} in flight) + ${neighbourTexts.length} from another, limit ${LIMIT}/min`,
      faults: 'flood',
      sent: FLOOD + neighbourTexts.length,
      delivered: counted.delivered + neighbourCounted.delivered + politeAnswers,
      lost: FLOOD + neighbourTexts.length - (counted.delivered + neighbourCounted.delivered + politeAnswers),
      duplicated: counted.duplicated + neighbourCounted.duplicated,
      note: `${counted.delivered} flood + ${neighbourCounted.delivered} other relayed, ${politeAnswers} answered "please wait"`,
    });
  });

  it('a minute later the flooder is heard again', async () => {
    scene.desk.clock.advance(60_000);
    const { calls } = await scene.say(flooder, 'Sorry about that');
    expect(postedTo(calls, alex.conversationId).map(relayedTextOf)).toContain('Sorry about that');
    expect(textsTo(calls, flooder.conversationId)).toEqual([]);
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});
