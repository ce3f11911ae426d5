import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvFile } from '../../src/config/config';

/*
 * No Bicep compiler runs here (and none is on npm): these checks keep infra/ in step with the code; README says
 * what was not tried.
 */

const ROOT = join(__dirname, '..', '..');
const bicep = readFileSync(join(ROOT, 'infra', 'main.bicep'), 'utf8');
const declared = new Set([...bicep.matchAll(/^param (\w+) /gm)].map((match) => match[1]));

describe('infra/main.bicep', () => {
  it('sets only app settings the server reads (or App Service itself), the bot identity under the CLI names', () => {
    const known = new Set(Object.keys(readEnvFile(join(ROOT, '.env.example'))));
    const settings = [...bicep.matchAll(/\{ name: '([A-Za-z_]+)', value: /g)].map((match) => match[1] ?? '');
    expect(settings).toEqual(
      expect.arrayContaining(['CLIENT_ID', 'CLIENT_SECRET', 'TENANT_ID', 'DATABASE_URL']),
    );
    for (const name of settings.filter((setting) => setting !== 'SCM_DO_BUILD_DURING_DEPLOYMENT')) {
      expect([name, known.has(name)]).toEqual([name, true]);
    }
  });

  it('runs Node 20 on Linux with /healthz as the health check, on PostgreSQL 16 with STORE=postgres', () => {
    expect(bicep).toContain("linuxFxVersion: 'NODE|20-lts'");
    expect(bicep).toContain("healthCheckPath: '/healthz'");
    expect(bicep).toContain("version: '16'");
    expect(bicep).toContain("{ name: 'STORE', value: 'postgres' }");
    expect(bicep).toMatch(/@secure\(\)\nparam botClientSecret string/);
    expect(bicep).toMatch(/@secure\(\)\nparam postgresAdminPassword string/);
  });

  it('has a parameters file that names only declared parameters and holds no secret', () => {
    const file = JSON.parse(readFileSync(join(ROOT, 'infra', 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, unknown>;
    };
    const names = Object.keys(file.parameters);
    for (const name of names) expect([name, declared.has(name)]).toEqual([name, true]);
    expect(names).not.toContain('botClientSecret');
    expect(names).not.toContain('postgresAdminPassword');
  });
});
