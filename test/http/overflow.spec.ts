/**
 * Overflow over HTTP, on the sweeper's fake clock (Alex stays Away, so nobody is offered anything): MAX_QUEUE_LENGTH
 * and MAX_QUEUE_WAIT_S, each with its action — keep waiting, told so, or end the conversation, told so; the
 * customer's words stay in the closed conversation either way.
 */
import type { TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { NOBODY_AT_WORK, alex } from '../support/fixtures';
import { saidTo, useTeamworkDesk, type TeamworkDesk } from '../support/teamwork-desk';

const visitor = (n: number): TestCustomer => ({
  userId: `over-visitor-${n}`,
  conversationId: `conv-over-${n}`,
});
const FULL =
  "Sorry, we're too busy to take new chats right now. Your message is kept and our team can see it; please try again later.";
const LONG_WAIT =
  "Thanks for waiting — it's taking longer than usual. You're still in the queue and keep your place.";
const WAIT_ENDED =
  'Sorry, nobody could answer in time, so this conversation was closed. Your message is kept; send a message any time to start a new one.';

const toldTo = (calls: readonly RecordedCall[], customer: TestCustomer) =>
  saidTo(calls, customer.conversationId).map(textOf);

async function awayAgent(team: TeamworkDesk) {
  await team.tell(alex, 'hi');
  await team.tell(alex, 'presence away');
}

async function latestItem(team: TeamworkDesk, customer: TestCustomer) {
  const id = (await team.tables().customers.get(`emulator:${customer.userId}`))?.latestWorkItemId;
  return id ? team.tables().workItems.get(id) : undefined;
}

async function sweepAt(team: TeamworkDesk, ms: number) {
  team.desk.clock.advance(ms);
  const mark = team.connector.calls.length;
  await team.desk.app.sweep();
  return team.connector.calls.slice(mark);
}

describe('MAX_QUEUE_LENGTH with QUEUE_FULL_ACTION=end', () => {
  const team = useTeamworkDesk([alex], { MAX_QUEUE_LENGTH: '2', QUEUE_FULL_ACTION: 'end' });

  it('closes the conversation of a customer who finds the queue full, keeping their message, and tells them', async () => {
    await awayAgent(team);
    await team.say(visitor(1), 'One');
    await team.say(visitor(2), 'Two');
    const third = await team.say(visitor(3), 'Three, please help');
    expect(toldTo(third.calls, visitor(3))).toEqual([FULL]);
    expect(await team.queueLength()).toBe(2);
    const closed = await latestItem(team, visitor(3));
    expect(closed?.item).toMatchObject({ state: 'closed', closedReason: 'overflow' });
    expect((await team.tables().messages.latest(closed!.item.id, 5)).map((line) => line.text)).toEqual([
      'Three, please help',
    ]);
  });
});

describe('MAX_QUEUE_LENGTH with QUEUE_FULL_ACTION=wait', () => {
  const team = useTeamworkDesk([alex], { MAX_QUEUE_LENGTH: '1', QUEUE_FULL_ACTION: 'wait' });

  it('queues the customer anyway, telling them how many are ahead', async () => {
    await awayAgent(team);
    expect(toldTo((await team.say(visitor(1), 'One')).calls, visitor(1))).toEqual([NOBODY_AT_WORK]);
    const second = await team.say(visitor(2), 'Two');
    expect(toldTo(second.calls, visitor(2))).toEqual([
      "Thanks! We're busier than usual: 1 person is ahead of you. You can keep waiting here; your message is kept.",
    ]);
    expect(await team.queueLength()).toBe(2);
  });
});

describe('MAX_QUEUE_WAIT_S with QUEUE_WAIT_ACTION=wait', () => {
  const team = useTeamworkDesk([alex], { MAX_QUEUE_WAIT_S: '300', QUEUE_WAIT_ACTION: 'wait' });

  it('tells a customer waiting past the limit, once, that it takes longer, and keeps them queued', async () => {
    await awayAgent(team);
    await team.say(visitor(1), 'Hello');
    expect(toldTo(await sweepAt(team, 299_000), visitor(1))).not.toContain(LONG_WAIT);
    expect(toldTo(await sweepAt(team, 1_000), visitor(1))).toEqual([LONG_WAIT]);
    expect(toldTo(await sweepAt(team, 600_000), visitor(1))).toEqual([]);
    expect((await latestItem(team, visitor(1)))?.item.state).toBe('open');
  });
});

describe('MAX_QUEUE_WAIT_S with QUEUE_WAIT_ACTION=end', () => {
  const team = useTeamworkDesk([alex], { MAX_QUEUE_WAIT_S: '300', QUEUE_WAIT_ACTION: 'end' });

  it('closes the conversation of a customer waiting past the limit, keeping their words, and tells them', async () => {
    await awayAgent(team);
    await team.say(visitor(1), 'Hello');
    expect(toldTo(await sweepAt(team, 300_000), visitor(1))).toEqual([WAIT_ENDED]);
    expect(await team.queueLength()).toBe(0);
    const closed = await latestItem(team, visitor(1));
    expect(closed?.item).toMatchObject({ state: 'closed', closedReason: 'overflow' });
    expect((await team.tables().messages.latest(closed!.item.id, 5)).map((line) => line.text)).toEqual([
      'Hello',
    ]);
  });
});
