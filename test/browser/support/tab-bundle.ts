import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_OUT_DIR, TAB_OUT_DIR, buildChat, buildTab } from '../../../scripts/build-tab';

const ROOT = join(__dirname, '..', '..', '..');
const OUTPUTS = ['index.html', 'app.js', 'styles.css'];

interface Bundle {
  readonly outDir: string;
  /** What the bundle is built from. */
  readonly sources: readonly string[];
  readonly build: () => Promise<unknown>;
}

const TAB: Bundle = {
  outDir: TAB_OUT_DIR,
  // The tab's own sources, the shared contract, verbs and view types, the base styles and JSON guards.
  sources: [
    join(ROOT, 'src', 'web', 'tab'),
    join(ROOT, 'src', 'web', 'agent-api.ts'),
    join(ROOT, 'src', 'web', 'quick-replies-api.ts'),
    join(ROOT, 'src', 'cards', 'verbs.ts'),
    // The pure rules the tab shows (the Floor's, the survey's ratings).
    join(ROOT, 'src', 'domain'),
    join(ROOT, 'src', 'web', 'base.css'),
    join(ROOT, 'src', 'shared'),
    join(ROOT, 'scripts', 'build-tab.ts'),
  ],
  build: () => buildTab(),
};

const CHAT: Bundle = {
  outDir: CHAT_OUT_DIR,
  // The page's own sources, the channel's contract, the tab's element builder and file saving, the base styles and
  // the shared helpers.
  sources: [
    join(ROOT, 'src', 'web', 'chat'),
    join(ROOT, 'src', 'web', 'webchat', 'directline-contract.ts'),
    join(ROOT, 'src', 'web', 'tab', 'dom.ts'),
    join(ROOT, 'src', 'web', 'tab', 'save-file.ts'),
    // The survey's scale and comment length (src/domain/csat.ts).
    join(ROOT, 'src', 'domain', 'csat.ts'),
    join(ROOT, 'src', 'web', 'base.css'),
    join(ROOT, 'src', 'shared'),
    join(ROOT, 'scripts', 'build-tab.ts'),
  ],
  build: () => buildChat(),
};

function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

function upToDate(bundle: Bundle): boolean {
  const outputs = OUTPUTS.map((name) => join(bundle.outDir, name));
  if (!outputs.every((path) => existsSync(path))) return false;
  const built = Math.min(...outputs.map((path) => statSync(path).mtimeMs));
  return bundle.sources.every((source) => !existsSync(source) || newestChange(source) <= built);
}

/**
 * Builds dist/tab (scripts/build-tab.ts) when it is missing or older than its sources, so the browser tests
 * work on a clean clone without `npm run build`. The build writes each file atomically, so test files running
 * in parallel may both build without one serving the other a half-written file.
 */
export async function ensureTabBundle(): Promise<void> {
  if (!upToDate(TAB)) await TAB.build();
}

/** The same for the customer web chat page, dist/chat. */
export async function ensureChatBundle(): Promise<void> {
  if (!upToDate(CHAT)) await CHAT.build();
}
