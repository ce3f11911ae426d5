import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { customerMessage, postActivity, type TestCustomer } from '../support/activities';
import { FakeConnector } from '../support/fake-connector';
import { ASYNC_OUTBOX, startTestDesk, type TestDesk } from '../support/harness';

const APP_ID = 'relaydesk-test-app';
const customer: TestCustomer = {
  userId: 'web-user-9',
  conversationId: 'emulator-conv-9',
  channelId: 'webchat',
};

function base64url(value: object | Buffer): string {
  return (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
}

/** A Bot Framework channel token (RS256), as the Bot Connector would send one. */
function channelToken(privateKey: KeyObject, claims: Record<string, unknown>, kid = 'test-key'): string {
  const now = Math.floor(Date.now() / 1000);
  const head = base64url({ alg: 'RS256', typ: 'JWT', kid });
  const body = base64url({
    iss: 'https://api.botframework.com',
    aud: APP_ID,
    nbf: now - 60,
    exp: now + 3600,
    ...claims,
  });
  const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey);
  return `${head}.${body}.${base64url(signature)}`;
}

describe('POST /api/messages with MicrosoftAppId set', () => {
  let connector: FakeConnector;
  let desk: TestDesk;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    connector = await FakeConnector.start();
    connector.setSigningKeys([{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig' }]);
    desk = await startTestDesk(
      { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', AGENT_IDS: 'aad-alex' },
      // Key lookup goes to the fake connector instead of login.botframework.com, which is unreachable here.
      { openIdMetadataUrl: connector.openIdMetadataUrl, outbox: ASYNC_OUTBOX },
    );
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  const typing = () => ({
    ...customerMessage(connector.serviceUrl, customer, ''),
    type: 'typing',
    text: undefined,
  });

  it('refuses a request without an Authorization header with 401, before any key lookup', async () => {
    const result = await postActivity(desk.app.url, customerMessage(connector.serviceUrl, customer, 'hello'));
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ code: 'Unauthorized' });
    expect(connector.openIdRequests).toBe(0);
    expect(connector.calls).toEqual([]);
  });

  it.each([
    ['a word', 'Bearer garbage'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['three segments that are not JSON', 'Bearer aaa.bbb.ccc'],
    ['a token and more', `Bearer ${'e30'}.${'e30'}.sig extra`],
    ['an empty bearer', 'Bearer '],
  ])('refuses a garbled Authorization header (%s) with 401, before any key lookup', async (_what, header) => {
    const result = await postActivity(
      desk.app.url,
      customerMessage(connector.serviceUrl, customer, 'hello'),
      {
        authorization: header,
      },
    );
    expect(result.status).toBe(401);
    expect(connector.openIdRequests).toBe(0);
    expect(connector.calls).toEqual([]);
  });

  it('accepts a channel token signed with a key the (injected) OpenID metadata lists', async () => {
    const token = channelToken(keys.privateKey, { serviceurl: connector.serviceUrl });
    const result = await postActivity(desk.app.url, typing(), { authorization: `Bearer ${token}` });
    expect(result.status).toBe(200);
    expect(connector.openIdRequests).toBeGreaterThan(0);
  });

  it('refuses a token signed with another key, and one issued for another bot', async () => {
    // botbuilder reports these refusals on the console itself.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const forged = channelToken(stranger, { serviceurl: connector.serviceUrl });
      const wrongBot = channelToken(keys.privateKey, {
        serviceurl: connector.serviceUrl,
        aud: 'another-bot',
      });
      for (const token of [forged, wrongBot]) {
        const result = await postActivity(desk.app.url, typing(), { authorization: `Bearer ${token}` });
        expect(result.status).toBe(401);
      }
    } finally {
      quiet.mockRestore();
    }
    expect(connector.calls).toEqual([]);
  });
});
