import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvFile } from '../../src/config/config';
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
function channelToken(
  privateKey: KeyObject,
  claims: Record<string, unknown>,
  kid = 'test-key',
  aud = APP_ID,
): string {
  const now = Math.floor(Date.now() / 1000);
  const head = base64url({ alg: 'RS256', typ: 'JWT', kid });
  const body = base64url({
    iss: 'https://api.botframework.com',
    aud,
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

  it.each<[string, () => string, RegExp]>([
    [
      'signed with another key',
      () =>
        channelToken(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, {
          serviceurl: connector.serviceUrl,
        }),
      /invalid signature/,
    ],
    [
      'issued for another bot',
      () => channelToken(keys.privateKey, { serviceurl: connector.serviceUrl, aud: 'another-bot' }),
      /Invalid AppId passed on token: another-bot/,
    ],
    [
      'expired',
      () =>
        channelToken(keys.privateKey, {
          serviceurl: connector.serviceUrl,
          exp: Math.floor(Date.now() / 1000) - 3600,
        }),
      /expired/,
    ],
    [
      'not yet valid',
      () =>
        channelToken(keys.privateKey, {
          serviceurl: connector.serviceUrl,
          nbf: Math.floor(Date.now() / 1000) + 3600,
        }),
      /not active/,
    ],
    [
      'from an issuer it does not trust',
      () => channelToken(keys.privateKey, { serviceurl: connector.serviceUrl, iss: 'https://evil.example' }),
      /Unauthorized/,
    ],
    [
      'signed with a key id the metadata does not list',
      () => channelToken(keys.privateKey, { serviceurl: connector.serviceUrl }, 'unknown-key'),
      /Signing Key could not be retrieved/,
    ],
    [
      'for another service URL',
      () => channelToken(keys.privateKey, { serviceurl: 'https://elsewhere.example/' }),
      /ServiceUrl claim do not match/,
    ],
  ])('logs a token %s as refused (401), with the ids and without the token', async (_what, token, reason) => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const bearer = token();
    const activity = customerMessage(connector.serviceUrl, customer, 'let me in');
    const mark = desk.lines.length;
    try {
      const result = await postActivity(desk.app.url, activity, { authorization: `Bearer ${bearer}` });
      expect(result.status).toBe(401);
    } finally {
      quiet.mockRestore();
    }
    // The adapter's lines only (why: the test below whose signing keys cannot be loaded).
    const refused = desk.lines
      .slice(mark)
      .filter((line) => line.component === 'adapter' && /refused/.test(line.msg));
    expect(refused).toEqual([
      expect.objectContaining({
        level: 30,
        component: 'adapter',
        msg: 'token refused',
        reason: expect.stringMatching(reason),
        activityId: activity.id,
        conversationId: customer.conversationId,
        channelId: customer.channelId,
      }),
    ]);
    const logged = JSON.stringify(desk.lines.slice(mark));
    for (const part of bearer.split('.')) expect(logged).not.toContain(part);
    expect(connector.calls).toEqual([]);
  });
});

describe('POST /api/messages with MicrosoftAppId set, when the signing keys cannot be loaded', () => {
  let connector: FakeConnector;
  let desk: TestDesk;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    desk = await startTestDesk(
      { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', AGENT_IDS: 'aad-alex' },
      // Not an OpenID metadata document: the fake connector answers 404.
      { openIdMetadataUrl: `${connector.serviceUrl}no-metadata-here`, outbox: ASYNC_OUTBOX },
    );
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
  });

  it('is refused with 401 (as botbuilder answers) and logged as a warning that the token could not be checked', async () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const activity = customerMessage(connector.serviceUrl, customer, 'hello');
    const mark = desk.lines.length;
    try {
      const result = await postActivity(desk.app.url, activity, {
        authorization: `Bearer ${channelToken(privateKey, { serviceurl: connector.serviceUrl })}`,
      });
      expect(result.status).toBe(401);
    } finally {
      quiet.mockRestore();
    }
    // The adapter's lines only: a key fetch left over from an earlier test file in this process (the tab's local
    // JWKS server) can reach this desk's port, which the OS reused, and is logged as a refused request.
    const adapterLines = desk.lines.slice(mark).filter((line) => line.component === 'adapter');
    expect(adapterLines.filter((line) => /refused/.test(line.msg))).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'token refused: it could not be checked',
        reason: 'Failed to load openID config: 404',
        statusCode: 500,
        activityId: activity.id,
      }),
    ]);
    expect(connector.calls).toEqual([]);
  });
});

describe('POST /api/messages with the env file the Teams CLI writes (CLIENT_ID, CLIENT_SECRET, TENANT_ID)', () => {
  const clientId = '3f1b2c4d-5e6f-4a1b-8c2d-9e0f1a2b3c4d';
  let connector: FakeConnector;
  let desk: TestDesk;
  let dir: string;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    connector = await FakeConnector.start();
    connector.setSigningKeys([{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig' }]);
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-cli-env-'));
    const envPath = join(dir, '.env');
    // What `teams app create --env .env` writes, then the one line docs/deploy.md has the reader add.
    writeFileSync(
      envPath,
      [
        `CLIENT_ID=${clientId}`,
        'CLIENT_SECRET=Abc8Q~not-a-real-secret',
        'TENANT_ID=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        '',
        'AGENT_IDS=aad-alex',
        '',
      ].join('\n'),
    );
    desk = await startTestDesk(readEnvFile(envPath), {
      openIdMetadataUrl: connector.openIdMetadataUrl,
      outbox: ASYNC_OUTBOX,
    });
  });

  afterAll(async () => {
    await desk.app.close();
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs in authenticated mode: a request without an Authorization header is refused with 401, before any key lookup', async () => {
    const result = await postActivity(desk.app.url, customerMessage(connector.serviceUrl, customer, 'hello'));
    expect(result.status).toBe(401);
    expect(connector.openIdRequests).toBe(0);
    expect(connector.calls).toEqual([]);
  });

  it('refuses a garbled token and a token for another bot, and accepts a channel token issued for CLIENT_ID', async () => {
    const garbled = await postActivity(
      desk.app.url,
      customerMessage(connector.serviceUrl, customer, 'hello'),
      { authorization: 'Bearer aaa.bbb.ccc' },
    );
    expect(garbled.status).toBe(401);
    const typing = {
      ...customerMessage(connector.serviceUrl, customer, ''),
      type: 'typing',
      text: undefined,
    };
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const wrongBot = channelToken(
        keys.privateKey,
        { serviceurl: connector.serviceUrl },
        'test-key',
        APP_ID,
      );
      const refused = await postActivity(desk.app.url, typing, { authorization: `Bearer ${wrongBot}` });
      expect(refused.status).toBe(401);
    } finally {
      quiet.mockRestore();
    }
    const token = channelToken(keys.privateKey, { serviceurl: connector.serviceUrl }, 'test-key', clientId);
    const accepted = await postActivity(desk.app.url, typing, { authorization: `Bearer ${token}` });
    expect(accepted.status).toBe(200);
  });
});
