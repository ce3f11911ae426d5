/**
 * Quick replies over HTTP: the team's set from QUICK_REPLIES_FILE and an agent's own, found with `/q` in the
 * agent's chat, sent with placeholders filled through the path of a typed reply, or inserted into the reply.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';
import type { SessionDetail } from '../../src/web/agent-api';
import { AGENT_API } from '../../src/web/agent-api';
import { QUICK_REPLIES_API, type QuickReplyAnswer } from '../../src/web/quick-replies-api';
import { agentMessage, customerMessage, type TestCustomer } from '../support/activities';
import {
  actionsWithVerb,
  cardOf,
  dataOf,
  objectsOfType,
  textBlocks,
  textOf,
  visibleTexts,
} from '../support/cards';
import { workItemWithTranscript } from '../support/desk-tables';
import { alex, bea } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { saidTo, useTeamworkDesk } from '../support/teamwork-desk';
import { api, devSignIn } from '../web/agent-api-support';

/** Known to the contacts directory (contacts/contacts.json): "Kenny Smith", with a case on file. */
const kenny: TestCustomer = { userId: 'kenny', conversationId: 'conv-qr-kenny' };
/** Unknown: "Visitor N", no case. */
const visitor: TestCustomer = { userId: 'qr-visitor', conversationId: 'conv-qr-visitor' };

const TEAM_SET = [
  {
    id: 'greeting',
    title: 'Greeting',
    text: 'Hi {customerName}, I am {agentName}. How can I help?',
    tags: ['opening'],
  },
  {
    id: 'refund-started',
    title: 'Refund started',
    text: 'Your refund is on its way, {customerName}.',
    tags: ['billing', 'refund'],
  },
  {
    id: 'case-update',
    title: 'Case update',
    text: 'An update on your case "{caseTitle}": it is with our team.',
    tags: ['case'],
  },
  {
    id: 'order-status',
    title: 'Order status',
    text: 'Order {orderNumber} left our warehouse today.',
    tags: ['orders'],
  },
];

describe('quick replies in the agent’s chat, over HTTP', () => {
  let folder: string;
  let kennyItem: string;
  let visitorItem: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'relaydesk-qr-'));
    writeFileSync(join(folder, 'quick-replies.json'), JSON.stringify(TEAM_SET));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const team = useTeamworkDesk([alex, bea], () => ({
    QUICK_REPLIES_FILE: join(folder, 'quick-replies.json'),
  }));

  const send = (activity: Parameters<typeof team.send>[0]) => team.send(activity);
  const postedTo = saidTo;

  /** `/q …` typed in Alex's chat: the card it answers with. */
  async function search(text: string, agent = alex) {
    const { calls } = await send(agentMessage(team.connector.serviceUrl, agent, text));
    const cards = postedTo(calls, agent.conversationId).map(cardOf);
    const card = cards.find((candidate) => String(textBlocks(candidate)[0]).startsWith('Quick replies'));
    if (!card) throw new Error(`no quick replies card answered "${text}"`);
    return card;
  }

  /** A button press on a card: the card the invoke answers with, and what the press sent. */
  const press = (data: Record<string, unknown>, verb = 'quickReply', agent = alex) =>
    team.press(agent, verb, data);

  const sendButton = (card: unknown, quickReplyId: string) =>
    actionsWithVerb(card, 'quickReply')
      .filter((action) => action['title'] === 'Send')
      .map(dataOf)
      .find((data) => data['quickReplyId'] === quickReplyId);

  const transcriptOf = async (workItemId: string) =>
    (await workItemWithTranscript(createDeskRepositories(team.desk.app.database), workItemId))?.transcript ??
    [];

  it('opens a conversation with a known customer and one with a visitor', async () => {
    await send(agentMessage(team.connector.serviceUrl, alex, 'hi'));
    await send(agentMessage(team.connector.serviceUrl, bea, 'hi'));
    await send(agentMessage(team.connector.serviceUrl, bea, 'presence away'));

    await send(customerMessage(team.connector.serviceUrl, visitor, 'Where is my order?'));
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    await send(customerMessage(team.connector.serviceUrl, kenny, 'I was promised a refund'));
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);

    const sessions = (await createDeskRepositories(team.desk.app.database).agentRecords.get(alex.aadObjectId))
      ?.panel.sessions;
    kennyItem = sessions?.find((session) => session.title === 'Kenny Smith')?.id ?? '';
    visitorItem = sessions?.find((session) => session.title.startsWith('Visitor'))?.id ?? '';
    expect(kennyItem).not.toBe('');
    expect(visitorItem).not.toBe('');
  });

  it('answers `/q refund` with the best matches for the focused session, their placeholders filled', async () => {
    const card = await search('/q refund');
    expect(textBlocks(card)[0]).toBe('Quick replies for Kenny Smith');
    expect(visibleTexts(card)).toContain('Your refund is on its way, Kenny Smith.');
    expect(sendButton(card, 'refund-started')).toEqual({
      sessionId: kennyItem,
      quickReplyId: 'refund-started',
    });
  });

  it('sends a quick reply through the path of a typed one: placeholders filled, in the transcript, delivered', async () => {
    const before = (await transcriptOf(kennyItem)).length;
    const card = await search('/q #opening');
    const { card: answer, calls } = await press(sendButton(card, 'greeting') ?? {});

    expect(textBlocks(answer)[0]).toBe('Sending to Kenny Smith');
    const said = postedTo(calls, kenny.conversationId);
    expect(said.map(textOf)).toEqual(['Hi Kenny Smith, I am Alex Agent. How can I help?']);
    const transcript = await transcriptOf(kennyItem);
    expect(transcript).toHaveLength(before + 1);
    expect(transcript.at(-1)).toMatchObject({
      from: 'agent',
      agentId: alex.aadObjectId,
      text: 'Hi Kenny Smith, I am Alex Agent. How can I help?',
      delivery: 'delivered',
    });
  });

  it('fills {caseTitle} from the case the customer has on file', async () => {
    const card = await search('/q #case');
    const { calls } = await press(sendButton(card, 'case-update') ?? {});
    expect(postedTo(calls, kenny.conversationId).map(textOf)).toEqual([
      'An update on your case "Router keeps dropping the connection": it is with our team.',
    ]);
  });

  it('refuses a quick reply with an unknown placeholder before sending: a clear card, nothing sent', async () => {
    const card = await search('/q order');
    // The card itself offers only Insert for it…
    expect(sendButton(card, 'order-status')).toBeUndefined();
    const before = await transcriptOf(kennyItem);

    // …and a Send pressed anyway (an old card, a forged press) is refused.
    const { card: answer, calls } = await press({ sessionId: kennyItem, quickReplyId: 'order-status' });
    expect(textBlocks(answer)[0]).toBe('Not sent: “Order status”');
    expect(visibleTexts(answer).join(' ')).toContain('is not a placeholder the desk fills');
    expect(postedTo(calls, kenny.conversationId)).toEqual([]);
    expect(await transcriptOf(kennyItem)).toEqual(before);
  });

  it('refuses {caseTitle} in a conversation with no case, nothing sent', async () => {
    await press({ sessionId: visitorItem }, 'focus');
    const { card: answer, calls } = await press({ sessionId: visitorItem, quickReplyId: 'case-update' });
    expect(visibleTexts(answer).join(' ')).toContain('no case is saved on this conversation');
    expect(postedTo(calls, visitor.conversationId)).toEqual([]);
  });

  it('inserts a quick reply into the session’s reply draft, placeholders filled or left to fill in', async () => {
    const token = await devSignIn(team.desk.app.baseUrl, alex.aadObjectId);
    const { card, calls } = await press({
      sessionId: visitorItem,
      quickReplyId: 'order-status',
      insert: true,
    });
    expect(postedTo(calls, visitor.conversationId)).toEqual([]);
    const [box] = objectsOfType(card, 'Input.Text');
    expect(box).toMatchObject({ id: 'text', value: 'Order {orderNumber} left our warehouse today.' });

    const detail = await api<SessionDetail>(team.desk.app.baseUrl, 'GET', AGENT_API.session(visitorItem), {
      token,
    });
    expect(detail.body.draft.reply).toBe('Order {orderNumber} left our warehouse today.');

    // The agent completes it in the box and presses the card's Reply.
    const reply = actionsWithVerb(card, 'reply').map(dataOf)[0] ?? {};
    const sent = await press({ ...reply, text: 'Order #4711 left our warehouse today.' }, 'reply');
    expect(postedTo(sent.calls, visitor.conversationId).map(textOf)).toEqual([
      'Order #4711 left our warehouse today.',
    ]);
  });

  it('keeps the draft the agent was typing when a quick reply is sent', async () => {
    const token = await devSignIn(team.desk.app.baseUrl, alex.aadObjectId);
    const draft = { reply: 'Let me also check the tracking' };
    expect(
      (await api(team.desk.app.baseUrl, 'PUT', AGENT_API.draft(visitorItem), { token, body: draft })).status,
    ).toBe(204);
    const { calls } = await press({ sessionId: visitorItem, quickReplyId: 'greeting' });
    expect(postedTo(calls, visitor.conversationId).map(textOf)).toEqual([
      expect.stringMatching(/^Hi Visitor \d+, I am Alex Agent\. How can I help\?$/),
    ]);
    const detail = await api<SessionDetail>(team.desk.app.baseUrl, 'GET', AGENT_API.session(visitorItem), {
      token,
    });
    expect(detail.body.draft.reply).toBe('Let me also check the tracking');
  });

  it('refuses another agent’s own quick reply, and a quick reply sent to a session that is not the agent’s', async () => {
    const beaToken = await devSignIn(team.desk.app.baseUrl, bea.aadObjectId);
    const added = await api<QuickReplyAnswer>(team.desk.app.baseUrl, 'POST', QUICK_REPLIES_API.collection, {
      token: beaToken,
      body: { title: 'Bea’s sign-off', text: 'Cheers, Bea' },
    });
    expect(added.status).toBe(201);

    const forged = await press({ sessionId: kennyItem, quickReplyId: added.body.quickReply.id });
    expect(visibleTexts(forged.card).join(' ')).toContain('There is no such quick reply');
    expect(postedTo(forged.calls, kenny.conversationId)).toEqual([]);

    const notHers = await press({ sessionId: kennyItem, quickReplyId: 'greeting' }, 'quickReply', bea);
    expect(textBlocks(notHers.card)[0]).toBe('Not possible');
    expect(postedTo(notHers.calls, kenny.conversationId)).toEqual([]);
  });

  it('says so when nothing matches, and lists some for `/q` alone', async () => {
    const none = await search('/q warranty');
    expect(visibleTexts(none)).toContain(
      'No quick replies match “warranty”. Try other words, or /q alone for the list.',
    );
    expect(actionsWithVerb(none, 'quickReply')).toEqual([]);

    const listed = await search('/q');
    expect(actionsWithVerb(listed, 'quickReply').length).toBeGreaterThan(0);
  });

  it('only lists while Home is focused, with nothing to send to', async () => {
    const card = await search('/q', bea);
    expect(textBlocks(card)[0]).toBe('Quick replies');
    expect(visibleTexts(card).join(' ')).toContain('Home is focused');
    expect(actionsWithVerb(card, 'quickReply')).toEqual([]);
  });
});
