import type { WorkspaceState } from '../../src/web/agent-api';
import { AGENT_API } from '../../src/web/agent-api';
import {
  QUICK_REPLIES_API,
  type OwnQuickReplies,
  type QuickReplyAnswer,
  type QuickReplySearch,
} from '../../src/web/quick-replies-api';
import { agentMessage, customerMessage, postActivity, type TestCustomer } from '../support/activities';
import { FakeConnector } from '../support/fake-connector';
import { alex, bea } from '../support/fixtures';
import { startTestDesk, type TestDesk } from '../support/harness';
import { api, devSignIn, refusals } from './agent-api-support';

const kenny: TestCustomer = { userId: 'kenny', conversationId: 'conv-qr-api-kenny' };

describe('the agent API’s quick replies', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  let alexToken: string;
  let beaToken: string;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    // The repository's own quick-replies.json is the team's set (the default QUICK_REPLIES_FILE).
    desk = await startTestDesk({
      AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
      RATE_LIMIT_PER_MINUTE: '0',
      MAX_BODY_KB: '8',
    });
    alexToken = await devSignIn(desk.app.baseUrl, alex.aadObjectId);
    beaToken = await devSignIn(desk.app.baseUrl, bea.aadObjectId);
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  const call = <T = unknown>(token: string, method: string, path: string, body?: unknown) =>
    api<T>(desk.app.baseUrl, method, path, { token, ...(body !== undefined ? { body } : {}) });
  const add = (token: string, body: unknown) =>
    call<QuickReplyAnswer & { code: string; message: string }>(
      token,
      'POST',
      QUICK_REPLIES_API.collection,
      body,
    );
  const mine = async (token: string) =>
    (await call<OwnQuickReplies>(token, 'GET', QUICK_REPLIES_API.mine)).body;
  const search = (token: string, path: string) =>
    call<QuickReplySearch & { message: string }>(token, 'GET', path);

  describe('an agent’s own quick replies', () => {
    let refundId: string;

    it('lists none at first, with the limits and the placeholders the desk fills', async () => {
      expect(await mine(alexToken)).toEqual({
        quickReplies: [],
        limits: { perAgent: 100, titleChars: 80, textChars: 2000, tags: 8 },
        placeholders: ['{customerName}', '{agentName}', '{caseTitle}'],
      });
    });

    it('adds one, its tags kept lower case without #, at version 1', async () => {
      const added = await add(alexToken, {
        title: '  My refund words ',
        text: 'Hi {customerName},\r\nyour refund is on its way.',
        tags: ['#Refund', 'billing', 'refund'],
      });
      expect(added.status).toBe(201);
      expect(added.body.quickReply).toMatchObject({
        title: 'My refund words',
        text: 'Hi {customerName},\nyour refund is on its way.',
        tags: ['refund', 'billing'],
        version: 1,
      });
      refundId = added.body.quickReply.id;
      expect((await mine(alexToken)).quickReplies.map((reply) => reply.id)).toEqual([refundId]);
      expect((await mine(beaToken)).quickReplies).toEqual([]);
    });

    it('changes one at the version edited, and refuses an edit of an older version with 409', async () => {
      const path = QUICK_REPLIES_API.one(refundId);
      const edited = await call<QuickReplyAnswer>(alexToken, 'PUT', path, {
        title: 'Refund on its way',
        text: 'Your refund is on its way.',
        version: 1,
      });
      expect(edited.status).toBe(200);
      expect(edited.body.quickReply).toMatchObject({ title: 'Refund on its way', tags: [], version: 2 });

      const stale = await call<{ code: string }>(alexToken, 'PUT', path, {
        title: 'Stale',
        text: 'Stale',
        version: 1,
      });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('Conflict');
    });

    it('never lets another agent see, change or delete it (404), nor touch the team’s set', async () => {
      const path = QUICK_REPLIES_API.one(refundId);
      const body = { title: 'Taken', text: 'Taken', version: 2 };
      expect((await call(beaToken, 'PUT', path, body)).status).toBe(404);
      expect((await call(beaToken, 'DELETE', path)).status).toBe(404);
      const beaSearch = await search(beaToken, QUICK_REPLIES_API.search('refund'));
      expect(beaSearch.body.quickReplies.map((hit) => hit.id)).not.toContain(refundId);
      expect((await call(alexToken, 'PUT', QUICK_REPLIES_API.one('greeting'), body)).status).toBe(404);
      expect((await call(alexToken, 'DELETE', QUICK_REPLIES_API.one('greeting'))).status).toBe(404);
      expect((await mine(alexToken)).quickReplies[0]).toMatchObject({
        title: 'Refund on its way',
        version: 2,
      });
      expect(refusals(desk.lines).map((line) => line.msg)).toContain(
        'agent api refused: no such quick reply',
      );
    });

    it('deletes one once', async () => {
      expect((await call(alexToken, 'DELETE', QUICK_REPLIES_API.one(refundId))).status).toBe(204);
      expect((await call(alexToken, 'DELETE', QUICK_REPLIES_API.one(refundId))).status).toBe(404);
      expect((await mine(alexToken)).quickReplies).toEqual([]);
    });
  });

  describe('bad input', () => {
    it.each([
      ['no title', { text: 'x' }, '"title" must be a string of 1 to 80 characters'],
      ['a blank title', { title: '   ', text: 'x' }, '"title" must be a string of 1 to 80 characters'],
      ['a title too long', { title: 't'.repeat(81), text: 'x' }, '"title" is longer than 80 characters'],
      ['a title of two lines', { title: 'a\nb', text: 'x' }, '"title" must be one line of text'],
      ['a text too long', { title: 't', text: 'x'.repeat(2001) }, '"text" is longer than 2000 characters'],
      ['a control character', { title: 't', text: 'a\u0000b' }, '"text" holds a control character'],
      [
        'tags that are not a list',
        { title: 't', text: 'x', tags: 'billing' },
        '"tags" must be a list of words',
      ],
      [
        'a tag with a space',
        { title: 't', text: 'x', tags: ['two words'] },
        '"tags": the tag "two words" may hold only letters, digits, - and _',
      ],
      [
        'too many tags',
        { title: 't', text: 'x', tags: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] },
        '"tags" has more than 8 tags',
      ],
      [
        'an unknown field',
        { title: 't', text: 'x', agentId: 'aad-bea' },
        'unknown field "agentId" (a quick reply has title, text and tags)',
      ],
      ['an array', [], 'A quick reply is an object: { "title": …, "text": …, "tags"?: […] }'],
    ])('refuses %s with 400 naming the problem', async (_name, body, message) => {
      const answer = await add(alexToken, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code: 'BadRequest', message });
    });

    it('refuses a body that is not JSON, and one over MAX_BODY_KB before reading it', async () => {
      expect((await add(alexToken, '{"title": ')).status).toBe(400);
      const huge = await add(alexToken, { title: 't', text: 'x'.repeat(9 * 1024) });
      expect(huge.status).toBe(413);
      expect((await mine(alexToken)).quickReplies).toEqual([]);
    });

    it('refuses an edit without the version edited, or with unknown fields', async () => {
      const { body } = await add(alexToken, { title: 'Kept', text: 'Kept' });
      const path = QUICK_REPLIES_API.one(body.quickReply.id);
      const noVersion = await call<{ message: string }>(alexToken, 'PUT', path, { title: 'x', text: 'x' });
      expect(noVersion.status).toBe(400);
      expect(noVersion.body.message).toMatch(/"version" must be the version you edited/);
      const extra = await call(alexToken, 'PUT', path, { title: 'x', text: 'x', version: 1, agentId: 'x' });
      expect(extra.status).toBe(400);
      expect((await mine(alexToken)).quickReplies[0]).toMatchObject({ title: 'Kept', version: 1 });
      await call(alexToken, 'DELETE', path);
    });

    it('refuses a search that is too long, asks for too many, or takes unknown parameters', async () => {
      expect((await search(alexToken, QUICK_REPLIES_API.search('x'.repeat(201)))).status).toBe(400);
      expect((await search(alexToken, `${QUICK_REPLIES_API.collection}?limit=0`)).status).toBe(400);
      expect((await search(alexToken, `${QUICK_REPLIES_API.collection}?limit=51`)).status).toBe(400);
      const unknown = await search(alexToken, `${QUICK_REPLIES_API.collection}?agent=aad-bea`);
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toBe('Unknown parameter "agent".');
    });

    it('answers 401 without a token and with a forged one', async () => {
      expect((await api(desk.app.baseUrl, 'GET', QUICK_REPLIES_API.mine)).status).toBe(401);
      const forged = `${alexToken.slice(0, -4)}AAAA`;
      expect((await add(forged, { title: 't', text: 'x' })).status).toBe(401);
      expect((await mine(alexToken)).quickReplies).toEqual([]);
    });

    it('refuses the 101st quick reply of an agent with 409, and counts each agent apart', async () => {
      for (let n = 1; n <= 100; n += 1) {
        expect((await add(alexToken, { title: `Reply ${n}`, text: `Text ${n}` })).status).toBe(201);
      }
      const full = await add(alexToken, { title: 'One more', text: 'One more' });
      expect(full.status).toBe(409);
      expect(full.body).toEqual({
        code: 'QuickReplyLimit',
        message: 'You have 100 quick replies, the most an agent keeps: delete one first.',
      });
      expect((await add(beaToken, { title: 'Bea’s', text: 'Bea’s' })).status).toBe(201);
      expect((await mine(alexToken)).quickReplies).toHaveLength(100);
    });
  });

  describe('searching', () => {
    let sessionId: string;

    beforeAll(async () => {
      // Alex can be offered work once the bot has their chat; Bea is away, so the offer is Alex's.
      await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'hi'));
      await postActivity(desk.app.url, agentMessage(connector.serviceUrl, bea, 'presence away'));
      await postActivity(desk.app.url, customerMessage(connector.serviceUrl, kenny, 'Refund please'));
      const state = await call<WorkspaceState>(alexToken, 'GET', AGENT_API.workspace);
      const offer = state.body.offers[0];
      if (!offer) throw new Error('no offer for Alex');
      await call(alexToken, 'POST', AGENT_API.actions, {
        verb: 'accept',
        workItemId: offer.workItemId,
        offerId: offer.offerId,
      });
      sessionId = offer.workItemId;
    });

    it('finds the team’s and the agent’s own, filled for one of their sessions', async () => {
      const found = await search(alexToken, QUICK_REPLIES_API.search('#greeting', sessionId));
      expect(found.status).toBe(200);
      expect(found.body.quickReplies[0]).toMatchObject({
        id: 'greeting',
        scope: 'shared',
        text: "Hi Kenny Smith, I'm Alex Agent. Thanks for reaching out — how can I help you today?",
        unfilled: [],
      });
      const own = await search(alexToken, QUICK_REPLIES_API.search('Reply 42'));
      expect(own.body.quickReplies[0]).toMatchObject({ title: 'Reply 42', scope: 'own' });
    });

    it('leaves what it cannot fill as written and names it', async () => {
      const found = await search(alexToken, QUICK_REPLIES_API.search('#greeting'));
      expect(found.body.quickReplies[0]).toMatchObject({
        id: 'greeting',
        text: "Hi {customerName}, I'm Alex Agent. Thanks for reaching out — how can I help you today?",
        unfilled: ['{customerName}'],
      });
    });

    it('answers 404 for a session that is not the agent’s', async () => {
      expect((await search(beaToken, QUICK_REPLIES_API.search('', sessionId))).status).toBe(404);
      expect((await search(alexToken, QUICK_REPLIES_API.search('', 'no-such-session'))).status).toBe(404);
    });
  });
});
