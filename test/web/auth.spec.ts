import { SignJWT, createLocalJWKSet, type JWK } from 'jose';
import { loadConfig } from '../../src/config/config';
import { startTestDesk, type TestDesk } from '../support/harness';
import {
  EventStreamReader,
  LocalJwks,
  api,
  devSignIn,
  refusals,
  signingKey,
  ssoToken,
  type SigningKey,
} from './agent-api-support';
import { readStored } from '../support/desk-tables';

// Every row has its three cells: jest would pass `done` as a missing third argument.
const ROUTES: readonly [string, string, unknown][] = [
  ['GET', '/api/agent/workspace', undefined],
  ['GET', '/api/agent/sessions/some-session', undefined],
  ['POST', '/api/agent/actions', { verb: 'togglePanel', sessionId: 'home' }],
  ['PUT', '/api/agent/sessions/some-session/draft', { reply: 'hi' }],
  ['GET', '/api/agent/events', undefined],
];

describe('agent API sign-in in anonymous mode (dev sign-in)', () => {
  let desk: TestDesk;

  beforeAll(async () => {
    desk = await startTestDesk({ AGENT_IDS: 'aad-alex,aad-bea' });
  });

  afterAll(async () => {
    await desk.app.close();
  });

  it('issues a short-lived token for an id in AGENT_IDS, and the token opens the workspace', async () => {
    const signIn = await api<{ token: string; agentId: string; expiresAt: number }>(
      desk.app.baseUrl,
      'POST',
      '/api/agent/dev-sign-in',
      { body: { agentId: 'aad-alex' } },
    );
    expect(signIn.status).toBe(200);
    expect(signIn.body.agentId).toBe('aad-alex');
    expect(signIn.body.expiresAt).toBe(desk.clock.now() + 3600_000);
    const workspace = await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', {
      token: signIn.body.token,
    });
    expect(workspace.status).toBe(200);
    expect(workspace.body).toMatchObject({ agentId: 'aad-alex', panel: { kind: 'panel' } });
  });

  it('refuses an id not in AGENT_IDS with 403 and a body without agentId with 400', async () => {
    const refused = await api(desk.app.baseUrl, 'POST', '/api/agent/dev-sign-in', {
      body: { agentId: 'web-user-1' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ code: 'Forbidden', message: expect.any(String) });
    for (const body of [{}, { agentId: '' }, { agentId: 42 }, 'not json', { agentId: 'x'.repeat(201) }]) {
      expect((await api(desk.app.baseUrl, 'POST', '/api/agent/dev-sign-in', { body })).status).toBe(400);
    }
  });

  it.each(ROUTES)('answers %s %s without a token with 401 JSON', async (method, path, body) => {
    const answer = await api(desk.app.baseUrl, method, path, body === undefined ? {} : { body });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ code: 'Unauthorized', message: expect.any(String) });
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses garbled, forged and expired tokens with 401, logging why but never the token', async () => {
    const token = await devSignIn(desk.app.baseUrl, 'aad-alex');
    const [head, body, signature] = token.split('.') as [string, string, string];
    const otherProcess = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('relaydesk-dev-sign-in')
      .setAudience('relaydesk-agent-api')
      .setSubject('aad-alex')
      .setExpirationTime(Math.floor(desk.clock.now() / 1000) + 600)
      .sign(new Uint8Array(32).fill(7));
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const asBea = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: 'aad-bea' })).toString('base64url')}.${signature}`;
    const garbled = [
      { authorization: 'Bearer' },
      { authorization: 'Bearer not-a-token' },
      { authorization: `Basic ${token}` },
      { authorization: token },
      { authorization: `Bearer ${head}.${body}.${signature.slice(0, -4)}AAAA` },
      { authorization: `Bearer ${asBea}` },
      { authorization: `Bearer ${otherProcess}` },
      { authorization: `Bearer ${head}.${body}.` },
      { authorization: 'Bearer a.b' },
    ];
    const mark = desk.lines.length;
    for (const headers of garbled) {
      const answer = await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', { headers });
      expect([answer.status, headers.authorization.slice(0, 30)]).toEqual([
        401,
        headers.authorization.slice(0, 30),
      ]);
      expect(answer.body).toMatchObject({ code: 'Unauthorized' });
    }
    const logged = refusals(desk.lines.slice(mark));
    expect(logged).toHaveLength(garbled.length);
    for (const line of logged) expect(line['reason']).toEqual(expect.any(String));
    expect(logged.map((line) => line['reason'])).toEqual(
      expect.arrayContaining(['bad signature', 'not a JWT', 'not a Bearer authorization']),
    );
    const text = JSON.stringify(desk.lines);
    expect(text).not.toContain(signature);
    expect(text).not.toContain(otherProcess.split('.')[2]);

    desk.clock.advance(3601_000);
    const expired = await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', { token });
    expect(expired.status).toBe(401);
    expect(refusals(desk.lines).at(-1)).toMatchObject({ reason: 'expired' });
  });
});

describe('agent API sign-in in Teams mode (tab SSO tokens)', () => {
  const AUDIENCE = 'api://relaydesk.example.com/relaydesk-test-app';
  const ISSUER = 'https://login.microsoftonline.com/tenant-1/v2.0';
  let jwks: LocalJwks;
  let desk: TestDesk;
  let key: SigningKey;
  let intruder: SigningKey;

  const token = (claims: Record<string, unknown>, options: { issuer?: string; audience?: string } = {}) =>
    ssoToken(key, claims, {
      nowMs: desk.clock.now(),
      issuer: options.issuer ?? ISSUER,
      audience: options.audience ?? AUDIENCE,
    });

  beforeAll(async () => {
    key = await signingKey('entra-key-1');
    intruder = await signingKey('entra-key-1');
    jwks = await LocalJwks.start([key.jwk]);
    desk = await startTestDesk({
      MicrosoftAppId: 'relaydesk-test-app',
      MicrosoftAppPassword: 'not-a-real-secret',
      AGENT_IDS: 'aad-alex,aad-bea',
      TAB_SSO_AUDIENCE: AUDIENCE,
      TAB_SSO_ISSUER: ISSUER,
      TAB_SSO_JWKS_URI: jwks.url,
    });
  });

  afterAll(async () => {
    await desk.app.close();
    await jwks.close();
  });

  it('refuses the dev sign-in (404), even for an agent id', async () => {
    const answer = await api(desk.app.baseUrl, 'POST', '/api/agent/dev-sign-in', {
      body: { agentId: 'aad-alex' },
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'NotFound' });
  });

  it('accepts a token signed by the key set with the right issuer, audience and an agent oid', async () => {
    const answer = await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', {
      token: await token({ oid: 'aad-alex', name: 'Alex Agent', tid: 'tenant-1' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ agentId: 'aad-alex', panel: { agentName: 'Alex Agent' } });
    expect(jwks.requests).toBeGreaterThan(0);
  });

  it('takes the token from ?access_token= on the event stream only', async () => {
    const sso = await token({ oid: 'aad-alex' });
    const stream = await EventStreamReader.open(
      `${desk.app.baseUrl}/api/agent/events?access_token=${encodeURIComponent(sso)}`,
    );
    expect(stream.response.status).toBe(200);
    await stream.waitForEvents('workspace', 1);
    stream.close();
    const viaQuery = await api(desk.app.baseUrl, 'GET', `/api/agent/workspace?access_token=${sso}`);
    expect(viaQuery.status).toBe(401);
    expect(JSON.stringify(desk.lines)).not.toContain(sso.split('.')[2]);
  });

  it.each<[string, () => Promise<string>, number, string]>([
    [
      'a wrong audience',
      () => token({ oid: 'aad-alex' }, { audience: 'api://someone-else' }),
      401,
      'claim aud rejected',
    ],
    [
      'a wrong issuer',
      () => token({ oid: 'aad-alex' }, { issuer: 'https://sts.windows.net/other/' }),
      401,
      'claim iss rejected',
    ],
    [
      'an expired token',
      () =>
        ssoToken(
          key,
          { oid: 'aad-alex' },
          { nowMs: desk.clock.now() - 7200_000, issuer: ISSUER, audience: AUDIENCE },
        ),
      401,
      'expired',
    ],
    [
      'a forged token (same kid, another key)',
      () =>
        ssoToken(
          intruder,
          { oid: 'aad-alex' },
          { nowMs: desk.clock.now(), issuer: ISSUER, audience: AUDIENCE },
        ),
      401,
      'bad signature',
    ],
    [
      'a key the set does not hold',
      async () =>
        ssoToken(
          { ...intruder, kid: 'unknown-kid' },
          { oid: 'aad-alex' },
          {
            nowMs: desk.clock.now(),
            issuer: ISSUER,
            audience: AUDIENCE,
          },
        ),
      401,
      'no matching signing key',
    ],
    ['no oid claim', () => token({ sub: 'aad-alex' }), 401, 'no agent id claim'],
    ['an oid not in AGENT_IDS', () => token({ oid: 'aad-mallory' }), 403, 'not in AGENT_IDS'],
    [
      'an HS256 token',
      () =>
        new SignJWT({ oid: 'aad-alex' })
          .setProtectedHeader({ alg: 'HS256', kid: 'entra-key-1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime(Math.floor(desk.clock.now() / 1000) + 600)
          .sign(new Uint8Array(32)),
      401,
      'algorithm not allowed',
    ],
  ])('refuses %s', async (_what, make, status, reason) => {
    const mark = desk.lines.length;
    const answer = await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', { token: await make() });
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ code: status === 401 ? 'Unauthorized' : 'Forbidden' });
    expect(refusals(desk.lines.slice(mark)).map((line) => line['reason'])).toEqual([reason]);
  });

  it.each(ROUTES)('answers %s %s without a token with 401 JSON', async (method, path, body) => {
    const answer = await api(desk.app.baseUrl, method, path, body === undefined ? {} : { body });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'Unauthorized' });
  });

  it('creates no agent for a refused caller', async () => {
    await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', {
      token: await token({ oid: 'aad-mallory' }),
    });
    const stored = await readStored(desk.app, ['agent/aad-mallory', 'agent/aad-alex']);
    expect(Object.keys(stored)).toEqual(['agent/aad-alex']);
  });
});

describe('agent API in Teams mode: where the signing keys come from', () => {
  const AUDIENCE = 'api://relaydesk.example.com/relaydesk-test-app';
  const ISSUER = 'https://login.microsoftonline.com/tenant-1/v2.0';
  const teams = (jwksUri: string) => ({
    MicrosoftAppId: 'relaydesk-test-app',
    MicrosoftAppPassword: 'not-a-real-secret',
    AGENT_IDS: 'aad-alex',
    TAB_SSO_AUDIENCE: AUDIENCE,
    TAB_SSO_ISSUER: ISSUER,
    TAB_SSO_JWKS_URI: jwksUri,
  });

  it('uses an injected key resolver instead of fetching TAB_SSO_JWKS_URI', async () => {
    const key = await signingKey('local-key');
    const desk = await startTestDesk(teams('http://127.0.0.1:9/unreachable/keys'), {
      tabSsoKeys: createLocalJWKSet({ keys: [key.jwk as JWK] }),
    });
    try {
      const sso = await ssoToken(
        key,
        { oid: 'aad-alex' },
        { nowMs: desk.clock.now(), issuer: ISSUER, audience: AUDIENCE },
      );
      expect((await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', { token: sso })).status).toBe(200);
    } finally {
      await desk.app.close();
    }
  });

  it('answers 503 AuthUnavailable, not 401, when the key set cannot be fetched', async () => {
    const jwks = await LocalJwks.start([]);
    const url = jwks.url;
    await jwks.close();
    const key = await signingKey('entra-key-1');
    const desk = await startTestDesk(teams(url));
    try {
      const sso = await ssoToken(
        key,
        { oid: 'aad-alex' },
        { nowMs: desk.clock.now(), issuer: ISSUER, audience: AUDIENCE },
      );
      const answer = await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', { token: sso });
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'AuthUnavailable' });
      expect(refusals(desk.lines).at(-1)).toMatchObject({
        reason: expect.stringMatching(/^key lookup failed/),
      });
    } finally {
      await desk.app.close();
    }
  });
});

describe('agent API in Teams mode without TAB_SSO_*', () => {
  it('starts, warns, and answers every authenticated call 503 TabSsoNotConfigured', async () => {
    const desk = await startTestDesk({
      MicrosoftAppId: 'relaydesk-test-app',
      MicrosoftAppPassword: 'not-a-real-secret',
      AGENT_IDS: 'aad-alex',
    });
    try {
      expect(desk.lines.some((line) => /TAB_SSO_AUDIENCE/.test(line.msg) && line.level === 40)).toBe(true);
      const any = await new SignJWT({ oid: 'aad-alex' })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new Uint8Array(32));
      const answer = await api(desk.app.baseUrl, 'GET', '/api/agent/workspace', { token: any });
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'TabSsoNotConfigured' });
      expect((await api(desk.app.baseUrl, 'GET', '/api/agent/workspace')).status).toBe(401);
    } finally {
      await desk.app.close();
    }
  });

  it('config: the three TAB_SSO_* keys come together, each missing one named on its own line', () => {
    const result = loadConfig({ TAB_SSO_AUDIENCE: 'api://x/y' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      "TAB_SSO_ISSUER: is required when TAB_SSO_AUDIENCE is set (the tab's SSO needs all three)",
      "TAB_SSO_JWKS_URI: is required when TAB_SSO_AUDIENCE is set (the tab's SSO needs all three)",
    ]);
    const bad = loadConfig({ TAB_SSO_AUDIENCE: 'a', TAB_SSO_ISSUER: 'b', TAB_SSO_JWKS_URI: 'ftp://keys' });
    expect(!bad.ok && bad.errors).toEqual([
      'TAB_SSO_JWKS_URI: "ftp://keys" is not an http(s) URL of a JSON Web Key Set',
    ]);
    const good = loadConfig({
      TAB_SSO_AUDIENCE: 'api://x/y',
      TAB_SSO_ISSUER: 'https://login.microsoftonline.com/t/v2.0',
      TAB_SSO_JWKS_URI: 'https://login.microsoftonline.com/t/discovery/v2.0/keys',
    });
    expect(good.ok && good.config).toMatchObject({
      tabSsoAudience: 'api://x/y',
      tabSsoIssuer: 'https://login.microsoftonline.com/t/v2.0',
      tabSsoJwksUri: 'https://login.microsoftonline.com/t/discovery/v2.0/keys',
    });
  });
});
