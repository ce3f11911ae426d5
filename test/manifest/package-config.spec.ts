import { DEV_TEAMS_APP_ID, deriveTeamsAppId, loadConfig, loadPackageConfig } from '../../src/config/config';
import { APP_ID, configFrom, SAMPLE_ENV } from './sample';

const V5_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('PUBLIC_BASE_URL', () => {
  it('defaults to the local server', () => {
    expect(configFrom({}).publicBaseUrl).toBe('http://localhost:3978');
  });

  it.each([
    ['https://desk.example.com', 'https://desk.example.com'],
    ['https://desk.example.com/', 'https://desk.example.com'],
    ['HTTPS://Desk.Example.com:443/', 'https://desk.example.com'],
    ['https://desk.example.com/relaydesk/', 'https://desk.example.com/relaydesk'],
    ['http://localhost:3978', 'http://localhost:3978'],
  ])('takes %s as %s', (value, expected) => {
    expect(configFrom({ PUBLIC_BASE_URL: value }).publicBaseUrl).toBe(expected);
  });

  it.each([
    'desk.example.com',
    'ftp://desk.example.com',
    'https://desk.example.com/?a=1',
    'https://x/#top',
    'https://u:p@x',
  ])('refuses %s in one line', (value) => {
    const result = loadConfig({ PUBLIC_BASE_URL: value });
    expect(!result.ok && result.errors).toEqual([
      `PUBLIC_BASE_URL: ${JSON.stringify(value)} is not an http(s) URL without query or fragment, e.g. https://relaydesk.example.com`,
    ]);
  });
});

describe('TEAMS_APP_ID', () => {
  it('is a fixed development GUID without MicrosoftAppId', () => {
    expect(configFrom({}).teamsAppId).toBe(DEV_TEAMS_APP_ID);
    expect(deriveTeamsAppId('')).toBe(DEV_TEAMS_APP_ID);
  });

  it('is derived from MicrosoftAppId: a version 5 GUID, the same for the same bot in any case, not the bot id', () => {
    const derived = configFrom(SAMPLE_ENV).teamsAppId;
    expect(derived).toMatch(V5_GUID);
    expect(derived).not.toBe(APP_ID);
    expect(derived).toBe(deriveTeamsAppId(APP_ID.toUpperCase()));
    expect(derived).toBe('73a12769-870c-564c-9529-2412402d15f9');
    expect(deriveTeamsAppId('00000000-0000-0000-0000-000000000001')).not.toBe(derived);
  });

  it('takes a GUID as given, and refuses anything else', () => {
    expect(configFrom({ ...SAMPLE_ENV, TEAMS_APP_ID: APP_ID }).teamsAppId).toBe(APP_ID);
    const result = loadConfig({ TEAMS_APP_ID: 'relaydesk' });
    expect(!result.ok && result.errors).toEqual([
      'TEAMS_APP_ID: "relaydesk" is not a GUID, e.g. 00000000-0000-0000-0000-000000000000',
    ]);
  });
});

describe('loadPackageConfig (what npm run package reads)', () => {
  it('takes the app id under either spelling, without the secret or AGENT_IDS', () => {
    for (const key of ['CLIENT_ID', 'MicrosoftAppId']) {
      const result = loadPackageConfig({ [key]: APP_ID, PUBLIC_BASE_URL: 'https://desk.example.com' });
      expect(result).toEqual({
        ok: true,
        config: {
          microsoftAppId: APP_ID,
          appIdKey: key,
          publicBaseUrl: 'https://desk.example.com',
          teamsAppId: deriveTeamsAppId(APP_ID),
          tabSsoAudience: '',
          tabSsoIssuer: '',
          tabSsoJwksUri: '',
        },
      });
    }
  });

  it('refuses the two spellings set to different values, and the TAB_SSO keys half set, one line each', () => {
    const result = loadPackageConfig({
      CLIENT_ID: APP_ID,
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      TAB_SSO_AUDIENCE: `api://desk.example.com/${APP_ID}`,
    });
    expect(!result.ok && result.errors).toEqual([
      'CLIENT_ID and MicrosoftAppId: both are set, to different values; set only one (CLIENT_ID is the name the Teams CLI writes, MicrosoftAppId its older alias)',
      "TAB_SSO_ISSUER: is required when TAB_SSO_AUDIENCE is set (the tab's SSO needs all three)",
      "TAB_SSO_JWKS_URI: is required when TAB_SSO_AUDIENCE is set (the tab's SSO needs all three)",
    ]);
  });

  it('reads the TAB_SSO values when they are set, and checks them', () => {
    const sso = {
      TAB_SSO_AUDIENCE: `api://desk.example.com/${APP_ID}`,
      TAB_SSO_ISSUER: 'https://login.microsoftonline.com/t/v2.0',
      TAB_SSO_JWKS_URI: 'https://login.microsoftonline.com/t/discovery/v2.0/keys',
    };
    const result = loadPackageConfig({ CLIENT_ID: APP_ID, ...sso });
    expect(result.ok && result.config).toMatchObject({
      tabSsoAudience: sso.TAB_SSO_AUDIENCE,
      tabSsoIssuer: sso.TAB_SSO_ISSUER,
      tabSsoJwksUri: sso.TAB_SSO_JWKS_URI,
    });
    const bad = loadPackageConfig({ CLIENT_ID: APP_ID, ...sso, TAB_SSO_JWKS_URI: 'ftp://keys' });
    expect(!bad.ok && bad.errors).toEqual([
      'TAB_SSO_JWKS_URI: "ftp://keys" is not an http(s) URL of a JSON Web Key Set',
    ]);
  });
});
