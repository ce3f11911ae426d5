/**
 * `npm run test:container`: the Dockerfile's install-and-start steps, run without Docker (no engine runs on the
 * machines this is developed on). In a temp folder: a clean copy of the repo's tracked files as the build context;
 * each stage a folder of its own (standing in for /app), starting from a copy of its parent stage; COPY from the
 * context or another stage; RUN's commands as written, except the ones that change the machine (apt-get, a global
 * npm install, chown): the compiler they would install must already be here. Then the final stage's CMD with its
 * ENV, the HEALTHCHECK command until it passes, GET /readyz, and SIGTERM, which must end it with exit code 0.
 * Prints each step and its time; exits 1 at the first failure. Slow (two npm installs): not part of `npm test`.
 *
 *   tsx scripts/test-container.ts [--keep]     (--keep leaves the temp folder for a look)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { copyOf, envOf, execForm, readDockerfile, type Instruction, type Stage } from './dockerfile';

const ROOT = join(__dirname, '..');
// Commands that change the machine (or its shared npm cache) rather than the stage's folder.
const SKIPPED = [
  /^apt-get /,
  /^rm -rf \/var\/lib\/apt\/lists/,
  /^npm install --global /,
  /^npm cache clean/,
  /^chown /,
];

function step(title: string, work: () => void): void {
  const started = performance.now();
  process.stdout.write(`• ${title} … `);
  work();
  process.stdout.write(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

function run(command: string, cwd: string): void {
  const result = spawnSync('sh', ['-c', command], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `"${command}" failed (${result.status}):\n${result.stdout}\n${result.stderr}`.slice(-4000),
    );
  }
}

/** A clean copy of the tracked files: what `docker build .` sends as context (nothing untracked, no .env). */
function buildContext(into: string): void {
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(ROOT, file), join(into, file));
  }
}

function runStage(
  stage: Stage,
  dirs: Map<string, string>,
  context: string,
  work: string,
): Record<string, string> {
  const dir = join(work, `stage-${stage.name}`);
  const parent = dirs.get(stage.from);
  if (parent) cpSync(parent, dir, { recursive: true });
  else mkdirSync(dir, { recursive: true });
  dirs.set(stage.name, dir);
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'ENV') Object.assign(env, envOf(instruction));
    if (instruction.keyword === 'COPY') copy(instruction, dirs, context, dir);
    if (instruction.keyword === 'RUN') runCommands(instruction, dir, stage.name);
  }
  return env;
}

function copy(instruction: Instruction, dirs: Map<string, string>, context: string, dir: string): void {
  const { fromStage, sources, destination } = copyOf(instruction);
  const base = fromStage === undefined ? context : (dirs.get(fromStage) ?? '');
  for (const source of sources) {
    const from = join(base, source.replace(/^\/app\/?/, ''));
    const to = join(dir, destination.replace(/^\/app\/?/, ''));
    const target =
      destination.endsWith('/') && sources.length > 0 ? join(to, from.split('/').at(-1) ?? '') : to;
    step(`COPY ${source} → ${destination}`, () => cpSync(from, target, { recursive: true }));
  }
}

function runCommands(instruction: Instruction, dir: string, stage: string): void {
  for (const raw of instruction.args.split('&&').map((part) => part.trim())) {
    if (SKIPPED.some((pattern) => pattern.test(raw))) {
      process.stdout.write(`• [${stage}] skipped here: ${raw.slice(0, 70)}\n`);
      continue;
    }
    const command = raw.replace(/\/app\b/g, dir);
    step(`[${stage}] RUN ${raw}`, () => run(command, dir));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function startAndStop(stage: Stage, dir: string, imageEnv: Record<string, string>): Promise<void> {
  const port = await freePort();
  // Loopback instead of the image's 0.0.0.0 (a test reaches nothing beyond this machine); the rest as the image has it.
  const env = { PATH: process.env.PATH ?? '', ...imageEnv, HOST: '127.0.0.1', PORT: String(port) };
  const [command, ...args] = execForm(stage.instructions.find((i) => i.keyword === 'CMD')?.args ?? '');
  const child = spawn(command ?? 'node', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const [probe, ...probeArgs] = execForm(
      stage.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '',
    );
    let healthy = false;
    const started = performance.now();
    for (let attempt = 0; attempt < 60 && !healthy; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      healthy = spawnSync(probe ?? 'node', probeArgs, { cwd: dir, env }).status === 0;
    }
    if (!healthy) throw new Error(`the HEALTHCHECK never passed; the server said:\n${output.slice(-3000)}`);
    process.stdout.write(
      `• CMD started; HEALTHCHECK passed after ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await ready.json()) as { status?: string };
    if (ready.status !== 200 || body.status !== 'ready')
      throw new Error(`GET /readyz: ${ready.status} ${JSON.stringify(body)}`);
    process.stdout.write('• GET /readyz: 200 ready\n');
  } finally {
    child.kill('SIGTERM');
  }
  const code = await Promise.race([
    exited,
    new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 20_000).unref()),
  ]);
  if (code !== 0)
    throw new Error(`after SIGTERM: ${String(code)} (expected exit code 0)\n${output.slice(-3000)}`);
  if (!output.includes('"msg":"drained"'))
    throw new Error(`no "drained" line after SIGTERM:\n${output.slice(-3000)}`);
  process.stdout.write('• SIGTERM: drained, exit code 0\n');
}

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const work = mkdtempSync(join(tmpdir(), 'relaydesk-container-'));
  const context = join(work, 'context');
  try {
    step('build context: the tracked files (git ls-files)', () => buildContext(context));
    const stages = readDockerfile(join(context, 'Dockerfile'));
    const dirs = new Map<string, string>();
    let env: Record<string, string> = {};
    for (const stage of stages) env = runStage(stage, dirs, context, work);
    const final = stages.at(-1);
    if (!final) throw new Error('the Dockerfile has no stage');
    await startAndStop(final, dirs.get(final.name) ?? '', env);
    process.stdout.write("test:container: the Dockerfile's install and start steps pass\n");
    return 0;
  } catch (error) {
    process.stderr.write(
      `\ntest:container: FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    if (keep) process.stdout.write(`kept: ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

void main().then((code) => (process.exitCode = code));
