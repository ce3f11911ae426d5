/**
 * The post-conversation survey (CSAT) over HTTP: Alex is the agent (three conversations at a time, the wrap-up's
 * capacity released at End), Sam a supervisor who takes no work; customers write from the Emulator, whose client
 * shows Adaptive Cards. After an End, by Alex or by the customer, the customer is asked "How did we do? (1–5)" once,
 * as a card whose Send carries the conversation's id and the survey's one-time id; not after a Force close, an
 * abandoned chat, or when CSAT_SURVEY=off. An answer is kept with the conversation and shown on the Floor, the
 * agent's closed item, the CSV and the transcript; a forged, misplaced, out-of-range or second answer is refused,
 * logged with its ids, and changes nothing. The desk's clock is fake.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { customerMessage } from '../support/activities';
import { allObjects, cardOf, objectsOfType, textBlocks, textOf, visibleTexts } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { QUEUED, alex, samSupervisor } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk, type TeamworkDesk } from '../support/teamwork-desk';
import { api, signedInTokens } from '../web/agent-api-support';
import type { Floor } from '../../src/domain/floor';

const sam = samSupervisor;
const kim: TestCustomer = { userId: 'csat-visitor-1', conversationId: 'conv-csat-1' };
const lou: TestCustomer = { userId: 'csat-visitor-2', conversationId: 'conv-csat-2' };
const max: TestCustomer = { userId: 'csat-visitor-3', conversationId: 'conv-csat-3' };
const ned: TestCustomer = { userId: 'csat-visitor-4', conversationId: 'conv-csat-4' };
const eve: TestCustomer = { userId: 'csat-stranger', conversationId: 'conv-csat-5' };
const pat: TestCustomer = { userId: 'csat-visitor-6', conversationId: 'conv-csat-6' };
const ron: TestCustomer = { userId: 'csat-visitor-7', conversationId: 'conv-csat-7' };
const dee: TestCustomer = {
  userId: 'csat-visitor-8',
  conversationId: 'conv-csat-8',
  channelId: 'directline',
};

const SURVEY = 'How did we do? (1–5)';
const THANKS = 'Thank you for your feedback.';
const REFUSED = "That answer wasn't recorded: it isn't for a survey we asked you.";
const OUT_OF_RANGE = 'Please choose a rating from 1 to 5.';
const ANSWERED_ALREADY = "You've already answered this survey. Thank you!";
const CLOSED_SURVEY = 'This survey has closed, so that answer was not recorded.';
const ENDED_BY_ALEX = 'Alex Agent has ended the conversation. Send a message any time to start a new one.';
const YOU_ENDED = 'You ended the conversation. Send a message any time to start a new one.';

const customerIdOf = (customer: TestCustomer) => `${customer.channelId ?? 'emulator'}:${customer.userId}`;

const toldTo = (calls: readonly RecordedCall[], customer: TestCustomer) =>
  saidTo(calls, customer.conversationId).map((call) => textOf(call) ?? '');

/** The survey a customer was sent: its card's Send data, and the notice the web chat page reads. */
function surveySent(calls: readonly RecordedCall[], customer: TestCustomer) {
  const call = saidTo(calls, customer.conversationId).find((sent) => textOf(sent) === SURVEY);
  const card = cardOf(call);
  const [send] = objectsOfType(card, 'Action.Submit');
  const channelData = call?.activity['channelData'] as { relaydesk?: unknown } | undefined;
  return {
    call,
    card,
    data: send?.['data'] as Record<string, string> | undefined,
    notice: channelData?.relaydesk,
  };
}

describe('the post-conversation survey (CSAT)', () => {
  const team = useTeamworkDesk([alex], {
    AGENT_CAPACITY: '3',
    WRAP_UP_HOLD_S: '0',
    WRAP_UP_TIMEOUT_S: '900',
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  let kimItem: string;
  let kimSurvey: Record<string, string>;

  const tokenOf = signedInTokens(() => team.desk.app.baseUrl);
  const get = async <T>(agent: TestAgent, path: string) =>
    api<T>(team.desk.app.baseUrl, 'GET', path, { token: await tokenOf(agent) });
  /** The customer presses Send on the card: a message with the card's data and inputs as its value, no text. */
  const answer = (customer: TestCustomer, value: Record<string, unknown>) =>
    team.send({ ...customerMessage(team.connector.serviceUrl, customer, ''), text: undefined, value });
  const surveyRow = (workItemId: string) => team.tables().surveys.get(workItemId);
  const refusals = () => team.desk.lines.filter((line) => line.msg === 'survey answer refused');

  /** The customer writes, Alex accepts: the conversation's work item id. */
  async function alexTakes(customer: TestCustomer, text: string): Promise<string> {
    await team.say(customer, text);
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const item = (await team.tables().customers.get(customerIdOf(customer)))?.latestWorkItemId;
    expect((await team.tables().workItems.get(item!))?.item.state).toBe('active');
    return item!;
  }

  /** The customer presses Send on the survey card: a message replying to the card, its data and inputs as value. */
  const pressOnCard = (customer: TestCustomer, cardId: string, value: Record<string, unknown>) =>
    team.send({
      ...customerMessage(team.connector.serviceUrl, customer, ''),
      text: undefined,
      value,
      replyToId: cardId,
    });

  /** Alex takes the customer's conversation and ends it: the survey the customer was sent. */
  async function surveyedAfterEnd(customer: TestCustomer, text: string) {
    const workItemId = await alexTakes(customer, text);
    const ended = await team.press(alex, 'end', { sessionId: workItemId });
    const sent = surveySent(ended.calls, customer);
    expect(sent.data).toMatchObject({ workItemId });
    return { workItemId, cardId: sent.call!.activityId, data: sent.data! };
  }

  const updatesTo = (calls: readonly RecordedCall[], customer: TestCustomer) =>
    calls.filter((call) => call.kind === 'update' && call.conversationId === customer.conversationId);

  it('asks the customer after the agent’s End, once, as a card carrying the conversation and the survey', async () => {
    await team.tell(alex, 'hi');
    await team.tell(sam, 'hi');
    kimItem = await alexTakes(kim, 'My parcel is late');
    await team.tell(alex, 'It is on its way');
    const ended = await team.press(alex, 'end', { sessionId: kimItem });
    expect(toldTo(ended.calls, kim)).toEqual([ENDED_BY_ALEX, SURVEY]);
    const sent = surveySent(ended.calls, kim);
    const row = await surveyRow(kimItem);
    expect(row).toMatchObject({
      workItemId: kimItem,
      customerId: `emulator:${kim.userId}`,
      agentId: alex.aadObjectId,
    });
    expect(row?.answer).toBeUndefined();
    kimSurvey = sent.data!;
    expect(kimSurvey).toEqual({ verb: 'csatAnswer', workItemId: kimItem, surveyId: row!.surveyId });
    expect(objectsOfType(sent.card, 'Input.ChoiceSet')[0]).toMatchObject({ id: 'rating', isRequired: true });
    expect(objectsOfType(sent.card, 'Input.Text')[0]).toMatchObject({ id: 'comment', maxLength: 1000 });
    expect(sent.notice).toEqual({ kind: 'survey', survey: { workItemId: kimItem, surveyId: row!.surveyId } });
    expect(team.desk.lines.find((line) => line.msg === 'survey asked')).toMatchObject({
      workItemId: kimItem,
      endedBy: 'agent',
    });
  });

  it.each([
    ['a forged survey id', { surveyId: 'forged-0000' }, REFUSED, 'wrong-survey-id'],
    ['a rating of 6', { rating: '6' }, OUT_OF_RANGE, 'rating-out-of-range'],
    ['a rating of 0', { rating: 0 }, OUT_OF_RANGE, 'rating-out-of-range'],
    ['a rating of 4.5', { rating: 4.5 }, OUT_OF_RANGE, 'rating-out-of-range'],
    ['a rating in words', { rating: 'five' }, OUT_OF_RANGE, 'rating-out-of-range'],
    ['no rating', { rating: undefined }, OUT_OF_RANGE, 'rating-out-of-range'],
    ['an unknown conversation', { workItemId: 'no-such-item' }, REFUSED, 'not-asked'],
    ['an id that is not a string', { workItemId: { $ne: '' } }, REFUSED, 'malformed'],
    ['an oversized id', { surveyId: 'x'.repeat(5000) }, REFUSED, 'malformed'],
  ])(
    'refuses %s: the customer is told, it is logged with the ids, nothing changes',
    async (_name, change, said, reason) => {
      const before = await surveyRow(kimItem);
      const itemBefore = (await team.tables().workItems.get(kimItem))?.item;
      const mark = refusals().length;
      const sent = await answer(kim, { ...kimSurvey, rating: '4', comment: 'Sneaky', ...change });
      expect(toldTo(sent.calls, kim)).toEqual([said]);
      expect(await surveyRow(kimItem)).toEqual(before);
      expect((await team.tables().workItems.get(kimItem))?.item).toEqual(itemBefore);
      const [logged] = refusals().slice(mark);
      expect(logged).toMatchObject({ reason, customerId: `emulator:${kim.userId}` });
      expect(typeof logged?.['workItemId']).toBe('string');
      expect(typeof logged?.['surveyId']).toBe('string');
      expect(String(logged?.['surveyId']).length).toBeLessThanOrEqual(200);
    },
  );

  it('refuses another customer answering Kim’s survey with its very ids, and changes nothing', async () => {
    await team.say(eve, 'Hello?');
    const mark = refusals().length;
    const sent = await answer(eve, { ...kimSurvey, rating: '1', comment: 'Terrible' });
    expect(toldTo(sent.calls, eve)).toEqual([REFUSED]);
    expect(toldTo(sent.calls, kim)).toEqual([]);
    expect((await surveyRow(kimItem))?.answer).toBeUndefined();
    expect(refusals().slice(mark)).toEqual([
      expect.objectContaining({
        level: 40,
        reason: 'other-customer',
        customerId: `emulator:${eve.userId}`,
        workItemId: kimItem,
        surveyId: kimSurvey['surveyId'],
      }),
    ]);
  });

  it('keeps the answer with the conversation (rating, comment cut and cleaned, when) and thanks the customer', async () => {
    team.desk.clock.advance(60_000);
    const comment = `  Quick\u0000 and \u202Ekind\u202C\r\n\r\n\r\n\r\nThanks ${'!'.repeat(1200)}`;
    const sent = await answer(kim, { ...kimSurvey, rating: '4', comment });
    expect(toldTo(sent.calls, kim)).toEqual([THANKS]);
    const row = await surveyRow(kimItem);
    expect(row?.answer).toMatchObject({ rating: 4, answeredAt: team.desk.clock.now() });
    expect(row?.answer?.comment?.startsWith('Quick and kind\n\nThanks !!!')).toBe(true);
    expect(row?.answer?.comment?.endsWith(' (truncated)')).toBe(true);
    expect(row?.answer?.comment?.length).toBeLessThanOrEqual(1000 + ' (truncated)'.length);
    expect(team.desk.lines.find((line) => line.msg === 'survey answered')).toMatchObject({
      workItemId: kimItem,
      rating: 4,
      truncated: true,
    });
  });

  it('refuses a second answer (the first stands), and a replay of the same activity is taken once', async () => {
    const before = await surveyRow(kimItem);
    const again = await answer(kim, { ...kimSurvey, rating: '1', comment: 'Changed my mind' });
    expect(toldTo(again.calls, kim)).toEqual([ANSWERED_ALREADY]);
    expect(await surveyRow(kimItem)).toEqual(before);
    expect(refusals().at(-1)).toMatchObject({ reason: 'answered-already', workItemId: kimItem });
    const activity = { ...customerMessage(team.connector.serviceUrl, kim, ''), text: undefined };
    const value = { ...kimSurvey, rating: '2' };
    const first = await team.send({ ...activity, value });
    const replayed = await team.send({ ...activity, value });
    expect(toldTo(first.calls, kim)).toEqual([ANSWERED_ALREADY]);
    expect(toldTo(replayed.calls, kim)).toEqual([]);
    expect(await surveyRow(kimItem)).toEqual(before);
  });

  it('shows the rating on the Floor’s Wrap-up row and the team’s CSAT today in its counts', async () => {
    const { status, body: floor } = await get<Floor>(sam, '/api/supervisor/floor');
    expect(status).toBe(200);
    expect(floor.csatToday).toEqual({ answers: 1, average: 4 });
    expect(floor.conversations.find((row) => row.workItemId === kimItem)).toMatchObject({
      state: 'wrap-up',
      csatRating: 4,
    });
    const card = await team.tell(sam, 'floor');
    expect(cardTexts(card.calls, sam)).toContain('CSAT today: 4.0 of 5 (1 answer)');
  });

  it('asks after the customer’s own End; a message that is no answer starts a new conversation and closes the survey', async () => {
    const louItem = await alexTakes(lou, 'Where is my refund?');
    const ended = await team.say(lou, 'end');
    expect(toldTo(ended.calls, lou)).toEqual([YOU_ENDED, SURVEY]);
    expect(cardTexts(ended.calls, alex)).toContain('Visitor 3 ended the conversation.');
    const louSurvey = surveySent(ended.calls, lou).data!;
    expect(louSurvey['workItemId']).toBe(louItem);
    expect(team.desk.lines.filter((line) => line.msg === 'survey asked').at(-1)).toMatchObject({
      workItemId: louItem,
      endedBy: 'customer',
    });

    const wrote = await team.say(lou, 'Actually, one more thing');
    expect(toldTo(wrote.calls, lou)).toEqual([QUEUED]);
    const newItem = (await team.tables().customers.get(`emulator:${lou.userId}`))?.latestWorkItemId;
    expect(newItem).not.toBe(louItem);
    const late = await answer(lou, { ...louSurvey, rating: '5' });
    expect(toldTo(late.calls, lou)).toEqual([CLOSED_SURVEY]);
    expect((await surveyRow(louItem))?.answer).toBeUndefined();
    expect(refusals().at(-1)).toMatchObject({ reason: 'no-longer-pending', workItemId: louItem });
  });

  it('does not ask after a supervisor’s Force close, and refuses an answer to a survey never asked', async () => {
    const maxItem = await alexTakes(max, 'Can you help?');
    const mark = team.connector.calls.length;
    const closed = await api(team.desk.app.baseUrl, 'POST', '/api/supervisor/actions', {
      token: await tokenOf(sam),
      body: { verb: 'forceClose', workItemId: maxItem },
    });
    expect(closed.status).toBe(200);
    await team.desk.app.drainOutbox();
    expect(toldTo(team.connector.calls.slice(mark), max)).toEqual([
      'This conversation was closed by our team.',
    ]);
    expect(await surveyRow(maxItem)).toBeUndefined();
    const forged = await answer(max, {
      verb: 'csatAnswer',
      workItemId: maxItem,
      surveyId: 'guess',
      rating: 5,
    });
    expect(toldTo(forged.calls, max)).toEqual([REFUSED]);
    expect(await surveyRow(maxItem)).toBeUndefined();
    expect(refusals().at(-1)).toMatchObject({ reason: 'not-asked', workItemId: maxItem });
  });

  it('does not ask after an abandoned chat, nor a customer who gave up in the queue before anyone answered', async () => {
    await team.tell(alex, 'presence away');
    await team.say(ned, 'Anyone there?');
    const nedItem = (await team.tables().customers.get(`emulator:${ned.userId}`))?.latestWorkItemId;
    const left = await team.send({
      ...customerMessage(team.connector.serviceUrl, ned, ''),
      type: 'endOfConversation',
      text: undefined,
    });
    expect(toldTo(left.calls, ned)).toEqual([]);
    expect((await team.tables().workItems.get(nedItem!))?.item).toMatchObject({
      state: 'closed',
      closedReason: 'customer-left',
    });
    expect(await surveyRow(nedItem!)).toBeUndefined();

    await team.say(ned, 'Hello again?');
    const gaveUp = await team.say(ned, 'end');
    expect(toldTo(gaveUp.calls, ned)).toEqual([YOU_ENDED]);
    await team.tell(alex, 'presence available');
  });

  it('asks nobody again when the wrap-up times out (the End already asked)', async () => {
    team.desk.clock.advance(900_000);
    const mark = team.connector.calls.length;
    await team.desk.app.sweep();
    expect((await team.tables().workItems.get(kimItem))?.item).toMatchObject({
      state: 'closed',
      outcome: 'Not set',
    });
    expect(toldTo(team.connector.calls.slice(mark), kim)).toEqual([]);
  });

  it('shows the rating and comment on the agent’s closed item, in the CSV and in the transcript', async () => {
    const opened = await team.press(alex, 'open', { workItemId: kimItem });
    expect(opened.calls.length).toBeGreaterThan(0);
    const detail = await get<{ conversation: { csat?: { rating: number; comment?: string } } }>(
      alex,
      `/api/agent/sessions/${encodeURIComponent(kimItem)}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.conversation.csat).toMatchObject({ rating: 4 });
    const facts = saidTo(opened.calls, alex.conversationId).flatMap((call) => visibleTexts(cardOf(call)));
    expect(facts).toEqual(expect.arrayContaining(['Customer rating', '4 of 5', 'Customer comment']));

    const day = new Date(team.desk.clock.now()).toISOString().slice(0, 10);
    const csv = await get<string>(sam, `/api/supervisor/conversations.csv?from=${day}&to=${day}`);
    expect(csv.status).toBe(200);
    const rows = csv.body.trim().split('\r\n');
    expect(rows[0]!.endsWith(',outcome,CSAT')).toBe(true);
    const csatOf = (workItemId: string) =>
      rows
        .find((row) => row.startsWith(workItemId))
        ?.split(',')
        .at(-1);
    expect(csatOf(kimItem)).toBe('4');
    expect(rows.filter((row) => row.endsWith(',4'))).toHaveLength(1);

    const transcript = await get<string>(
      sam,
      `/api/supervisor/conversations/${encodeURIComponent(kimItem)}/transcript.txt`,
    );
    expect(transcript.body).toMatch(/^CSAT: 4 of 5 \(answered \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$/m);
    expect(transcript.body).toMatch(/^CSAT comment: Quick and kind Thanks !!!/m);
  });

  describe('the card the customer answered (Teams, the Emulator)', () => {
    beforeAll(async () => {
      // Those still queued from above leave, so each offer Alex is sent next is for the customer of the test.
      await team.say(eve, 'end');
      await team.say(lou, 'end');
      expect(await team.queueLength()).toBe(0);
      // The wrap-up's timeout above left Alex Inactive.
      await team.tell(alex, 'presence available');
    });

    it('becomes a read-only thanks with the rating and comment, updated in place; a second press is refused', async () => {
      const { workItemId, cardId, data } = await surveyedAfterEnd(pat, 'Is my order in?');
      const pressed = await pressOnCard(pat, cardId, { ...data, rating: '5', comment: 'Quick *and* kind' });
      expect(toldTo(pressed.calls, pat)).toEqual([]);
      const [update, ...more] = updatesTo(pressed.calls, pat);
      expect(more).toEqual([]);
      expect(update?.activityId).toBe(cardId);
      expect(textOf(update)).toBe(THANKS);
      const thanks = cardOf(update);
      expect(textBlocks(thanks)).toEqual([
        THANKS,
        'You rated us 5 of 5.',
        'Your comment:',
        'Quick \\*and\\* kind',
      ]);
      const controls = allObjects(thanks).filter((object) =>
        /^(Action|Input)\./.test(String(object['type'])),
      );
      expect(controls).toEqual([]);
      const answered = await surveyRow(workItemId);
      expect(answered?.answer).toMatchObject({ rating: 5, comment: 'Quick *and* kind' });

      const mark = refusals().length;
      const again = await pressOnCard(pat, cardId, { ...data, rating: '1' });
      expect(toldTo(again.calls, pat)).toEqual([ANSWERED_ALREADY]);
      expect(updatesTo(again.calls, pat)).toEqual([]);
      expect(await surveyRow(workItemId)).toEqual(answered);
      expect(refusals().slice(mark)).toEqual([expect.objectContaining({ reason: 'answered-already' })]);
    });

    it('takes a replayed press once: no second update, nothing said', async () => {
      const { workItemId, cardId, data } = await surveyedAfterEnd(ron, 'Can I change my address?');
      const press = {
        ...customerMessage(team.connector.serviceUrl, ron, ''),
        text: undefined,
        value: { ...data, rating: '3' },
        replyToId: cardId,
      };
      const first = await team.send(press);
      expect(updatesTo(first.calls, ron).map((call) => call.activityId)).toEqual([cardId]);
      const replayed = await team.send(press);
      expect(replayed.calls).toEqual([]);
      expect((await surveyRow(workItemId))?.answer).toMatchObject({ rating: 3 });
    });

    it('posts the thanks as a new card when the answered card is gone; the answer is kept either way', async () => {
      const { workItemId, data } = await surveyedAfterEnd(pat, 'One more question');
      const pressed = await pressOnCard(pat, 'no-such-card', { ...data, rating: '2' });
      expect(updatesTo(pressed.calls, pat)).toEqual([]);
      const [posted, ...more] = saidTo(pressed.calls, pat.conversationId);
      expect(more).toEqual([]);
      expect(textOf(posted)).toBe(THANKS);
      expect(textBlocks(cardOf(posted))).toEqual([THANKS, 'You rated us 2 of 5.']);
      expect((await surveyRow(workItemId))?.answer).toMatchObject({ rating: 2 });
    });

    it('thanks with a message, as before, on a channel that cannot update a card (Direct Line)', async () => {
      const { workItemId, cardId, data } = await surveyedAfterEnd(dee, 'Hello from the web');
      const pressed = await pressOnCard(dee, cardId, { ...data, rating: '5' });
      expect(updatesTo(pressed.calls, dee)).toEqual([]);
      const [said, ...more] = saidTo(pressed.calls, dee.conversationId);
      expect(more).toEqual([]);
      expect(textOf(said)).toBe(THANKS);
      expect(cardOf(said)).toBeUndefined();
      expect((await surveyRow(workItemId))?.answer).toMatchObject({ rating: 5 });
    });
  });
});

describe('the survey with CSAT_SURVEY=off', () => {
  const team: TeamworkDesk = useTeamworkDesk([alex], { CSAT_SURVEY: 'off', WRAP_UP_HOLD_S: '0' });

  it('asks nobody after an End, and refuses an answer as one to a survey never asked', async () => {
    await team.tell(alex, 'hi');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const item = (await team.sessionsOf(alex))[0]!.id;
    const ended = await team.press(alex, 'end', { sessionId: item });
    expect(toldTo(ended.calls, kim)).toEqual([ENDED_BY_ALEX]);
    expect(await team.tables().surveys.get(item)).toBeUndefined();
    const sent = await team.send({
      ...customerMessage(team.connector.serviceUrl, kim, ''),
      text: undefined,
      value: { verb: 'csatAnswer', workItemId: item, surveyId: 'any', rating: '5' },
    });
    expect(toldTo(sent.calls, kim)).toEqual([REFUSED]);
  });
});
