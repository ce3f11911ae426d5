import type { OfferView } from '../../src/app/views';
import {
  AGENT_API,
  type SessionDetail,
  type TranscriptPage,
  type WorkspaceState,
} from '../../src/web/agent-api';
import { agentMessage, customerMessage, postActivity, type TestCustomer } from '../support/activities';
import { FakeConnector } from '../support/fake-connector';
import { alex, bea } from '../support/fixtures';
import { startTestDesk, type TestDesk } from '../support/harness';
import { api, devSignIn } from './agent-api-support';

const kim: TestCustomer = { userId: 'web-kim', conversationId: 'emulator-conv-kim' };
/** Messages in Kim's conversation: more than two pages of 50. */
const HISTORY = 120;

describe('a long conversation in the tab comes a page at a time', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  let alexToken: string;
  let beaToken: string;
  let kimItem: string;

  const call = <T>(token: string, path: string) => api<T>(desk.app.baseUrl, 'GET', path, { token });

  beforeAll(async () => {
    connector = await FakeConnector.start();
    desk = await startTestDesk({
      AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
      RATE_LIMIT_PER_MINUTE: '0',
    });
    alexToken = await devSignIn(desk.app.baseUrl, alex.aadObjectId);
    beaToken = await devSignIn(desk.app.baseUrl, bea.aadObjectId);
    await postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, 'hi'));
    await postActivity(desk.app.url, customerMessage(connector.serviceUrl, kim, 'Message 1'));
    const workspace = await call<WorkspaceState>(alexToken, AGENT_API.workspace);
    const offer = workspace.body.offers[0] as OfferView;
    kimItem = offer.workItemId;
    await api(desk.app.baseUrl, 'POST', AGENT_API.actions, {
      token: alexToken,
      body: { verb: 'accept', workItemId: kimItem, offerId: offer.offerId },
    });
    for (let index = 2; index <= HISTORY; index += 1) {
      const answer = await postActivity(
        desk.app.url,
        customerMessage(connector.serviceUrl, kim, `Message ${index}`),
      );
      expect(answer.status).toBe(200);
    }
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  it('opens with the latest 50 lines, numbered in the conversation, and says there are earlier ones', async () => {
    const detail = await call<SessionDetail>(alexToken, AGENT_API.session(kimItem));
    expect(detail.status).toBe(200);
    expect(detail.body.transcript).toHaveLength(50);
    expect(detail.body.transcript.map((line) => line.seq)).toEqual(
      Array.from({ length: 50 }, (_, index) => HISTORY - 49 + index),
    );
    expect(detail.body.transcript.at(-1)).toMatchObject({ from: 'customer', text: `Message ${HISTORY}` });
    expect(detail.body.earlierMessages).toBe(true);
  });

  it('gives the page before a line, and says when it reaches the first', async () => {
    const second = await call<TranscriptPage>(alexToken, AGENT_API.earlier(kimItem, HISTORY - 49));
    expect(second.status).toBe(200);
    expect(second.body.transcript.map((line) => line.text)).toEqual(
      Array.from({ length: 50 }, (_, index) => `Message ${HISTORY - 99 + index}`),
    );
    expect(second.body.earlierMessages).toBe(true);
    const first = await call<TranscriptPage>(alexToken, AGENT_API.earlier(kimItem, HISTORY - 99));
    expect(first.body.transcript.map((line) => line.seq)).toEqual(
      Array.from({ length: HISTORY - 100 }, (_, index) => index + 1),
    );
    expect(first.body.earlierMessages).toBe(false);
  });

  it.each([['0'], ['-3'], ['1.5'], ['abc'], [''], ['99999999999999']])(
    'refuses before=%p with 400',
    async (before) => {
      const path = `${AGENT_API.session(kimItem)}/messages?before=${encodeURIComponent(before)}`;
      const answer = await call<{ code: string }>(alexToken, path);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('BadRequest');
    },
  );

  it('answers 404 to another agent, and 401 without a token', async () => {
    expect((await call(beaToken, AGENT_API.earlier(kimItem, 60))).status).toBe(404);
    const anonymous = await api(desk.app.baseUrl, 'GET', AGENT_API.earlier(kimItem, 60));
    expect(anonymous.status).toBe(401);
  });
});
