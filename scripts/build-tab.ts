import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

/** Bundles the agent workspace tab (src/web/tab) into dist/tab: index.html, app.js, app.css and source maps. */

const ROOT = join(__dirname, '..');
export const TAB_SOURCE_DIR = join(ROOT, 'src', 'web', 'tab');
export const TAB_OUT_DIR = join(ROOT, 'dist', 'tab');

export interface BuildTabResult {
  readonly outDir: string;
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
}

export async function buildTab(outDir: string = TAB_OUT_DIR): Promise<BuildTabResult> {
  const result = await build({
    entryPoints: { app: join(TAB_SOURCE_DIR, 'main.ts'), styles: join(TAB_SOURCE_DIR, 'styles.css') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    // teams-js is a chunk of its own, loaded only inside Teams.
    splitting: true,
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
    { path: join(outDir, 'index.html'), contents: readFileSync(join(TAB_SOURCE_DIR, 'index.html')) },
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
  buildTab(process.argv[2] ?? TAB_OUT_DIR).then(
    ({ files }) => {
      for (const file of files) process.stdout.write(`${file.path}  ${(file.bytes / 1024).toFixed(1)} KiB\n`);
    },
    (error: unknown) => {
      process.stderr.write(`build-tab: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
