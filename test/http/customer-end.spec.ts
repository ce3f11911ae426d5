/**
 * The customer ends the chat by typing `end` (the web chat page's End chat button sends it too), over HTTP: an
 * Active conversation goes to its agent's wrap-up and the agent is told; a queued one closes and leaves the queue;
 * with nothing to end the customer is told so. Only `end` alone is the command.
 */
import { customerMessage, type TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { SURVEY, alex } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';

const kim: TestCustomer = { userId: 'end-visitor-1', conversationId: 'conv-end-1' };
const lou: TestCustomer = { userId: 'end-visitor-2', conversationId: 'conv-end-2' };
const max: TestCustomer = { userId: 'end-visitor-3', conversationId: 'conv-end-3' };
const YOU_ENDED = 'You ended the conversation. Send a message any time to start a new one.';

const toldTo = (calls: readonly RecordedCall[], customer: TestCustomer) =>
  saidTo(calls, customer.conversationId).map(textOf);

describe('the customer ends the chat', () => {
  const team = useTeamworkDesk([alex], { AGENT_CAPACITY: '1' });
  let kimItem: string;

  it('an Active conversation goes to the agent’s wrap-up; the agent is told who ended it', async () => {
    await team.tell(alex, 'hi');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    const ended = await team.say(kim, '  End ');
    // An agent took part: the customer is asked how it went (CSAT_SURVEY is on by default).
    expect(toldTo(ended.calls, kim)).toEqual([YOU_ENDED, SURVEY]);
    expect(cardTexts(ended.calls, alex)).toContain('Visitor 1 ended the conversation.');
    expect((await team.tables().workItems.get(kimItem))?.item.state).toBe('wrap-up');
    expect((await team.sessionsOf(alex))[0]).toMatchObject({ id: kimItem, wrapUpSince: expect.any(Number) });
    const transcript = await team.tables().messages.latest(kimItem, 10);
    expect(transcript.map((line) => line.text)).toEqual(['My parcel is late']);
  });

  it('a queued conversation closes and leaves the queue', async () => {
    await team.say(lou, 'Hello?');
    expect(await team.queueLength()).toBe(1);
    const ended = await team.say(lou, 'end');
    expect(toldTo(ended.calls, lou)).toEqual([YOU_ENDED]);
    expect(await team.queueLength()).toBe(0);
    const louItem = (await team.tables().customers.get(`emulator:${lou.userId}`))?.latestWorkItemId;
    expect((await team.tables().workItems.get(louItem!))?.item).toMatchObject({
      state: 'closed',
      closedReason: 'ended-by-customer',
    });
  });

  it('with nothing to end, says so and starts nothing', async () => {
    const ended = await team.say(max, 'end');
    expect(toldTo(ended.calls, max)).toEqual([
      "There's no conversation to end. Send a message any time to start one.",
    ]);
    expect(await team.queueLength()).toBe(0);
  });

  it('takes `end` inside a sentence as a message like any other', async () => {
    const said = await team.say(max, 'end of the month is fine');
    expect(toldTo(said.calls, max)).toEqual([
      "Thanks! You're in the queue; an agent will be with you shortly.",
    ]);
    expect(await team.queueLength()).toBe(1);
  });
});

describe('an End taken once', () => {
  const team = useTeamworkDesk([alex], { AGENT_CAPACITY: '2', WRAP_UP_HOLD_S: '0' });
  const pat: TestCustomer = { userId: 'end-visitor-4', conversationId: 'conv-end-4' };
  const ALREADY_ENDED = 'Your conversation has already ended. Send a message any time to start a new one.';
  let patItem: string;

  const endedNotices = (calls: readonly RecordedCall[]) =>
    cardTexts(calls, alex).filter((text) => text.endsWith('ended the conversation.'));

  it('an End the channel sends again with the same activity id acts once: one notice to the agent, one survey', async () => {
    await team.tell(alex, 'hi');
    await team.say(pat, 'Where is my refund?');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    patItem = (await team.sessionsOf(alex))[0]!.id;
    const end = customerMessage(team.connector.serviceUrl, pat, 'end');
    const first = await team.send(end);
    expect(toldTo(first.calls, pat)).toEqual([YOU_ENDED, SURVEY]);
    expect(endedNotices(first.calls)).toEqual(['Visitor 1 ended the conversation.']);
    const item = (await team.tables().workItems.get(patItem))?.item;
    const survey = await team.tables().surveys.get(patItem);
    expect(item?.state).toBe('wrap-up');

    const replayed = await team.send(end);
    expect(replayed.calls).toEqual([]);
    expect((await team.tables().workItems.get(patItem))?.item).toEqual(item);
    expect(await team.tables().surveys.get(patItem)).toEqual(survey);
    expect(team.desk.lines.filter((line) => line.msg === 'customer ended the conversation')).toHaveLength(1);
    expect(team.desk.lines.filter((line) => line.msg.startsWith('customer end replayed'))).toEqual([
      expect.objectContaining({ activityId: end['id'] }),
    ]);
  });

  it('an End of a conversation that has ended already says so and changes nothing', async () => {
    const item = (await team.tables().workItems.get(patItem))?.item;
    const survey = await team.tables().surveys.get(patItem);
    const again = await team.say(pat, 'end');
    expect(toldTo(again.calls, pat)).toEqual([ALREADY_ENDED]);
    expect(endedNotices(again.calls)).toEqual([]);
    expect(saidTo(again.calls, alex.conversationId)).toEqual([]);
    expect((await team.tables().workItems.get(patItem))?.item).toEqual(item);
    expect(await team.tables().surveys.get(patItem)).toEqual(survey);
    expect(await team.queueLength()).toBe(0);
  });
});
