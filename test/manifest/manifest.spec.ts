import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildAppPackage,
  bundledSchemaVersions,
  fillPlaceholders,
  MANIFEST_DIR,
  placeholderValues,
  validateManifest,
} from '../../scripts/app-package';
import { ACCENT_COLOR } from '../../scripts/make-icons';
import { APP_ID, APP_VERSION, configFrom, SAMPLE_ENV } from './sample';

const template = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8')) as Record<
  string,
  unknown
>;

interface Manifest {
  manifestVersion: string;
  id: string;
  version: string;
  accentColor: string;
  icons: { color: string; outline: string };
  bots: {
    botId: string;
    scopes: string[];
    commandLists: { scopes: string[]; commands: { title: string; description?: string }[] }[];
  }[];
  staticTabs: { entityId: string; name?: string; contentUrl?: string; scopes: string[] }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
}

function filledManifest(env: Record<string, string> = SAMPLE_ENV): Manifest {
  const config = configFrom(env);
  const { values, errors } = placeholderValues(config, APP_VERSION);
  expect(errors).toEqual([]);
  const filled = fillPlaceholders(template, values);
  expect(filled.errors).toEqual([]);
  return filled.value as Manifest;
}

describe('the Teams app manifest', () => {
  it('is on the newest manifest schema @microsoft/app-manifest bundles', () => {
    const newest = bundledSchemaVersions().at(-1);
    expect(template['manifestVersion']).toBe(newest);
    expect(template['$schema']).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`,
    );
  });

  it('validates against the official schema once filled from a sample config', () => {
    expect(validateManifest(filledManifest())).toEqual([]);
  });

  it('also validates with the defaults of a local setup (http on localhost)', () => {
    const manifest = filledManifest({ ...SAMPLE_ENV, PUBLIC_BASE_URL: '' });
    expect(manifest.staticTabs[0]?.contentUrl).toBe('http://localhost:3978/tab');
    expect(manifest.validDomains).toEqual(['localhost:3978']);
    expect(validateManifest(manifest)).toEqual([]);
  });

  it('leaves no placeholder unfilled', () => {
    expect(JSON.stringify(filledManifest())).not.toMatch(/\{\{[^}]*\}\}/);
  });

  it('uses MicrosoftAppId as the bot id and the SSO app id, and TEAMS_APP_ID as the app id', () => {
    const manifest = filledManifest({ ...SAMPLE_ENV, TEAMS_APP_ID: '11111111-2222-4333-8444-555555555555' });
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0]?.botId).toBe(APP_ID);
    expect(manifest.webApplicationInfo).toEqual({
      id: APP_ID,
      resource: `api://desk.example.com/${APP_ID}`,
    });
    expect(manifest.id).toBe('11111111-2222-4333-8444-555555555555');
    expect(manifest.version).toBe(APP_VERSION);
  });

  it('points the Workspace tab at PUBLIC_BASE_URL/tab and lists its host as a valid domain', () => {
    const manifest = filledManifest({
      ...SAMPLE_ENV,
      PUBLIC_BASE_URL: 'https://Desk.Example.com:8443/relaydesk/',
    });
    const workspace = manifest.staticTabs.find((tab) => tab.entityId === 'workspace');
    expect(workspace).toMatchObject({
      name: 'Workspace',
      contentUrl: 'https://desk.example.com:8443/relaydesk/tab',
      scopes: ['personal'],
    });
    expect(manifest.validDomains).toEqual(['desk.example.com:8443']);
    expect(manifest.webApplicationInfo.resource).toBe(`api://desk.example.com:8443/${APP_ID}`);
    // The bot's chat stays next to the tab.
    expect(manifest.staticTabs.map((tab) => tab.entityId)).toEqual(['workspace', 'conversations']);
  });

  it('offers the bot in personal scope with the agent commands listed', () => {
    const [bot] = filledManifest().bots;
    expect(bot?.scopes).toEqual(['personal']);
    expect(bot?.commandLists).toHaveLength(1);
    expect(bot?.commandLists[0]?.scopes).toEqual(['personal']);
    const commands = bot?.commandLists[0]?.commands ?? [];
    expect(commands.map((command) => command.title)).toEqual([
      'sessions',
      'presence',
      'end',
      'close',
      'help',
    ]);
    for (const command of commands) {
      // Teams shows at most 32 characters of a title and 128 of a description.
      expect(command).toEqual({ title: expect.any(String), description: expect.any(String) });
      expect(command.title.length).toBeLessThanOrEqual(32);
      expect(command.description?.length).toBeLessThanOrEqual(128);
    }
  });

  it('names the two icons and uses the colour icon background as its accent colour', () => {
    const manifest = filledManifest();
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(manifest.accentColor).toBe(ACCENT_COLOR);
  });

  it('reports each schema error with the path of the offending value', () => {
    const manifest = filledManifest() as unknown as Record<string, unknown>;
    const broken = {
      ...manifest,
      accentColor: 'blue',
      bots: [{ ...(manifest['bots'] as object[])[0], botId: 'not-a-guid', scopes: ['everywhere'] }],
      staticTabs: [{ name: 'no entity id', scopes: ['personal'] }],
      surprise: true,
    };
    delete (broken as Record<string, unknown>)['developer'];
    const errors = validateManifest(broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        "/: must have required property 'developer'",
        '/: must NOT have additional properties (surprise)',
        expect.stringMatching(/^\/accentColor: must match pattern/),
        expect.stringMatching(/^\/bots\/0\/botId: must match pattern/),
        expect.stringMatching(/^\/bots\/0\/scopes\/0: must be equal to one of the allowed values: \[/),
        "/staticTabs/0: must have required property 'entityId'",
      ]),
    );
  });

  it('refuses a manifestVersion it has no schema for', () => {
    expect(validateManifest({ ...filledManifest(), manifestVersion: '9.99' })).toEqual([
      expect.stringMatching(
        /^\/manifestVersion: "9\.99" has no schema in @microsoft\/app-manifest \(bundled: 1\.0, /,
      ),
    ]);
    expect(validateManifest({})).toEqual(['/manifestVersion: is missing or not a string']);
  });

  it('names a placeholder that has no value, with where it is', () => {
    const filled = fillPlaceholders(
      { a: ['x', 'https://{{NOPE}}/y'], b: '{{ PUBLIC_HOST }}' },
      { PUBLIC_HOST: 'h' },
    );
    expect(filled.value).toEqual({ a: ['x', 'https://{{NOPE}}/y'], b: 'h' });
    expect(filled.errors).toEqual(['/a/1: the placeholder {{NOPE}} has no value']);
  });

  it('builds the whole package in memory from the sample config', () => {
    const result = buildAppPackage({ config: configFrom(SAMPLE_ENV), appVersion: APP_VERSION });
    expect(result).toMatchObject({ ok: true, warnings: [] });
    if (!result.ok) return;
    expect(Object.keys(result.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(result.manifest).toEqual(filledManifest());
  });
});

describe('placeholderValues', () => {
  it('requires the app id, as a GUID, naming the key as it was spelled', () => {
    expect(placeholderValues(configFrom({}), APP_VERSION).errors).toEqual([
      "CLIENT_ID: is required to build the Teams app package (the bot's Entra app (client) id, a GUID; MicrosoftAppId is its older name)",
    ]);
    const named = { ...configFrom({ ...SAMPLE_ENV, MicrosoftAppId: 'my-bot' }), appIdKey: 'MicrosoftAppId' };
    expect(placeholderValues(named, APP_VERSION).errors).toEqual([
      `MicrosoftAppId: "my-bot" is not a GUID; the manifest needs the bot's Entra app (client) id`,
    ]);
  });

  it("warns when TAB_SSO_AUDIENCE is neither the manifest's SSO resource nor the app id", () => {
    const sso = {
      TAB_SSO_ISSUER: 'https://login.microsoftonline.com/t/v2.0',
      TAB_SSO_JWKS_URI: 'https://login.microsoftonline.com/t/discovery/v2.0/keys',
    };
    for (const audience of [`api://desk.example.com/${APP_ID}`, APP_ID]) {
      const config = configFrom({ ...SAMPLE_ENV, ...sso, TAB_SSO_AUDIENCE: audience });
      expect(placeholderValues(config, APP_VERSION).warnings).toEqual([]);
    }
    const other = configFrom({
      ...SAMPLE_ENV,
      ...sso,
      TAB_SSO_AUDIENCE: `api://elsewhere.example/${APP_ID}`,
    });
    expect(placeholderValues(other, APP_VERSION).warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^TAB_SSO_AUDIENCE: api://elsewhere.example/${APP_ID} is neither the manifest's SSO resource`,
        ),
      ),
    ]);
  });

  it('warns, without failing, when PUBLIC_BASE_URL is not https', () => {
    const local = placeholderValues(configFrom({ ...SAMPLE_ENV, PUBLIC_BASE_URL: '' }), APP_VERSION);
    expect(local.errors).toEqual([]);
    expect(local.warnings).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: http:\/\/localhost:3978 is not https;/),
    ]);
    expect(placeholderValues(configFrom(SAMPLE_ENV), APP_VERSION).warnings).toEqual([]);
  });

  it('fails the build with the config errors before reading the manifest', () => {
    const result = buildAppPackage({
      config: configFrom({}),
      appVersion: APP_VERSION,
      manifestDir: '/nonexistent',
    });
    expect(result).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^CLIENT_ID: is required/)],
      warnings: [expect.stringMatching(/^PUBLIC_BASE_URL: /)],
    });
  });
});
