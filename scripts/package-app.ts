/**
 * `npm run package`: builds the Teams app package from manifest/ and the keys it needs (CLIENT_ID, PUBLIC_BASE_URL,
 * TEAMS_APP_ID, TAB_SSO_*), read from .env in the working directory and the environment (the environment winning)
 * as the server reads them, and writes build/relaydesk-teams-app.zip. The secret and AGENT_IDS are not needed.
 *
 *   tsx scripts/package-app.ts [--out-dir <dir>]
 *
 * Exits 1, saying why, on a bad config, an invalid manifest or a wrong icon; warns (and still writes) when
 * PUBLIC_BASE_URL is not https.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  loadPackageConfig,
  readEnvFile,
  resolveEnvironment,
  type PackageConfigResult,
} from '../src/config/config';
import { buildAppPackage, writeAppPackage } from './app-package';

const USAGE = 'usage: tsx scripts/package-app.ts [--out-dir <dir>]   (default: build/)';

function parseArgs(args: readonly string[]): { outDir: string } | { error: string } {
  let outDir = 'build';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--out-dir' && args[i + 1] !== undefined) outDir = args[++i] ?? outDir;
    else if (arg.startsWith('--out-dir=') && arg.length > '--out-dir='.length)
      outDir = arg.slice('--out-dir='.length);
    else return { error: `unknown argument ${JSON.stringify(arg)}\n${USAGE}` };
  }
  return { outDir: resolve(outDir) };
}

function readConfig(): PackageConfigResult {
  const envPath = resolve('.env');
  try {
    return loadPackageConfig(resolveEnvironment(process.env, readEnvFile(envPath)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [`.env: cannot read ${envPath} (${reason})`] };
  }
}

function main(): number {
  const fail = (lines: readonly string[]): number => {
    process.stderr.write(`${lines.join('\n')}\n`);
    return 1;
  };
  const args = parseArgs(process.argv.slice(2));
  if ('error' in args) return fail([`relaydesk package: ${args.error}`]);

  const config = readConfig();
  if (!config.ok) return fail(['relaydesk package: configuration error', ...config.errors]);

  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const result = buildAppPackage({ config: config.config, appVersion: version });
  for (const warning of result.warnings) process.stderr.write(`relaydesk package: warning: ${warning}\n`);
  if (!result.ok) return fail(['relaydesk package: the Teams app package was not built', ...result.errors]);

  const path = writeAppPackage(result.zip, args.outDir);
  process.stdout.write(`${path}\n`);
  return 0;
}

process.exitCode = main();
