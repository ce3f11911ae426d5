/**
 * The customer's survey answers and End under attack: Alex is the agent (three conversations at a time, no
 * wrap-up hold), customers write from the Emulator and from the web chat page (the built-in Direct Line). Ratings of
 * every wrong type, comments far too long or full of control characters, answers after the conversation reopened,
 * the same answer or End sent ten times at once, an End with nothing to end, and an End claiming an agent's id are
 * each answered with a clear message (or a 4xx), logged with the ids, and change nothing they must not.
 */
import { customerMessage, postActivity, type TestCustomer } from '../support/activities';
import { cardOf, textBlocks, textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { faultSwitch } from '../support/failing-storage';
import { alex } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';
import { WebchatCustomer } from '../support/webchat-client';
import { rawRequest } from '../support/raw-http';

const kim: TestCustomer = { userId: 'hostile-csat-1', conversationId: 'conv-hostile-csat-1' };
const lou: TestCustomer = { userId: 'hostile-csat-2', conversationId: 'conv-hostile-csat-2' };
const max: TestCustomer = { userId: 'hostile-csat-3', conversationId: 'conv-hostile-csat-3' };
const ned: TestCustomer = { userId: 'hostile-end-4', conversationId: 'conv-hostile-end-4' };
const oli: TestCustomer = { userId: 'hostile-end-6', conversationId: 'conv-hostile-end-6' };
const pam: TestCustomer = { userId: 'hostile-end-7', conversationId: 'conv-hostile-end-7' };
const nobody: TestCustomer = { userId: 'hostile-end-5', conversationId: 'conv-hostile-end-5' };

const SURVEY = 'How did we do? (1–5)';
const THANKS = 'Thank you for your feedback.';
const OUT_OF_RANGE = 'Please choose a rating from 1 to 5.';
const ANSWERED_ALREADY = "You've already answered this survey. Thank you!";
const CLOSED_SURVEY = 'This survey has closed, so that answer was not recorded.';
const YOU_ENDED = 'You ended the conversation. Send a message any time to start a new one.';
const ALREADY_ENDED = 'Your conversation has already ended. Send a message any time to start a new one.';
const WENT_WRONG = 'Sorry, something went wrong. Please try again.';
const NOTHING_TO_END = "There's no conversation to end. Send a message any time to start one.";

const customerIdOf = (customer: TestCustomer) => `${customer.channelId ?? 'emulator'}:${customer.userId}`;
const toldTo = (calls: readonly RecordedCall[], customer: TestCustomer) =>
  saidTo(calls, customer.conversationId).map((call) => textOf(call) ?? '');

describe('hostile survey answers and Ends from customers', () => {
  const team = useTeamworkDesk([alex], {
    AGENT_CAPACITY: '3',
    WRAP_UP_HOLD_S: '0',
    WRAP_UP_TIMEOUT_S: '900',
  });
  const surveys = new Map<string, Record<string, string>>();

  const answer = (customer: TestCustomer, value: Record<string, unknown>) =>
    team.send({ ...customerMessage(team.connector.serviceUrl, customer, ''), text: undefined, value });
  const surveyRow = (workItemId: string) => team.tables().surveys.get(workItemId);
  const latestItemOf = async (customer: TestCustomer) =>
    (await team.tables().customers.get(customerIdOf(customer)))?.latestWorkItemId;
  const logged = (msg: string) => team.desk.lines.filter((line) => line.msg === msg);

  /** The customer writes, Alex accepts and ends: the survey's Send data. */
  async function surveyed(customer: TestCustomer): Promise<Record<string, string>> {
    await team.say(customer, 'Hello, my order is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const workItemId = (await latestItemOf(customer))!;
    const ended = await team.press(alex, 'end', { sessionId: workItemId });
    expect(toldTo(ended.calls, customer)).toContain(SURVEY);
    const row = await surveyRow(workItemId);
    const data = { verb: 'csatAnswer', workItemId, surveyId: row!.surveyId };
    surveys.set(customer.userId, data);
    return data;
  }

  it('asks Kim, Lou and Max after Alex’s End', async () => {
    await team.tell(alex, 'hi');
    for (const customer of [kim, lou, max]) await surveyed(customer);
  });

  it.each<[string, unknown]>([
    ['a huge number', 1e308],
    ['a negative number', -1],
    ['minus zero', -0],
    ['the text NaN', 'NaN'],
    ['the text Infinity', 'Infinity'],
    ['a decimal as text', '5.0'],
    ['a full-width digit', '５'],
    ['a boolean', true],
    ['an array', [5]],
    ['a query object', { $gt: 0 }],
    ['null', null],
  ])(
    'refuses a rating that is %s: told to choose 1 to 5, logged with the ids, nothing kept',
    async (_name, rating) => {
      const kimSurvey = surveys.get(kim.userId)!;
      const before = await surveyRow(kimSurvey['workItemId']!);
      const mark = logged('survey answer refused').length;
      const sent = await answer(kim, { ...kimSurvey, rating, comment: 'Sneaky' });
      expect(toldTo(sent.calls, kim)).toEqual([OUT_OF_RANGE]);
      expect(await surveyRow(kimSurvey['workItemId']!)).toEqual(before);
      expect(logged('survey answer refused').slice(mark)).toEqual([
        expect.objectContaining({
          reason: 'rating-out-of-range',
          customerId: customerIdOf(kim),
          workItemId: kimSurvey['workItemId'],
          surveyId: kimSurvey['surveyId'],
        }),
      ]);
    },
  );

  it('refuses an answer with a 1 MB comment with 413 before reading it: nothing kept, nothing said', async () => {
    const kimSurvey = surveys.get(kim.userId)!;
    const mark = team.connector.calls.length;
    const result = await postActivity(team.desk.app.url, {
      ...customerMessage(team.connector.serviceUrl, kim, ''),
      text: undefined,
      value: { ...kimSurvey, rating: 5, comment: 'x'.repeat(1024 * 1024) },
    });
    expect(result.status).toBe(413);
    expect((await surveyRow(kimSurvey['workItemId']!))?.answer).toBeUndefined();
    expect(team.connector.calls.slice(mark)).toEqual([]);
  });

  it('takes the first of ten answers sent at once: one kept, one thanks, nine told it was answered already', async () => {
    const kimSurvey = surveys.get(kim.userId)!;
    const mark = team.connector.calls.length;
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, index) => answer(kim, { ...kimSurvey, rating: (index % 5) + 1 })),
    );
    expect(sent.every((result) => result.status === 200)).toBe(true);
    const told = toldTo(team.connector.calls.slice(mark), kim).sort();
    expect(told).toEqual([...Array<string>(9).fill(ANSWERED_ALREADY), THANKS].sort());
    const row = await surveyRow(kimSurvey['workItemId']!);
    expect(row?.answer?.rating).toEqual(expect.any(Number));
    expect(
      logged('survey answered').filter((line) => line['workItemId'] === kimSurvey['workItemId']),
    ).toHaveLength(1);
  });

  it('takes the same answer activity sent ten times at once once: one thanks, the replays silent', async () => {
    const louSurvey = surveys.get(lou.userId)!;
    const activity = {
      ...customerMessage(team.connector.serviceUrl, lou, ''),
      text: undefined,
      value: { ...louSurvey, rating: 4 },
    };
    const mark = team.connector.calls.length;
    const sent = await Promise.all(Array.from({ length: 10 }, () => team.send(activity)));
    expect(sent.every((result) => result.status === 200)).toBe(true);
    expect(toldTo(team.connector.calls.slice(mark), lou)).toEqual([THANKS]);
    expect((await surveyRow(louSurvey['workItemId']!))?.answer?.rating).toBe(4);
  });

  it('keeps a 180 kB comment of control and bidi characters cleaned and cut, not as sent', async () => {
    const maxSurvey = surveys.get(max.userId)!;
    const comment = `\u0000\u202e${'ok\u0007\u001b[31m'.repeat(10_000)}`;
    const sent = await answer(max, { ...maxSurvey, rating: '3', comment });
    expect(toldTo(sent.calls, max)).toEqual([THANKS]);
    const kept = (await surveyRow(maxSurvey['workItemId']!))?.answer?.comment ?? '';
    expect(kept.length).toBeLessThanOrEqual(1000 + ' (truncated)'.length);
    expect(kept).toMatch(/ \(truncated\)$/);
    // eslint-disable-next-line no-control-regex
    expect(kept).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e]/);
  });

  it('refuses an answer to the survey of a conversation reopened since: told it closed, neither changed', async () => {
    const ned1 = await surveyed(ned);
    await team.say(ned, 'One more thing');
    const reopened = (await latestItemOf(ned))!;
    expect(reopened).not.toBe(ned1['workItemId']);
    const itemBefore = (await team.tables().workItems.get(reopened))?.item;
    const mark = logged('survey answer refused').length;
    const sent = await answer(ned, { ...ned1, rating: 5 });
    expect(toldTo(sent.calls, ned)).toEqual([CLOSED_SURVEY]);
    expect((await surveyRow(ned1['workItemId']!))?.answer).toBeUndefined();
    expect((await team.tables().workItems.get(reopened))?.item).toEqual(itemBefore);
    expect(logged('survey answer refused').slice(mark)).toEqual([
      expect.objectContaining({ reason: 'no-longer-pending', workItemId: ned1['workItemId'] }),
    ]);
  });

  it('takes one of ten Ends sent at once: Ned told once it ended, nine times it had, Alex told once', async () => {
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const workItemId = (await latestItemOf(ned))!;
    expect((await team.tables().workItems.get(workItemId))?.item.state).toBe('active');
    const mark = team.connector.calls.length;
    const ends = await Promise.all(Array.from({ length: 10 }, () => team.say(ned, 'end')));
    expect(ends.every((result) => result.status === 200)).toBe(true);
    const calls = team.connector.calls.slice(mark);
    expect(
      toldTo(calls, ned)
        .filter((text) => text !== SURVEY)
        .sort(),
    ).toEqual([...Array<string>(9).fill(ALREADY_ENDED), YOU_ENDED].sort());
    expect(toldTo(calls, ned).filter((text) => text === SURVEY)).toHaveLength(1);
    expect(cardTexts(calls, alex).filter((text) => text.endsWith('ended the conversation.'))).toHaveLength(1);
    expect((await team.tables().workItems.get(workItemId))?.item.state).toBe('wrap-up');
    expect(
      logged('customer ended the conversation').filter((line) => line['workItemId'] === workItemId),
    ).toHaveLength(1);
  });

  it('an End while the conversation is offered to Alex withdraws his offer card in place', async () => {
    const offered = await team.say(oli, 'Quick question');
    expect(cardTexts(offered.calls, alex)).toContain('Accept within 120 s');
    const workItemId = (await latestItemOf(oli))!;
    const ended = await team.say(oli, 'end');
    expect(toldTo(ended.calls, oli)).toEqual([YOU_ENDED]);
    expect((await team.tables().workItems.get(workItemId))?.item.state).toBe('closed');
    const toAlex = ended.calls.filter((call) => call.conversationId === alex.conversationId);
    expect(toAlex.map((call) => [call.kind, textBlocks(cardOf(call))])).toEqual([
      ['update', expect.arrayContaining(['This request is no longer available.'])],
    ]);
  });

  it('a customer who leaves while offered to Alex has his offer card withdrawn in place', async () => {
    await team.say(pam, 'Are you there?');
    const workItemId = (await latestItemOf(pam))!;
    const left = await team.send({
      ...customerMessage(team.connector.serviceUrl, pam, ''),
      type: 'endOfConversation',
      text: undefined,
    });
    expect((await team.tables().workItems.get(workItemId))?.item.state).toBe('closed');
    const toAlex = left.calls.filter((call) => call.conversationId === alex.conversationId);
    expect(toAlex.map((call) => [call.kind, textBlocks(cardOf(call))])).toEqual([
      ['update', expect.arrayContaining(['This request is no longer available.'])],
    ]);
  });

  it('answers an End with no conversation "nothing to end", and starts none', async () => {
    const sent = await team.say(nobody, 'END');
    expect(toldTo(sent.calls, nobody)).toEqual([NOTHING_TO_END]);
    expect(await latestItemOf(nobody)).toBeUndefined();
    expect(logged('customer asked to end the chat').at(-1)).toMatchObject({
      customerId: customerIdOf(nobody),
      outcome: 'nothing-to-end',
    });
  });

  it('takes an End from the web chat page claiming Alex’s id as the page customer’s own: Alex’s work untouched', async () => {
    const before = await team.sessionsOf(alex);
    const page = await WebchatCustomer.start(team.desk.app.baseUrl);
    for (const id of [alex.userId, alex.aadObjectId]) {
      await page.say('end', { id, name: 'Alex Agent', aadObjectId: alex.aadObjectId, role: 'bot' });
      await team.desk.app.drainOutbox();
      expect(await page.deskSays()).toEqual([NOTHING_TO_END]);
    }
    expect(await team.sessionsOf(alex)).toEqual(before);
    const ends = logged('customer asked to end the chat').slice(-2);
    expect(ends.map((line) => String(line['customerId']))).toEqual([
      expect.stringMatching(/^webchat:/),
      expect.stringMatching(/^webchat:/),
    ]);
    expect(ends.map((line) => line['customerId'])).not.toContain(`webchat:${alex.userId}`);
  });

  it('takes the first of ten answers posted at once from the web chat page: each stored and answered 200, one thanks', async () => {
    const page = await WebchatCustomer.start(team.desk.app.baseUrl);
    await page.say('Hello from the page');
    await team.desk.app.drainOutbox();
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const customerId = `webchat:${(await page.news()).find((activity) => activity.from.role === 'user')!.from.id}`;
    const workItemId = (await team.tables().customers.get(customerId))!.latestWorkItemId!;
    await team.press(alex, 'end', { sessionId: workItemId });
    await team.desk.app.drainOutbox();
    const survey = (await team.tables().surveys.get(workItemId))!;
    await page.news();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        page.post({
          type: 'message',
          text: `Rating: ${(index % 5) + 1} of 5`,
          value: { verb: 'csatAnswer', workItemId, surveyId: survey.surveyId, rating: (index % 5) + 1 },
        }),
      ),
    );
    await team.desk.app.drainOutbox();
    expect(answers.map((answer) => answer.status)).toEqual(Array<number>(10).fill(200));
    const news = await page.news();
    expect(news.filter((activity) => activity.from.role === 'user')).toHaveLength(10);
    const said = news.filter((activity) => activity.from.role === 'bot').map((activity) => activity.text);
    expect(said.sort()).toEqual([...Array<string>(9).fill(ANSWERED_ALREADY), THANKS].sort());
    expect((await team.tables().surveys.get(workItemId))?.answer?.rating).toEqual(expect.any(Number));
  });

  it.each([100, 5_000])(
    'refuses a web chat survey answer whose comment nests %i levels deep with 400 JSON: not kept, not handed on',
    async (depth) => {
      const page = await WebchatCustomer.start(team.desk.app.baseUrl);
      const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const mark = team.desk.lines.length;
      const answer = await rawRequest(page.activitiesUrl, {
        headers: { authorization: `Bearer ${page.token}`, 'content-type': 'application/json' },
        body: `{"type":"message","text":"Rating: 5 of 5","value":{"verb":"csatAnswer","workItemId":"x","surveyId":"y","rating":5,"comment":${deep}}}`,
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({
        code: 'BadRequest',
        message: 'The body nests deeper than 64 levels.',
      });
      expect((await page.read('0')).body.activities).toEqual([]);
      expect(team.desk.lines.slice(mark)).toEqual([
        expect.objectContaining({
          msg: 'request refused',
          path: `/v3/directline/conversations/${page.conversationId}/activities`,
        }),
      ]);
      await page.say('Hello after all');
    },
  );

  it('logged no error', () => {
    expect(team.desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe('survey answers and Ends the store cannot keep', () => {
  const team = useTeamworkDesk([alex], { AGENT_CAPACITY: '3', WRAP_UP_HOLD_S: '0' });
  const ivy: TestCustomer = { userId: 'hostile-store-1', conversationId: 'conv-hostile-store-1' };
  const joe: TestCustomer = { userId: 'hostile-store-2', conversationId: 'conv-hostile-store-2' };
  let store: ReturnType<typeof faultSwitch>;
  let ivySurvey: Record<string, string> = {};
  const latestItemOf = async (customer: TestCustomer) =>
    (await team.tables().customers.get(customerIdOf(customer)))?.latestWorkItemId;

  /** Posts while writes fail: the status, and what reached the connector. */
  async function whileWritesFail(activity: Record<string, unknown>) {
    const mark = team.connector.calls.length;
    store.set('writes');
    try {
      const result = await postActivity(team.desk.app.url, activity);
      return { status: result.status, calls: team.connector.calls.slice(mark) };
    } finally {
      store.set('none');
    }
  }

  it('asks Ivy after Alex’s End, and gives Joe an Active conversation with Alex', async () => {
    await team.tell(alex, 'hi');
    await team.say(ivy, 'Hello');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const workItemId = (await latestItemOf(ivy))!;
    await team.press(alex, 'end', { sessionId: workItemId });
    ivySurvey = {
      verb: 'csatAnswer',
      workItemId,
      surveyId: (await team.tables().surveys.get(workItemId))!.surveyId,
    };
    await team.say(joe, 'Hello');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    store = faultSwitch(team.desk.app.database);
  });

  it('answers a survey answer it could not keep 503, says only that something went wrong, and takes the same answer sent again', async () => {
    const activity = {
      ...customerMessage(team.connector.serviceUrl, ivy, ''),
      text: undefined,
      value: { ...ivySurvey, rating: 5 },
    };
    const refused = await whileWritesFail(activity);
    expect(refused.status).toBe(503);
    expect(toldTo(refused.calls, ivy)).toEqual([WENT_WRONG]);
    expect((await team.tables().surveys.get(ivySurvey['workItemId']!))?.answer).toBeUndefined();
    const again = await team.send(activity);
    expect(toldTo(again.calls, ivy)).toEqual([THANKS]);
    expect((await team.tables().surveys.get(ivySurvey['workItemId']!))?.answer?.rating).toBe(5);
  });

  it('answers an End it could not keep 503, says only that something went wrong, and takes the same End sent again', async () => {
    const workItemId = (await latestItemOf(joe))!;
    const end = customerMessage(team.connector.serviceUrl, joe, 'end');
    const refused = await whileWritesFail(end);
    expect(refused.status).toBe(503);
    expect(toldTo(refused.calls, joe)).toEqual([WENT_WRONG]);
    expect(saidTo(refused.calls, alex.conversationId)).toEqual([]);
    expect((await team.tables().workItems.get(workItemId))?.item.state).toBe('active');
    const again = await team.send(end);
    expect(toldTo(again.calls, joe)).toEqual([YOU_ENDED, SURVEY]);
    expect((await team.tables().workItems.get(workItemId))?.item.state).toBe('wrap-up');
  });

  afterAll(() => store?.restore());
});
