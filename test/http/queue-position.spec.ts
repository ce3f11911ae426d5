/**
 * The customer's place in the queue over HTTP, on the sweeper's fake clock: each queued customer is told their
 * place on the next sweep, and again when it changes, at most every 30 s; "You're next." at the head.
 */
import type { TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { alex } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
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
