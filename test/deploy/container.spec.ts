import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvFile } from '../../src/config/config';
import { packageStartFlags, startScriptFlags } from '../../scripts/start-flags';
import { copyOf, envOf, execForm, readDockerfile, type Stage } from '../../scripts/dockerfile';

/*
 * No Docker engine runs here: these checks read the Dockerfile and compose.yaml. `npm run test:container` runs the
 * Dockerfile's install and start steps in a clean copy of the repo (slow: two npm installs; see the README).
 */

const ROOT = join(__dirname, '..', '..');
const stages = readDockerfile();
const final = stages.at(-1) as Stage;
const args = (stage: Stage, keyword: string) =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword).map((i) => i.args);
const tracked = new Set(
  execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean),
);
const exists = (path: string) =>
  tracked.has(path) || [...tracked].some((file) => file.startsWith(`${path.replace(/\/$/, '')}/`));

describe("npm start's Node options", () => {
  it('are read from the node … dist/main.js part of the start script, and nothing a shell would expand passes', () => {
    expect(startScriptFlags('npm run build && node --a=1 --b dist/main.js')).toEqual(['--a=1', '--b']);
    expect(startScriptFlags('node dist/main.js')).toEqual([]);
    expect(() => startScriptFlags('npm run build')).toThrow(/no "node … dist\/main.js"/);
    expect(() => startScriptFlags('node --a=$(id) dist/main.js')).toThrow(/"--a=\$\(id\)" is not a --name/);
  });
});

describe('the Dockerfile', () => {
  it('builds in stages from node:20-slim: a build stage that compiles and runs npm run build, then the runtime', () => {
    expect(stages.map((stage) => [stage.name, stage.from])).toEqual([
      ['base', 'node:20-slim'],
      ['build', 'base'],
      ['runtime', 'base'],
    ]);
    const build = stages[1] as Stage;
    expect(args(build, 'RUN')).toEqual(
      expect.arrayContaining([expect.stringMatching(/python3 make g\+\+/), 'npm ci', 'npm run build']),
    );
  });

  it('installs only production dependencies in the final stage and leaves no compiler in it', () => {
    const install = args(final, 'RUN').find((run) => run.includes('npm ci'));
    expect(install).toMatch(/npm ci --omit=dev/);
    expect(install).toMatch(/apt-get purge --yes python3 make g\+\+/);
  });

  it('runs as a non-root user, with data/ as a volume, port 3978 and a HEALTHCHECK on /healthz through node', () => {
    expect(args(final, 'USER')).toEqual(['node']);
    expect(args(final, 'VOLUME')).toEqual(['["/app/data"]']);
    expect(args(final, 'EXPOSE')).toEqual(['3978']);
    const env = Object.assign(
      {},
      ...final.instructions.filter((i) => i.keyword === 'ENV').map(envOf),
    ) as Record<string, string>;
    expect(env).toMatchObject({ PORT: '3978', HOST: '0.0.0.0', NODE_ENV: 'production', LOG_FORMAT: 'json' });
    const [healthcheck] = args(final, 'HEALTHCHECK');
    const probe = execForm(healthcheck ?? '');
    expect(probe[0]).toBe('node');
    expect(probe.join(' ')).toContain('/healthz');
    expect(execForm(args(final, 'CMD')[0] ?? '')).toEqual([
      'node',
      ...packageStartFlags(ROOT),
      'dist/main.js',
    ]);
  });

  it('copies only paths that exist in the repo, and that .dockerignore keeps in the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'));
    for (const stage of stages) {
      for (const instruction of stage.instructions.filter((i) => i.keyword === 'COPY')) {
        const copy = copyOf(instruction);
        if (copy.fromStage !== undefined) {
          expect(stages.map((s) => s.name)).toContain(copy.fromStage);
          continue;
        }
        for (const source of copy.sources) {
          expect([source, exists(source)]).toEqual([source, true]);
          expect(ignored).not.toContain(source.replace(/^\.\//, '').replace(/\/$/, ''));
        }
      }
    }
  });

  it('copies what the server reads at run time: the card templates, the KB, the contacts and quick replies', () => {
    const copied = args(final, 'COPY').join('\n');
    for (const path of ['cards', 'kb', 'contacts', 'quick-replies.json', '/app/dist']) {
      expect(copied).toContain(path);
    }
    expect(existsSync(join(ROOT, 'contacts', 'contacts.json'))).toBe(true);
  });
});

describe('compose.yaml', () => {
  const compose = readFileSync(join(ROOT, 'compose.yaml'), 'utf8');
  const keys = new Set(Object.keys(readEnvFile(join(ROOT, '.env.example'))));

  it('runs the server on PostgreSQL 16 with a volume and a health check the server waits for', () => {
    expect(compose).toMatch(/image: postgres:16\n/);
    expect(compose).toMatch(/postgres-data:\/var\/lib\/postgresql\/data/);
    expect(compose).toMatch(/pg_isready/);
    expect(compose).toMatch(/condition: service_healthy/);
    expect(compose).toMatch(/stop_grace_period: 25s/);
  });

  it('sets only keys the server knows, STORE=postgres with a DATABASE_URL on the postgres service', () => {
    const server = compose.slice(compose.indexOf('  relaydesk:'), compose.indexOf('\nvolumes:'));
    const environment = server.slice(server.indexOf('    environment:'), server.indexOf('    ports:'));
    const set = [...environment.matchAll(/^ {6}([A-Z_]+):/gm)].map((match) => match[1] ?? '');
    expect(set.length).toBeGreaterThan(0);
    for (const key of set) expect([key, keys.has(key)]).toEqual([key, true]);
    expect(environment).toMatch(/STORE: postgres/);
    expect(environment).toMatch(
      /DATABASE_URL: postgres:\/\/relaydesk:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/relaydesk/,
    );
  });
});
