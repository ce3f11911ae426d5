import { caseSessionId } from '../../src/app/case-sessions';
import type { OfferView } from '../../src/app/views';
import type { SessionDetail, WorkspaceState } from '../../src/web/agent-api';
import { AGENT_API } from '../../src/web/agent-api';
import {
  agentMessage,
  customerMessage,
  postActivity,
  type ActivityJson,
  type TestCustomer,
} from '../support/activities';
import { allObjects, cardMentions, cardOf, textOf } from '../support/cards';
import { FakeConnector } from '../support/fake-connector';
import { startTestDesk, type TestDesk } from '../support/harness';
import { api, devSignIn, refusals } from './agent-api-support';
import { alex, bea } from '../support/fixtures';
import { readStored } from '../support/desk-tables';

const visitor1: TestCustomer = { userId: 'web-user-1', conversationId: 'emulator-conv-1' };
const visitor2: TestCustomer = { userId: 'web-user-2', conversationId: 'emulator-conv-2' };

const JOINED_ALEX = "You're now chatting with Alex Agent.";

describe('the agent workspace API over HTTP (one store with the chat cards)', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  let alexToken: string;
  let beaToken: string;
  let alexPanelId: string;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    desk = await startTestDesk({
      AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
      RATE_LIMIT_PER_MINUTE: '0',
    });
    alexToken = await devSignIn(desk.app.baseUrl, alex.aadObjectId);
    beaToken = await devSignIn(desk.app.baseUrl, bea.aadObjectId);
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  async function send(activity: ActivityJson): Promise<void> {
    expect((await postActivity(desk.app.url, activity)).status).toBe(200);
  }

  const call = <T = unknown>(token: string, method: string, path: string, body?: unknown) =>
    api<T>(desk.app.baseUrl, method, path, { token, ...(body !== undefined ? { body } : {}) });

  const workspaceOf = async (token: string) => {
    const answer = await call<WorkspaceState>(token, 'GET', AGENT_API.workspace);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  const act = async (token: string, data: Record<string, unknown>) => {
    const answer = await call<{ view: { kind: string } & Record<string, unknown> }>(
      token,
      'POST',
      AGENT_API.actions,
      data,
    );
    expect(answer.status).toBe(200);
    return answer.body.view;
  };

  const panelCard = () => cardOf(connector.updates(alex.conversationId, alexPanelId).at(-1));

  /** The raw stored documents (value and eTag), to check that a refused action wrote nothing. */
  const stored = (...storeKeys: string[]) => readStored(desk.app, storeKeys);

  it('shows Home first, then the session accepted through the API, and the chat panel follows', async () => {
    await send(agentMessage(connector.serviceUrl, alex, 'hi'));
    alexPanelId = connector.posted(alex.conversationId)[0]!.activityId;
    await send(agentMessage(connector.serviceUrl, bea, 'hi'));
    await send(agentMessage(connector.serviceUrl, bea, 'presence away'));

    const before = await workspaceOf(alexToken);
    expect(before.panel.rows.map((row) => row.id)).toEqual(['home']);
    expect(before.panel.rows[0]).toMatchObject({ kind: 'home', closable: false, focused: true });
    expect(before.offers).toEqual([]);

    await send(
      customerMessage(connector.serviceUrl, visitor1, 'Hi, my order #1234 has not arrived, I am annoyed'),
    );
    const offered = await workspaceOf(alexToken);
    const offer = offered.offers[0] as OfferView;
    expect(offer).toMatchObject({
      title: 'Visitor 1',
      status: 'pending',
      firstMessage: expect.stringContaining('#1234'),
    });
    expect((await workspaceOf(beaToken)).offers).toEqual([]);
    v1 = offer.workItemId;

    const offerCard = connector.posted(alex.conversationId).at(-1)!;
    expect(cardMentions(cardOf(offerCard), 'Accept')).toBe(true);
    const updatesBefore = connector.updates(alex.conversationId, alexPanelId).length;
    const accepted = await act(alexToken, { verb: 'accept', workItemId: v1, offerId: offer.offerId });
    expect(accepted).toMatchObject({ kind: 'offer', status: 'accepted' });
    // The offer card in chat shows the answer given in the tab, and keeps no stale buttons.
    const offerCardNow = connector.updates(alex.conversationId, offerCard.activityId).at(-1);
    expect(cardMentions(cardOf(offerCardNow), 'Accepted')).toBe(true);
    expect(connector.posted(visitor1.conversationId).map(textOf)).toContain(JOINED_ALEX);

    const after = await workspaceOf(alexToken);
    expect(after.panel.rows.map((row) => row.id)).toEqual(['home', v1]);
    expect(after.panel.rows[1]).toMatchObject({
      title: 'Visitor 1',
      icon: 'Vi',
      focused: true,
      closable: true,
    });
    expect(after.panel.focusedTitle).toBe('Visitor 1');
    expect(after.dashboard.myItems.map((row) => row.workItemId)).toEqual([v1]);
    expect(after.offers).toEqual([]);
    // One store, one truth: the chat's panel card was updated in place.
    expect(connector.updates(alex.conversationId, alexPanelId).length).toBeGreaterThan(updatesBefore);
    expect(cardMentions(panelCard(), 'Visitor 1')).toBe(true);
  });

  it('an action from the API updates the chat panel card (fake connector sees the PUT)', async () => {
    const mark = connector.calls.length;
    const view = await act(alexToken, { verb: 'togglePanel', sessionId: 'home' });
    expect(view).toMatchObject({ kind: 'panel', mode: 'collapsed' });
    const puts = connector.calls
      .slice(mark)
      .filter(
        (c) =>
          c.kind === 'update' && c.conversationId === alex.conversationId && c.activityId === alexPanelId,
      );
    expect(puts).toHaveLength(1);
    expect(cardMentions(cardOf(puts[0]), 'Expand the session list')).toBe(true);
    expect(await act(alexToken, { verb: 'togglePanel', sessionId: 'home' })).toMatchObject({
      mode: 'expanded',
    });
  });

  it('gives a session in full: transcript, sentiment trend, draft and KB results (for the latest customer message, else the first, as here)', async () => {
    await send(customerMessage(connector.serviceUrl, visitor1, 'Thanks, you are great!'));
    const answer = await call<SessionDetail>(alexToken, 'GET', AGENT_API.session(v1));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({
      sessionId: v1,
      kind: 'conversation',
      workItemId: v1,
      conversation: { kind: 'active-conversation', title: 'Visitor 1', readOnly: false, state: 'active' },
      draft: { reply: '', caseFields: {} },
      kb: { kind: 'kb-search', sessionId: v1, query: expect.stringContaining('#1234') },
    });
    expect(answer.body.transcript.map((line) => line.text)).toEqual([
      'Hi, my order #1234 has not arrived, I am annoyed',
      'Thanks, you are great!',
    ]);
    expect(answer.body.sentimentTrend).toHaveLength(2);
    expect(answer.body.kb.results.length).toBeGreaterThan(0);
  });

  it('keeps a draft saved with PUT: in the session detail and in the chat card’s reply box next time', async () => {
    const saved = await call(alexToken, 'PUT', AGENT_API.draft(v1), {
      reply: 'Let me check order #1234 for you',
    });
    expect(saved.status).toBe(204);
    const detail = await call<SessionDetail>(alexToken, 'GET', AGENT_API.session(v1));
    expect(detail.body.draft.reply).toBe('Let me check order #1234 for you');
    expect(detail.body.conversation.draft).toBe('Let me check order #1234 for you');

    const mark = connector.calls.length;
    await send(customerMessage(connector.serviceUrl, visitor1, 'Any news?'));
    const relayed = connector.calls
      .slice(mark)
      .filter((c) => c.conversationId === alex.conversationId && c.kind !== 'update')
      .map(cardOf)
      .find((card) => cardMentions(card, 'Any news?'));
    const replyBox = allObjects(relayed).find((o) => o['type'] === 'Input.Text' && o['id'] === 'text');
    expect(replyBox?.['value']).toBe('Let me check order #1234 for you');
  });

  it('refuses malformed drafts with 400 and Home or an unknown session with 404', async () => {
    for (const body of [
      { reply: 42 },
      { other: 'x' },
      { caseFields: { title: 7 } },
      { caseFields: { secret: 'x' } },
      { caseFields: { priority: 'whenever' } },
      [1, 2],
    ]) {
      const answer = await call(alexToken, 'PUT', AGENT_API.draft(v1), body);
      expect([JSON.stringify(body), answer.status]).toEqual([JSON.stringify(body), 400]);
      expect(answer.body).toMatchObject({ code: 'BadRequest' });
    }
    const mark = desk.lines.length;
    expect((await call(alexToken, 'PUT', AGENT_API.draft('home'), { reply: 'x' })).status).toBe(404);
    expect((await call(alexToken, 'PUT', AGENT_API.draft('nope'), { reply: 'x' })).status).toBe(404);
    expect((await call(alexToken, 'GET', AGENT_API.session('home'))).status).toBe(404);
    expect(
      refusals(desk.lines.slice(mark)).map((line) => [line.msg, line['method'], line['sessionId']]),
    ).toEqual([
      ['agent api refused: no such session', 'PUT', 'home'],
      ['agent api refused: no such session', 'PUT', 'nope'],
      ['agent api refused: no such session', 'GET', 'home'],
    ]);
    // restify matches route parameters of at most 100 characters: a longer id finds no route.
    expect((await call(alexToken, 'GET', AGENT_API.session('x'.repeat(201)))).status).toBe(404);
  });

  it('answers malformed actions with 400, as the verb table reads them', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /no verb/],
      [{ verb: 'launchRockets' }, /Unknown verb/],
      [{ verb: 'focus' }, /sessionId/],
      [{ verb: 'accept', workItemId: v1 }, /offerId/],
      [{ verb: 'openCase' }, /workItemId/],
      [[{ verb: 'focus' }], /JSON object/],
    ];
    for (const [body, message] of cases) {
      const answer = await call<{ code: string; message: string }>(
        alexToken,
        'POST',
        AGENT_API.actions,
        body,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('BadRequest');
      expect(answer.body.message).toMatch(message);
    }
  });

  describe('knowledge-base articles', () => {
    it('gives an article in full to a signed-in agent, as its Markdown text', async () => {
      const answer = await call<{ kind: string; id: string; title: string; body: string }>(
        alexToken,
        'GET',
        AGENT_API.kbArticle('billing-and-invoices'),
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        kind: 'kb-article',
        id: 'billing-and-invoices',
        title: 'Billing and invoices',
      });
      expect(answer.body.body).toContain('## Download an invoice');
    });

    it('answers 404 for an unknown or oversized id, and 401 without a token', async () => {
      expect((await call(alexToken, 'GET', AGENT_API.kbArticle('no-such-article'))).status).toBe(404);
      expect((await call(alexToken, 'GET', AGENT_API.kbArticle('x'.repeat(500)))).status).toBe(404);
      expect((await fetch(`${desk.app.baseUrl}${AGENT_API.kbArticle('billing-and-invoices')}`)).status).toBe(
        401,
      );
    });
  });

  describe('an agent can never read or act on another agent’s sessions', () => {
    beforeAll(async () => {
      // Alex is full up for now; Bea comes back and gets the next customer through her tab.
      await act(alexToken, { verb: 'presence', sessionId: 'home', presence: 'dnd' });
      await act(beaToken, { verb: 'presence', sessionId: 'home', presence: 'available' });
      await send(customerMessage(connector.serviceUrl, visitor2, 'Hello, I was charged twice, card 4242'));
      const offer = (await workspaceOf(beaToken)).offers[0]!;
      v2 = offer.workItemId;
      expect(await act(beaToken, { verb: 'accept', workItemId: v2, offerId: offer.offerId })).toMatchObject({
        status: 'accepted',
      });
      expect((await call(beaToken, 'PUT', AGENT_API.draft(v2), { reply: 'Bea’s own draft' })).status).toBe(
        204,
      );
    });

    const beaState = () => stored(`agent/${bea.aadObjectId}`, `workitem/${v2}`);

    it('cannot read the session detail (404, logged), nor see it in the workspace', async () => {
      const before = await beaState();
      const mark = desk.lines.length;
      const answer = await call(alexToken, 'GET', AGENT_API.session(v2));
      expect(answer.status).toBe(404);
      expect(JSON.stringify(answer.body)).not.toContain('4242');
      expect(refusals(desk.lines.slice(mark))).toEqual([
        expect.objectContaining({
          level: 30,
          msg: 'agent api refused: no such session',
          agentId: alex.aadObjectId,
          sessionId: v2,
          route: AGENT_API.session(v2),
          method: 'GET',
          status: 404,
        }),
      ]);
      expect(await beaState()).toEqual(before);
      const workspace = await workspaceOf(alexToken);
      expect(workspace.panel.rows.map((row) => row.id)).not.toContain(v2);
      expect(JSON.stringify(workspace)).not.toContain('4242');
      expect((await call(beaToken, 'GET', AGENT_API.session(v2))).status).toBe(200);
    });

    it('cannot save a draft on it (404, logged) and nothing changes', async () => {
      const before = await beaState();
      const mark = desk.lines.length;
      expect((await call(alexToken, 'PUT', AGENT_API.draft(v2), { reply: 'hijacked' })).status).toBe(404);
      expect(await beaState()).toEqual(before);
      expect(refusals(desk.lines.slice(mark))).toEqual([
        expect.objectContaining({
          level: 30,
          msg: 'agent api refused: no such session',
          agentId: alex.aadObjectId,
          sessionId: v2,
          route: AGENT_API.draft(v2),
          method: 'PUT',
          status: 404,
        }),
      ]);
    });

    it.each<[string, () => Record<string, unknown>]>([
      ['focus', () => ({ verb: 'focus', sessionId: v2 })],
      ['reply', () => ({ verb: 'reply', sessionId: v2, text: 'Hi from Alex' })],
      ['end', () => ({ verb: 'end', sessionId: v2 })],
      ['close', () => ({ verb: 'close', sessionId: v2 })],
      ['closeConfirm', () => ({ verb: 'closeConfirm', sessionId: v2 })],
      ['kbSearch', () => ({ verb: 'kbSearch', sessionId: v2, query: 'refund' })],
      ['open', () => ({ verb: 'open', workItemId: v2 })],
      ['pick', () => ({ verb: 'pick', workItemId: v2 })],
      ['openCase', () => ({ verb: 'openCase', workItemId: v2 })],
      [
        'a carried draft',
        () => ({ verb: 'togglePanel', sessionId: 'home', cardSessionId: v2, text: 'hijack' }),
      ],
    ])('cannot act on it: %s is refused and nothing changes', async (_what, data) => {
      const before = await beaState();
      const customerCalls = connector.posted(visitor2.conversationId).length;
      const beaCalls = connector.calls.filter((c) => c.conversationId === bea.conversationId).length;
      const view = await act(alexToken, data());
      if (data()['verb'] !== 'togglePanel') expect(view.kind).toBe('notice');
      expect(await beaState()).toEqual(before);
      expect(connector.posted(visitor2.conversationId)).toHaveLength(customerCalls);
      expect(connector.calls.filter((c) => c.conversationId === bea.conversationId)).toHaveLength(beaCalls);
      const alexPanel = (await workspaceOf(alexToken)).panel;
      expect(alexPanel.rows.map((row) => row.id)).toEqual(['home', v1]);
      if (data()['verb'] === 'togglePanel') await act(alexToken, { verb: 'togglePanel', sessionId: 'home' });
    });
  });

  describe('case sessions (openCase)', () => {
    it('opens a case session through the API: no capacity used, the chat panel shows it', async () => {
      const before = await workspaceOf(alexToken);
      const view = await act(alexToken, { verb: 'openCase', workItemId: v1 });
      expect(view).toMatchObject({ kind: 'panel', focusedTitle: 'Case: Visitor 1' });
      const after = await workspaceOf(alexToken);
      expect(after.panel.rows.map((row) => [row.id, row.kind])).toEqual([
        ['home', 'home'],
        [v1, 'conversation'],
        [caseSessionId(v1), 'case'],
      ]);
      expect(after.panel.presence).toBe(before.panel.presence);
      expect(cardMentions(panelCard(), 'Case: Visitor 1')).toBe(true);
    });

    it('keeps the unsaved case form across focus switches', async () => {
      const id = caseSessionId(v1);
      const saved = await call(alexToken, 'PUT', AGENT_API.draft(id), {
        caseFields: { title: 'Order #1234 lost', priority: 'high' },
      });
      expect(saved.status).toBe(204);
      await act(alexToken, { verb: 'focus', sessionId: v1 });
      await act(alexToken, { verb: 'focus', sessionId: 'home' });
      await call(alexToken, 'PUT', AGENT_API.draft(id), { caseFields: { description: 'Parcel never came' } });
      await act(alexToken, { verb: 'focus', sessionId: id });
      const detail = await call<SessionDetail>(alexToken, 'GET', AGENT_API.session(id));
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        sessionId: id,
        kind: 'case',
        workItemId: v1,
        conversation: { readOnly: true },
        draft: {
          reply: '',
          caseFields: { title: 'Order #1234 lost', description: 'Parcel never came', priority: 'high' },
        },
      });
      expect((await workspaceOf(alexToken)).panel.focusedTitle).toBe('Case: Visitor 1');
    });

    it('closing it just closes the session; the conversation stays with the agent', async () => {
      const id = caseSessionId(v1);
      expect(await act(alexToken, { verb: 'close', sessionId: id })).toMatchObject({ kind: 'close-confirm' });
      expect(await act(alexToken, { verb: 'closeConfirm', sessionId: id })).toMatchObject({
        kind: 'notice',
        text: 'The session is closed.',
      });
      const item = (await stored(`workitem/${v1}`))[`workitem/${v1}`] as { item: { state: string } };
      expect(item.item.state).toBe('active');
      expect((await workspaceOf(alexToken)).panel.rows.map((row) => row.id)).toEqual(['home', v1]);
    });
  });
});
