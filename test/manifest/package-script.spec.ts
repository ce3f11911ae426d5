import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { buildAppPackage, MANIFEST_DIR } from '../../scripts/app-package';
import { APP_ID, configFrom, SAMPLE_ENV } from './sample';

const scriptPath = join(__dirname, '..', '..', 'scripts', 'package-app.ts');
// An absolute loader URL, so the child can run from a temp dir without its own node_modules.
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const packageVersion = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run package`'s script in `cwd` with only the given environment (and PATH). */
function runPackage(cwd: string, env: Record<string, string>, args: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, ['--import', tsxLoader, scriptPath, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run package (scripts/package-app.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-package-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a zip with exactly manifest.json, color.png and outline.png, the manifest filled from the config', async () => {
    const run = await runPackage(dir, SAMPLE_ENV, ['--out-dir', join(dir, 'out')]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const zipPath = join(dir, 'out', 'relaydesk-teams-app.zip');
    expect(run.stdout).toBe(`${zipPath}\n`);

    const entries = unzipSync(readFileSync(zipPath));
    expect(Object.keys(entries).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const expected = buildAppPackage({ config: configFrom(SAMPLE_ENV), appVersion: packageVersion });
    if (!expected.ok) throw new Error(expected.errors.join('\n'));
    const zipped = JSON.parse(strFromU8(entries['manifest.json'] ?? new Uint8Array())) as Record<
      string,
      unknown
    >;
    expect(zipped).toEqual(expected.manifest);
    expect(zipped).toMatchObject({ version: packageVersion, bots: [{ botId: APP_ID }] });
    expect(Buffer.from(entries['color.png'] ?? [])).toEqual(readFileSync(join(MANIFEST_DIR, 'color.png')));
    expect(Buffer.from(entries['outline.png'] ?? [])).toEqual(
      readFileSync(join(MANIFEST_DIR, 'outline.png')),
    );
    // The same inputs give the same zip, byte for byte.
    expect(readFileSync(zipPath)).toEqual(Buffer.from(expected.zip));
  });

  it('reads .env in the working directory and writes build/ there by default', async () => {
    writeFileSync(
      join(dir, '.env'),
      Object.entries(SAMPLE_ENV)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'),
    );
    const run = await runPackage(dir, {});
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.trim()).toMatch(/build[/\\]relaydesk-teams-app\.zip$/);
    expect(existsSync(join(dir, 'build', 'relaydesk-teams-app.zip'))).toBe(true);
  });

  it('warns about an http PUBLIC_BASE_URL but still writes the zip', async () => {
    const run = await runPackage(dir, { ...SAMPLE_ENV, PUBLIC_BASE_URL: 'http://localhost:3978' }, [
      `--out-dir=${dir}`,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^relaydesk package: warning: PUBLIC_BASE_URL: http:\/\/localhost:3978 is not https;/,
    );
    expect(existsSync(join(dir, 'relaydesk-teams-app.zip'))).toBe(true);
  });

  it('exits 1 with one line per key on a bad config, writing nothing', async () => {
    const run = await runPackage(dir, { ...SAMPLE_ENV, PUBLIC_BASE_URL: 'ftp://desk', TEAMS_APP_ID: 'x' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'relaydesk package: configuration error',
        'PUBLIC_BASE_URL: "ftp://desk" is not an http(s) URL without query or fragment, e.g. https://relaydesk.example.com',
        'TEAMS_APP_ID: "x" is not a GUID, e.g. 00000000-0000-0000-0000-000000000000',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'build'))).toBe(false);
  });

  it('exits 1 and says why without an app id', async () => {
    const run = await runPackage(dir, { PUBLIC_BASE_URL: 'https://desk.example.com' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'relaydesk package: the Teams app package was not built',
        "CLIENT_ID: is required to build the Teams app package (the bot's Entra app (client) id, a GUID; MicrosoftAppId is its older name)",
        '',
      ].join('\n'),
    );
    expect(run.stdout).toBe('');
  });

  it("needs only CLIENT_ID and PUBLIC_BASE_URL: no secret, no AGENT_IDS, and the server's other keys are not read", async () => {
    const run = await runPackage(
      dir,
      {
        CLIENT_ID: APP_ID,
        PUBLIC_BASE_URL: 'https://desk.example.com',
        PORT: 'not-a-port',
        STORE: 'postgres',
      },
      ['--out-dir', dir],
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const entries = unzipSync(readFileSync(join(dir, 'relaydesk-teams-app.zip')));
    const manifest = JSON.parse(strFromU8(entries['manifest.json'] ?? new Uint8Array())) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      bots: [{ botId: APP_ID }],
      webApplicationInfo: { id: APP_ID, resource: `api://desk.example.com/${APP_ID}` },
    });
  });

  it('exits 1 on an unknown argument', async () => {
    const run = await runPackage(dir, SAMPLE_ENV, ['--bogus']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^relaydesk package: unknown argument "--bogus"\nusage: /);
  });
});
