import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config/config';

const root = resolve(__dirname, '../..');
const playgroundYml = readFileSync(resolve(root, '.m365agentsplayground.yml'), 'utf8');
const packageJson = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** The lines of one top-level block (`key:` at column 0) up to the next top-level key. */
function topLevelBlock(yaml: string, key: string): string[] {
  const lines = yaml.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trimEnd() === `${key}:`);
  if (start < 0) throw new Error(`no top-level "${key}:" in .m365agentsplayground.yml`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    block.push(line);
  }
  return block;
}

/** Every `field: value` in the lines (list items included), quotes removed. Enough for this flat file. */
function valuesOf(lines: readonly string[], field: string): string[] {
  const pattern = new RegExp(`^\\s*(?:-\\s+)?${field}:\\s*(.*?)\\s*$`);
  return lines.flatMap((line) => {
    const match = pattern.exec(line);
    return match?.[1] ? [match[1].replace(/^(["'])(.*)\1$/, '$2')] : [];
  });
}

function onlyValue(lines: readonly string[], field: string): string {
  const values = valuesOf(lines, field);
  if (values.length !== 1) throw new Error(`expected one "${field}", found ${values.length}`);
  return values[0] as string;
}

/** The value following `-e` / `--app-endpoint` in the playground script. */
function appEndpointOf(script: string): string {
  const words = script.split(/\s+/);
  const at = words.findIndex((word) => word === '-e' || word === '--app-endpoint');
  const inline = words.find((word) => word.startsWith('--app-endpoint='));
  const value = at >= 0 ? words[at + 1] : inline?.slice('--app-endpoint='.length);
  if (!value) throw new Error(`the playground script names no app endpoint: ${script}`);
  return value;
}

describe('Agents Playground set-up', () => {
  const defaults = (() => {
    const result = loadConfig({});
    if (!result.ok) throw new Error(result.errors.join('\n'));
    return result.config;
  })();
  // One agent under both of the Playground user's ids.
  const defaultAgentIds = defaults.agents.flatMap((agent) => [agent.id, ...agent.aliases]);
  const currentUser = topLevelBlock(playgroundYml, 'currentUser');

  it("makes the Playground's simulated user an agent by default (anonymous mode, AGENT_IDS unset)", () => {
    expect(defaultAgentIds).toContain(onlyValue(currentUser, 'id'));
    expect(defaultAgentIds).toContain(onlyValue(currentUser, 'aadObjectId'));
    expect(onlyValue(currentUser, 'name')).toBe('Alex Agent');
    expect(defaults.agents).toHaveLength(1);
    expect(defaults.agents[0]?.name).toBe('Alex Agent');
  });

  it('lists the five other mock users the Playground requires, none of them an agent by default', () => {
    const users = topLevelBlock(playgroundYml, 'users');
    const ids = valuesOf(users, 'id');
    expect(ids).toHaveLength(5);
    for (const id of [...ids, ...valuesOf(users, 'aadObjectId')]) expect(defaultAgentIds).not.toContain(id);
  });

  it('points `npm run playground` at the bot that `npm start` serves on port 3978', () => {
    const script = packageJson.scripts['playground'] ?? '';
    expect(script).toMatch(/^agentsplayground\s/);
    const endpoint = new URL(appEndpointOf(script));
    expect(endpoint.protocol).toBe('http:');
    expect(endpoint.hostname).toBe('127.0.0.1');
    expect(endpoint.port).toBe('3978');
    expect(endpoint.port).toBe(String(defaults.port));
    expect(endpoint.pathname).toBe('/api/messages');
    expect(script).toMatch(/(?:-c|--channel-id)\s+msteams(?:\s|$)/);
  });
});
