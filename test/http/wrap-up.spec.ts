/**
 * Wrap-up over HTTP: two agents in Teams (Alex takes one conversation at a time), three customers on the Emulator,
 * the fake Bot Connector and the desk's sweeper on a fake clock. End moves a conversation to Wrap-up; its capacity
 * is held for WRAP_UP_HOLD_S (or released at once with 0) while the queue waits; Finish records the outcome and the
 * note; a forgotten wrap-up closes by itself as "Not set". Capacity is checked at every step.
 */
import type { TestCustomer } from '../support/activities';
import { actionsWithVerb, cardOf, objectsOfType, textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { QUEUED, SURVEY, alex, bea } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk, type TeamworkDesk } from '../support/teamwork-desk';

const kim: TestCustomer = { userId: 'wu-visitor-1', conversationId: 'conv-wu-1' };
const lou: TestCustomer = { userId: 'wu-visitor-2', conversationId: 'conv-wu-2' };
const max: TestCustomer = { userId: 'wu-visitor-3', conversationId: 'conv-wu-3' };
const ENDED = 'Alex Agent has ended the conversation. Send a message any time to start a new one.';
const OUTCOMES = ['Resolved', 'Follow-up needed', 'Escalated', 'No response'];

/** Offer cards (Accept / Reject) posted to Alex's chat. */
const offersIn = (calls: readonly RecordedCall[]) =>
  saidTo(calls, alex.conversationId).filter((call) => actionsWithVerb(cardOf(call), 'accept').length > 0);

/** The outcomes the wrap-up card offers (its choice set). */
const outcomesOn = (card: unknown) =>
  objectsOfType(card as object, 'Input.ChoiceSet').flatMap((set) =>
    (set['choices'] as { title: string }[]).map((choice) => choice.title),
  );

const customerTexts = (calls: readonly RecordedCall[], customer: TestCustomer) =>
  saidTo(calls, customer.conversationId).map((call) => textOf(call) ?? '');

/** Alex and Bea signed in, Bea away, and Kim's conversation accepted by Alex: its work item id. */
async function alexTakesKim(team: TeamworkDesk): Promise<string> {
  await team.tell(alex, 'hi');
  await team.tell(bea, 'hi');
  await team.tell(bea, 'presence away');
  await team.say(kim, 'My parcel is late');
  expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
  const [session] = await team.sessionsOf(alex);
  expect(await team.capacityOf(alex)).toBe(1);
  return session!.id;
}

/** Presses End on the session: the wrap-up card Alex gets, and what the press caused. */
async function endOf(team: TeamworkDesk, sessionId: string) {
  const ended = await team.press(alex, 'end', { sessionId });
  expect(ended.texts[0]).toBe('Wrap up Visitor 1');
  expect(outcomesOn(ended.card)).toEqual(OUTCOMES);
  expect(actionsWithVerb(ended.card, 'wrapUp')).toHaveLength(1);
  expect(customerTexts(ended.calls, kim)).toEqual([ENDED, SURVEY]);
  return ended;
}

describe('wrap-up over HTTP, with the capacity held for a minute', () => {
  const team = useTeamworkDesk([alex, bea], {
    AGENT_CAPACITY: '1',
    WRAP_UP_HOLD_S: '60',
    WRAP_UP_TIMEOUT_S: '900',
  });
  let kimItem: string;
  let louItem: string;

  it('End moves the conversation to Wrap-up: Kim is told, Alex keeps the session marked "Wrap-up", capacity held', async () => {
    kimItem = await alexTakesKim(team);
    await endOf(team, kimItem);
    const item = (await team.tables().workItems.get(kimItem))?.item;
    expect(item).toMatchObject({ state: 'wrap-up', assignedAgentId: alex.aadObjectId });
    expect((await team.sessionsOf(alex)).map((session) => session.id)).toEqual([kimItem]);
    expect(await team.capacityOf(alex)).toBe(1);
  });

  it('refuses a reply and Close during wrap-up; Kim hears nothing more', async () => {
    const replied = await team.press(alex, 'reply', { sessionId: kimItem, text: 'One more thing' });
    const closed = await team.press(alex, 'close', { sessionId: kimItem });
    expect(closed.texts).toContain(
      'This conversation has ended: choose an outcome and Finish its wrap-up to close it.',
    );
    expect(
      [...replied.calls, ...closed.calls].filter((call) => call.conversationId === kim.conversationId),
    ).toEqual([]);
  });

  it('keeps Lou waiting while the capacity is held, and offers Lou to Alex once the minute is over', async () => {
    const asked = await team.say(lou, 'Hello, anyone there?');
    expect(offersIn(asked.calls)).toEqual([]);
    const mark = team.connector.calls.length;
    team.desk.clock.advance(59_000);
    await team.desk.app.sweep();
    expect(offersIn(team.connector.calls.slice(mark))).toEqual([]);
    team.desk.clock.advance(1_000);
    await team.desk.app.sweep();
    expect(offersIn(team.connector.calls.slice(mark))).toHaveLength(1);
    expect(await team.capacityOf(alex)).toBe(0);
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    louItem = (await team.sessionsOf(alex)).find((session) => session.id !== kimItem)!.id;
    expect(await team.capacityOf(alex)).toBe(1);
  });

  it('Finish with an outcome and a note closes the wrap-up: outcome and note kept, the session gone, capacity as it was', async () => {
    const finished = await team.press(alex, 'wrapUp', {
      sessionId: kimItem,
      outcome: 'Follow-up needed',
      note: 'Call back Monday',
    });
    expect(finished.texts).toContain('Outcome: Follow-up needed.');
    expect((await team.tables().workItems.get(kimItem))?.item).toMatchObject({
      state: 'closed',
      outcome: 'Follow-up needed',
    });
    expect((await team.tables().notes.latest(kimItem, 5)).map((note) => note.text)).toEqual([
      'Wrap-up (Follow-up needed): Call back Monday',
    ]);
    expect((await team.sessionsOf(alex)).map((session) => session.id)).toEqual([louItem]);
    expect(await team.capacityOf(alex)).toBe(1);
    expect(customerTexts(finished.calls, kim)).toEqual([]);
  });

  it('Kim writing again starts a new conversation, queued: Alex is full, so nothing is offered', async () => {
    const again = await team.say(kim, 'Me again');
    expect(customerTexts(again.calls, kim)).toEqual([QUEUED]);
    expect(offersIn(again.calls)).toEqual([]);
    expect((await team.tables().workItems.get(kimItem))?.item.state).toBe('closed');
    expect(await team.queueLength()).toBe(1);
    expect(await team.capacityOf(alex)).toBe(1);
  });

  it('closes a forgotten wrap-up by itself after WRAP_UP_TIMEOUT_S, as "Not set"', async () => {
    const ended = await team.press(alex, 'end', { sessionId: louItem });
    expect(outcomesOn(ended.card)).toEqual(OUTCOMES);
    team.desk.clock.advance(899_000);
    await team.desk.app.sweep();
    expect((await team.tables().workItems.get(louItem))?.item.state).toBe('wrap-up');
    team.desk.clock.advance(1_000);
    await team.desk.app.sweep();
    expect((await team.tables().workItems.get(louItem))?.item).toMatchObject({
      state: 'closed',
      outcome: 'Not set',
    });
    expect((await team.sessionsOf(alex)).map((session) => session.id)).not.toContain(louItem);
  });
});

describe('wrap-up over HTTP, with WRAP_UP_HOLD_S=0', () => {
  const team = useTeamworkDesk([alex, bea], { AGENT_CAPACITY: '1', WRAP_UP_HOLD_S: '0' });

  it('releases the capacity at End: the waiting customer is offered to Alex at once, before Finish', async () => {
    const kimItem = await alexTakesKim(team);
    const asked = await team.say(max, 'Is the shop open on Sunday?');
    expect(offersIn(asked.calls)).toEqual([]);
    const ended = await endOf(team, kimItem);
    expect(await team.capacityOf(alex)).toBe(0);
    expect(offersIn(ended.calls)).toHaveLength(1);
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    expect(await team.capacityOf(alex)).toBe(1);
    const finished = await team.press(alex, 'wrapUp', { sessionId: kimItem, outcome: 'Resolved' });
    expect(finished.texts).toContain('Outcome: Resolved.');
    expect(cardTexts(finished.calls, alex)).not.toContain(ENDED);
    expect(await team.capacityOf(alex)).toBe(1);
  });
});
