import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles the browser pages: the agent workspace tab (src/web/tab) into dist/tab and the customer web chat page
 * (src/web/chat) into dist/chat, each as index.html, app.js, styles.css and source maps.
 */

const ROOT = join(__dirname, '..');
export const TAB_SOURCE_DIR = join(ROOT, 'src', 'web', 'tab');
export const TAB_OUT_DIR = join(ROOT, 'dist', 'tab');
export const CHAT_SOURCE_DIR = join(ROOT, 'src', 'web', 'chat');
export const CHAT_OUT_DIR = join(ROOT, 'dist', 'chat');

export interface BuildTabResult {
  readonly outDir: string;
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
}

export function buildTab(outDir: string = TAB_OUT_DIR): Promise<BuildTabResult> {
  // teams-js is a chunk of its own, loaded only inside Teams.
  return buildPage(TAB_SOURCE_DIR, outDir, true);
}

export function buildChat(outDir: string = CHAT_OUT_DIR): Promise<BuildTabResult> {
  return buildPage(CHAT_SOURCE_DIR, outDir, false);
}

async function buildPage(sourceDir: string, outDir: string, splitting: boolean): Promise<BuildTabResult> {
  const result = await build({
    entryPoints: { app: join(sourceDir, 'main.ts'), styles: join(sourceDir, 'styles.css') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    splitting,
    chunkNames: '[name]-[hash]',
    platform: 'browser',
    target: ['es2022', 'chrome120', 'edge120', 'firefox120', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'eof',
    logLevel: 'warning',
    write: false,
  });
  const outputs = [
    ...result.outputFiles.map((file) => ({ path: file.path, contents: Buffer.from(file.contents) })),
    { path: join(outDir, 'index.html'), contents: readFileSync(join(sourceDir, 'index.html')) },
  ];
  mkdirSync(outDir, { recursive: true });
  for (const output of outputs) {
    // Write then rename, so a server (or a parallel build) never reads a half-written file.
    mkdirSync(dirname(output.path), { recursive: true });
    const temporary = `${output.path}.${process.pid}.tmp`;
    writeFileSync(temporary, output.contents);
    renameSync(temporary, output.path);
  }
  // Chunks of earlier builds (their names carry a content hash); a parallel build writes the same names.
  const current = new Set(outputs.map((output) => relative(outDir, output.path)));
  for (const name of readdirSync(outDir)) {
    if (!current.has(name) && !name.endsWith('.tmp')) rmSync(join(outDir, name), { force: true });
  }
  return {
    outDir,
    files: outputs.map((output) => ({ path: relative(ROOT, output.path), bytes: output.contents.length })),
  };
}

if (require.main === module) {
  // `tsx scripts/build-tab.ts [tab-out-dir [chat-out-dir]]`
  Promise.all([buildTab(process.argv[2] ?? TAB_OUT_DIR), buildChat(process.argv[3] ?? CHAT_OUT_DIR)]).then(
    (results) => {
      for (const { files } of results) {
        for (const file of files)
          process.stdout.write(`${file.path}  ${(file.bytes / 1024).toFixed(1)} KiB\n`);
      }
    },
    (error: unknown) => {
      process.stderr.write(`build-tab: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
