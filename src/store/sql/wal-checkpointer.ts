import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** Checkpoints of a SQLite file's write-ahead log made on a thread of their own, not by the committing connection. */
export interface BackgroundCheckpoints {
  /** Commits on the connection before the thread starts: a database used for a moment never starts one. */
  readonly afterCommits?: number;
  /** How often the thread copies what the log holds into the database file. */
  readonly intervalMs?: number;
  /** The thread failed or stopped early: the committing connection checkpoints again, as SQLite does by default. */
  readonly onError?: (error: Error) => void;
}

const DEFAULT_AFTER_COMMITS = 100;
const DEFAULT_INTERVAL_MS = 200;
/** SQLite's own default: a commit that leaves the log past this many pages checkpoints it. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
const STOP_WAIT_MS = 5000;

/**
 * The thread's code, plain JavaScript: it runs in a worker without the TypeScript loader. It opens its own connection
 * to the file and, every interval, checkpoints PASSIVE: it copies what it can without waiting for any lock, so the
 * committing connection never waits for it. A failure is posted and ends the thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
let timer;
const fail = (error) => {
  clearInterval(timer);
  parentPort.postMessage({ error: String((error && error.message) || error) });
  try { if (db) db.close(); } catch {}
  parentPort.close();
};
try {
  db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
  timer = setInterval(() => {
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { fail(error); }
  }, workerData.intervalMs);
} catch (error) {
  fail(error);
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try { if (db) db.close(); } catch {}
  parentPort.close();
});
`;

/**
 * Takes the checkpoints of a SQLite file off the connection that commits (the server's event loop). A checkpoint
 * copies the log's pages into the database file and syncs both to disk; made by a commit (SQLite's default, every
 * 1,000 pages), it held the event loop for that long: 15 ms each about every hundred relayed messages on a VM whose
 * disk syncs slowly. Once the connection has committed `afterCommits` times, a worker thread checkpoints every
 * `intervalMs` on a connection of its own and the committing connection's automatic checkpoints are turned off. If
 * the thread fails, they are turned on again.
 */
export class WalCheckpointer {
  private commits = 0;
  private worker: Worker | undefined;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly connection: BetterSqlite3.Database,
    private readonly options: BackgroundCheckpoints = {},
  ) {}

  /** Called after each commit on the connection; starts the thread once there were enough. */
  committed(): void {
    if (this.worker || this.stopped) return;
    this.commits += 1;
    if (this.commits >= (this.options.afterCommits ?? DEFAULT_AFTER_COMMITS)) this.start();
  }

  private start(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        path: this.path,
        intervalMs: this.options.intervalMs ?? DEFAULT_INTERVAL_MS,
      },
    });
    // The thread never keeps the process alive; close() stops it.
    worker.unref();
    this.worker = worker;
    this.connection.pragma('wal_autocheckpoint = 0');
    worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) this.failed(new Error(message.error));
    });
    worker.on('error', (error) => this.failed(error));
    worker.on('exit', () => {
      if (!this.stopped) this.failed(new Error('the checkpoint thread stopped'));
    });
  }

  private failed(error: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.connection.open) this.connection.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    this.options.onError?.(error);
  }

  /** Stops the thread and waits for it to close its connection. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.stopped = true;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
    });
    worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_WAIT_MS);
    });
    if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
  }
}
