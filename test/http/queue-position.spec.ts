/**
 * The customer's place in the queue over HTTP, on the sweeper's fake clock: each queued customer is told their
 * place on the next sweep, and again when it changes, at most every 30 s; "You're next." at the head.
 */
import { textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { alex } from '../support/fixtures';
import { agentInvoke, postActivity, type TestCustomer } from '../support/activities';
import { actionData, cardOf } from '../support/cards';
import { acceptLatestOffer, offersPosted } from '../support/offers';
import { saidTo, useTeamworkDesk } from '../support/teamwork-desk';

const kim: TestCustomer = { userId: 'pos-visitor-1', conversationId: 'conv-pos-1' };
const lou: TestCustomer = { userId: 'pos-visitor-2', conversationId: 'conv-pos-2' };
const max: TestCustomer = { userId: 'pos-visitor-3', conversationId: 'conv-pos-3' };

/** What each customer was told, by name. */
function toldAfter(calls: readonly RecordedCall[]) {
  return Object.fromEntries(
    [
      ['kim', kim],
      ['lou', lou],
      ['max', max],
    ].map(([name, customer]) => [name, saidTo(calls, (customer as TestCustomer).conversationId).map(textOf)]),
  );
}

describe("a queued customer's place in the queue", () => {
  const team = useTeamworkDesk([alex], { AGENT_CAPACITY: '1', WRAP_UP_HOLD_S: '0' });

  const sweep = async () => {
    const mark = team.connector.calls.length;
    await team.desk.app.sweep();
    return toldAfter(team.connector.calls.slice(mark));
  };

  it('tells each customer their place on the next sweep after they queue, and nothing more while it holds', async () => {
    await team.tell(alex, 'hi');
    await team.tell(alex, 'presence away');
    await team.say(kim, 'Hello');
    await team.say(lou, 'Hi there');
    await team.say(max, 'Anyone?');
    expect(await sweep()).toEqual({
      kim: ["You're next."],
      lou: ["You're number 2 in the queue."],
      max: ["You're number 3 in the queue."],
    });
    team.desk.clock.advance(60_000);
    expect(await sweep()).toEqual({ kim: [], lou: [], max: [] });
  });

  it('tells the new places when the head is taken', async () => {
    await team.tell(alex, 'presence available');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    expect(await sweep()).toEqual({ kim: [], lou: ["You're next."], max: ["You're number 2 in the queue."] });
  });

  it('waits until 30 s after the last notice before telling a place that changed again', async () => {
    team.desk.clock.advance(10_000);
    const [session] = await team.sessionsOf(alex);
    await team.press(alex, 'end', { sessionId: session!.id });
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    expect(await sweep()).toEqual({ kim: [], lou: [], max: [] });
    team.desk.clock.advance(19_000);
    expect(await sweep()).toEqual({ kim: [], lou: [], max: [] });
    team.desk.clock.advance(1_000);
    expect(await sweep()).toEqual({ kim: [], lou: [], max: ["You're next."] });
  });
});

describe('the average wait a queued customer is told', () => {
  // Capacity for the twenty taken, and the rest of the queue kept waiting while Alex is away.
  const team = useTeamworkDesk([alex], { AGENT_CAPACITY: '30', MAX_SESSIONS: '30', WRAP_UP_HOLD_S: '0' });
  const visitor = (n: number): TestCustomer => ({
    userId: `wait-visitor-${n}`,
    conversationId: `conv-wait-${n}`,
  });

  /** Alex accepts every offer made to them, each once, until the queue is empty (at most 50 presses). */
  async function acceptEveryOffer(): Promise<void> {
    const pressed = new Set<string>();
    for (let round = 0; round < 50 && (await team.queueLength()) > 0; round += 1) {
      const offer = offersPosted(team.connector, alex).find((call) => !pressed.has(call.activityId));
      if (!offer) throw new Error('customers are queued but Alex has no offer left to accept');
      pressed.add(offer.activityId);
      const answer = agentInvoke(
        team.connector.serviceUrl,
        alex,
        'accept',
        actionData(cardOf(offer), 'accept'),
        offer.activityId,
      );
      expect((await postActivity(team.desk.app.url, answer)).status).toBe(200);
    }
    expect(await team.queueLength()).toBe(0);
  }

  /** `count` customers write while Alex is away; after `waitMs` Alex comes back and takes each of them. */
  async function answerAfter(first: number, count: number, waitMs: number): Promise<void> {
    await team.tell(alex, 'presence away');
    for (let n = first; n < first + count; n += 1) await team.say(visitor(n), `Question ${n}`);
    team.desk.clock.advance(waitMs);
    await team.tell(alex, 'presence available');
    await acceptEveryOffer();
  }

  /** Two more customers queue while Alex is away; what the sweep tells each. */
  async function twoMoreQueue(first: number): Promise<(string | undefined)[][]> {
    await team.tell(alex, 'presence away');
    await team.say(visitor(first), 'Hello');
    await team.say(visitor(first + 1), 'Hello too');
    const mark = team.connector.calls.length;
    await team.desk.app.sweep();
    const calls = team.connector.calls.slice(mark);
    return [first, first + 1].map((n) => saidTo(calls, visitor(n).conversationId).map(textOf));
  }

  it('is not told before twenty conversations were answered in the last hour', async () => {
    await answerAfter(1, 19, 3 * 60_000);
    expect(await twoMoreQueue(100)).toEqual([["You're next."], ["You're number 2 in the queue."]]);
  });

  it('is told behind the head once twenty were answered within the hour, their wait over a minute', async () => {
    // The two queued by the test before are taken after a minute: 21 answered, averaging 2.8 minutes.
    team.desk.clock.advance(60_000);
    await team.tell(alex, 'presence available');
    await acceptEveryOffer();
    expect(await twoMoreQueue(200)).toEqual([
      ["You're next."],
      ["You're number 2 in the queue. Average wait about 3 minutes."],
    ]);
  });

  it('is not told once the waits behind it are more than an hour old', async () => {
    team.desk.clock.advance(61 * 60_000);
    // Their places unchanged, the two queued before hear nothing new; a customer queued now is not told a wait.
    await team.say(visitor(300), 'Still there?');
    const mark = team.connector.calls.length;
    await team.desk.app.sweep();
    expect(saidTo(team.connector.calls.slice(mark), visitor(300).conversationId).map(textOf)).toEqual([
      "You're number 3 in the queue.",
    ]);
  });
});
