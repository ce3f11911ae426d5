import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  postActivity,
  type ActivityJson,
  type TestCustomer,
} from '../support/activities';
import {
  actionData,
  actionsWithVerb,
  allObjects,
  cardMentions,
  cardOf,
  relaydeskIdOf,
  textOf,
} from '../support/cards';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { ASYNC_OUTBOX, startTestDesk, type TestDesk } from '../support/harness';
import { alex, QUEUED } from '../support/fixtures';
import { readStored } from '../support/desk-tables';

const NAME_QUESTION = 'What is your name?';
const TOPIC_QUESTION = 'What can we help you with?';
const PRECHAT_QUESTIONS = `name=${NAME_QUESTION};topic=${TOPIC_QUESTION}`;
const JOINED = "You're now chatting with Alex Agent.";
const WAITING_PERIOD_DAYS = 28;

interface InvokeBody {
  statusCode: number;
  value: unknown;
}

/** The facts of every FactSet on a card, as `title → value`. */
function facts(card: unknown): { title: unknown; value: unknown }[] {
  return allObjects(card)
    .filter((object) => object['type'] === 'FactSet')
    .flatMap((factSet) => (Array.isArray(factSet['facts']) ? factSet['facts'] : []))
    .map((fact: Record<string, unknown>) => ({ title: fact['title'], value: fact['value'] }));
}

/** A desk on the real server with a fake Bot Connector, and helpers to post and read what came back. */
function deskHarness(env: Record<string, string>) {
  const harness = {
    connector: undefined as unknown as FakeConnector,
    desk: undefined as unknown as TestDesk,
  };

  beforeAll(async () => {
    harness.connector = await FakeConnector.start();
    harness.desk = await startTestDesk(
      { AGENT_IDS: alex.aadObjectId, RATE_LIMIT_PER_MINUTE: '0', ...env },
      { outbox: ASYNC_OUTBOX },
    );
    await send(agentMessage(harness.connector.serviceUrl, alex, 'hi'));
  });

  afterAll(async () => {
    await harness.desk.app.close();
    await harness.connector.close();
  });

  async function send(activity: ActivityJson): Promise<{ body: unknown; calls: RecordedCall[] }> {
    const mark = harness.connector.calls.length;
    const result = await postActivity(harness.desk.app.url, activity);
    expect(result.status).toBe(200);
    return { body: result.body, calls: harness.connector.calls.slice(mark) };
  }

  /** Every call to a conversation, updates included. */
  const to = (calls: RecordedCall[], conversationId: string) =>
    calls.filter((call) => call.conversationId === conversationId);
  const textsTo = (calls: RecordedCall[], conversationId: string) =>
    to(calls, conversationId)
      .filter((call) => call.kind !== 'update')
      .map(textOf);
  const offerIn = (calls: RecordedCall[]) =>
    to(calls, alex.conversationId)
      .filter((call) => call.kind !== 'update')
      .find((call) => actionsWithVerb(cardOf(call), 'accept').length > 0);

  async function invoke(verb: string, data: Record<string, string>, replyToId?: string) {
    const result = await send(agentInvoke(harness.connector.serviceUrl, alex, verb, data, replyToId));
    expect((result.body as InvokeBody).statusCode).toBe(200);
    return { ...result, card: (result.body as InvokeBody).value };
  }

  async function acceptOffer(offer: RecordedCall | undefined) {
    expect(offer).toBeDefined();
    return invoke('accept', actionData(cardOf(offer), 'accept'), offer!.activityId);
  }

  async function workItemTitle(workItemId: string): Promise<string> {
    const key = `workitem/${workItemId}`;
    const stored = await readStored(harness.desk.app, [key]);
    return (stored[key] as { item: { title: string } }).item.title;
  }

  return { harness, send, to, textsTo, offerIn, invoke, acceptOffer, workItemTitle };
}

describe('the pre-chat survey over HTTP (PRECHAT_QUESTIONS set)', () => {
  const { harness, send, to, textsTo, offerIn, invoke, acceptOffer } = deskHarness({
    PRECHAT_QUESTIONS,
    CONTACTS_FILE: 'off',
    WAITING_PERIOD_DAYS: String(WAITING_PERIOD_DAYS),
  });
  const sam: TestCustomer = { userId: 'web-sam', conversationId: 'emulator-conv-sam' };
  const lee: TestCustomer = { userId: 'web-lee', conversationId: 'emulator-conv-lee' };
  const say = (customer: TestCustomer, text: string) =>
    send(customerMessage(harness.connector.serviceUrl, customer, text));
  let samItem: string;
  let samOffer: RecordedCall | undefined;

  it('asks a new customer each question in turn before queuing them; the agent hears nothing until the last answer', async () => {
    const first = await say(sam, 'My printer is on fire');
    expect(textsTo(first.calls, sam.conversationId)).toEqual([NAME_QUESTION]);
    expect(to(first.calls, alex.conversationId)).toEqual([]);

    const second = await say(sam, 'Sam');
    expect(textsTo(second.calls, sam.conversationId)).toEqual([TOPIC_QUESTION]);
    expect(to(second.calls, alex.conversationId)).toEqual([]);

    const last = await say(sam, 'Printing');
    expect(textsTo(last.calls, sam.conversationId)).toEqual([QUEUED]);
    const offer = offerIn(last.calls);
    samOffer = offer;
    samItem = actionData(cardOf(offer), 'accept')['workItemId']!;
    // The first message is what the conversation starts with; the answers are the pre-chat facts.
    expect(cardMentions(cardOf(offer), 'My printer is on fire')).toBe(true);
    expect(facts(cardOf(offer))).toEqual(
      expect.arrayContaining([
        { title: NAME_QUESTION, value: 'Sam' },
        { title: TOPIC_QUESTION, value: 'Printing' },
      ]),
    );
  });

  it('shows the answers on the Active Conversation card after accept', async () => {
    const accepted = await acceptOffer(samOffer);
    expect(textsTo(accepted.calls, sam.conversationId)).toEqual([JOINED]);
    const active = to(accepted.calls, alex.conversationId)
      .map(cardOf)
      .find((card) => cardMentions(card, 'Active conversation'));
    expect(active).toBeDefined();
    expect(facts(active)).toEqual(
      expect.arrayContaining([
        { title: NAME_QUESTION, value: 'Sam' },
        { title: TOPIC_QUESTION, value: 'Printing' },
      ]),
    );
  });

  it('does not ask a customer who writes again to their live conversation', async () => {
    const again = await say(sam, 'It is still smoking');
    expect(textsTo(again.calls, sam.conversationId)).toEqual([]);
    expect(
      to(again.calls, alex.conversationId).some((call) => cardMentions(cardOf(call), 'It is still smoking')),
    ).toBe(true);
  });

  it('does not ask a customer whose conversation is Waiting within the waiting period', async () => {
    await invoke('close', { sessionId: samItem });
    await invoke('closeConfirm', { sessionId: samItem });

    const resumed = await say(sam, 'One more thing');
    expect(textsTo(resumed.calls, sam.conversationId)).toEqual([QUEUED]);
    const offer = offerIn(resumed.calls);
    expect(actionData(cardOf(offer), 'accept')['workItemId']).toBe(samItem);
    await acceptOffer(offer);
  });

  it('asks again after End: the next message starts a new conversation with its own answers', async () => {
    await invoke('end', { sessionId: samItem });

    const fresh = await say(sam, 'Now the scanner is broken');
    expect(textsTo(fresh.calls, sam.conversationId)).toEqual([NAME_QUESTION]);
    await say(sam, 'Sam again');
    const last = await say(sam, 'Scanning');
    expect(textsTo(last.calls, sam.conversationId)).toEqual([QUEUED]);
    const offer = cardOf(offerIn(last.calls));
    expect(actionData(offer, 'accept')['workItemId']).not.toBe(samItem);
    expect(cardMentions(offer, 'Now the scanner is broken')).toBe(true);
    expect(facts(offer)).toEqual(expect.arrayContaining([{ title: TOPIC_QUESTION, value: 'Scanning' }]));
    expect(facts(offer)).not.toEqual(expect.arrayContaining([{ title: TOPIC_QUESTION, value: 'Printing' }]));
  });

  it('asks again once a Waiting conversation has passed the waiting period', async () => {
    await say(lee, 'Hello');
    await say(lee, 'Lee');
    const queued = await say(lee, 'Returns');
    const offer = offerIn(queued.calls);
    const leeItem = actionData(cardOf(offer), 'accept')['workItemId']!;
    await acceptOffer(offer);
    await invoke('close', { sessionId: leeItem });
    await invoke('closeConfirm', { sessionId: leeItem });

    harness.desk.clock.advance((WAITING_PERIOD_DAYS + 1) * 24 * 60 * 60 * 1000);
    const late = await say(lee, 'Back after a month');
    expect(textsTo(late.calls, lee.conversationId)).toEqual([NAME_QUESTION]);
  });

  it('re-asks a question once when the answer is blank, then records "(no answer)"', async () => {
    const blank: TestCustomer = { userId: 'web-blank', conversationId: 'emulator-conv-blank' };
    await say(blank, 'Hi');
    const retried = await say(blank, '   ');
    expect(textsTo(retried.calls, blank.conversationId)).toEqual([
      `Please answer in a few words. ${NAME_QUESTION}`,
    ]);
    const moved = await say(blank, ' ');
    expect(textsTo(moved.calls, blank.conversationId)).toEqual([TOPIC_QUESTION]);
    const last = await say(blank, 'x'.repeat(300));
    const offered = facts(cardOf(offerIn(last.calls)));
    expect(offered).toEqual(expect.arrayContaining([{ title: NAME_QUESTION, value: '(no answer)' }]));
    const topic = offered.find((fact) => fact.title === TOPIC_QUESTION);
    expect(String(topic?.value).length).toBeLessThanOrEqual(200);
  });

  it('gave every question it sent its own relaydeskId, and logged no error', () => {
    const questions = harness.connector.calls.filter(
      (call) => textOf(call) === NAME_QUESTION || textOf(call) === TOPIC_QUESTION,
    );
    expect(questions.length).toBeGreaterThan(0);
    const ids = questions.map((call) => relaydeskIdOf(call.activity));
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(harness.desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe('a Teams user writing as a customer (no pre-chat survey)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'relaydesk-contacts-'));
  const contactsFile = join(directory, 'contacts.json');
  writeFileSync(
    contactsFile,
    JSON.stringify([
      { channelId: 'msteams', userId: '29:kim', contactName: 'Kim Known', accountName: 'Contoso' },
    ]),
  );
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const { harness, send, textsTo, offerIn, workItemTitle } = deskHarness({ CONTACTS_FILE: contactsFile });

  function teamsCustomer(userId: string, aadObjectId: string | undefined, name: string, text: string) {
    const base = customerMessage(
      harness.connector.serviceUrl,
      { userId, conversationId: `a:chat-${userId}`, channelId: 'msteams' },
      text,
    );
    return {
      ...base,
      from: { id: userId, name, ...(aadObjectId ? { aadObjectId } : {}) },
      conversation: { id: `a:chat-${userId}`, conversationType: 'personal' },
    };
  }

  async function titleOfNewConversation(activity: ActivityJson): Promise<string> {
    const queued = await send(activity);
    expect(textsTo(queued.calls, (activity['conversation'] as { id: string }).id)).toEqual([QUEUED]);
    const workItemId = actionData(cardOf(offerIn(queued.calls)), 'accept')['workItemId']!;
    return workItemTitle(workItemId);
  }

  it('is titled with their Teams name, not "Visitor N"', async () => {
    const activity = teamsCustomer('29:pat', 'aad-pat', '  Pat Customer ', 'My laptop will not boot');
    expect(await titleOfNewConversation(activity)).toBe('Pat Customer');
    const offer = harness.connector.calls.map(cardOf).filter((card) => cardMentions(card, 'Pat Customer'));
    expect(offer.length).toBeGreaterThan(0);
  });

  it('is titled from the contacts directory when it has a record for them', async () => {
    const activity = teamsCustomer('29:kim', 'aad-kim', 'Kim Teams', 'The VPN is down');
    expect(await titleOfNewConversation(activity)).toBe('Kim Known');
  });

  it('stays a visitor without an aadObjectId: a name alone proves nothing', async () => {
    const activity = teamsCustomer('29:anon', undefined, 'Claims To Be Someone', 'Hello');
    expect(await titleOfNewConversation(activity)).toMatch(/^Visitor \d+$/);
  });
});
