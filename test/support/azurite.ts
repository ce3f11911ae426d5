import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Azurite's well-known development account (documented by Microsoft, accepted by every Azurite): not a secret.
 */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const START_TIMEOUT_MS = 30_000;

export interface RunningAzurite {
  readonly blobEndpoint: string;
  readonly connectionString: string;
  stop(): Promise<void>;
}

/** Azurite's blob service from node_modules, in memory, on 127.0.0.1 and a port the system picks. */
export async function startAzurite(): Promise<RunningAzurite> {
  const workspace = mkdtempSync(join(tmpdir(), 'relaydesk-azurite-'));
  const main = require.resolve('azurite/dist/src/blob/main.js');
  const child = spawn(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--silent',
    ],
    // In memory, Azurite writes nothing; run it in a temp folder all the same, so a stray file stays out of the repo.
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const port = await listeningPort(child);
    const blobEndpoint = `http://127.0.0.1:${port}/${DEV_ACCOUNT}`;
    return {
      blobEndpoint,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${blobEndpoint};`,
      stop: async () => {
        await stopChild(child);
        rmSync(workspace, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopChild(child);
    rmSync(workspace, { recursive: true, force: true });
    throw error;
  }
}

/** Resolves with the port Azurite reports once it listens; rejects on exit or after START_TIMEOUT_MS. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      reject(new Error(`Azurite did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const seen = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${String(code)} before listening:\n${output}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(forced);
}
