/**
 * Relaydesk's server is measured as `npm start` runs it: from the build (`dist/`, tsc's JavaScript), made afresh
 * before each run so the report never names one commit and measures another's code.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const BUILD_DIR = join(ROOT, 'dist');
/** A cold build takes under a minute on 2 cores; an unchanged one a few seconds. */
const BUILD_TIMEOUT_MS = 300_000;

/** Runs `npm run build` (as `npm start` does before it starts the server); throws when it fails. */
export function buildServer(): void {
  process.stderr.write('[bench] building the server as npm start does (npm run build)\n');
  const built = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: BUILD_TIMEOUT_MS,
  });
  if (built.error) throw new Error(`npm run build could not run: ${built.error.message}`);
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status ?? built.signal})`);
}
