import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TAB_OUT_DIR, buildTab } from '../../../scripts/build-tab';

const ROOT = join(__dirname, '..', '..', '..');
const OUTPUTS = ['index.html', 'app.js', 'styles.css'];
// What the bundle is built from: the tab's own sources and the shared contract, verbs and view types.
const SOURCES = [
  join(ROOT, 'src', 'web', 'tab'),
  join(ROOT, 'src', 'web', 'agent-api.ts'),
  join(ROOT, 'src', 'cards', 'verbs.ts'),
  join(ROOT, 'scripts', 'build-tab.ts'),
];

function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

function upToDate(): boolean {
  const outputs = OUTPUTS.map((name) => join(TAB_OUT_DIR, name));
  if (!outputs.every((path) => existsSync(path))) return false;
  const built = Math.min(...outputs.map((path) => statSync(path).mtimeMs));
  return SOURCES.every((source) => !existsSync(source) || newestChange(source) <= built);
}

/**
 * Builds dist/tab (scripts/build-tab.ts) when it is missing or older than its sources, so the browser tests
 * work on a clean clone without `npm run build`. The build writes each file atomically, so test files running
 * in parallel may both build without one serving the other a half-written file.
 */
export async function ensureTabBundle(): Promise<void> {
  if (!upToDate()) await buildTab();
}
