import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** Checkpoints of a SQLite file's write-ahead log made on a thread of their own, not by the committing connection. */
export interface BackgroundCheckpoints {
  /** Commits on the connection before the thread starts: a database used for a moment never starts one. */
  readonly afterCommits?: number;
  /**
   * Commits between two checkpoints: about SQLite's own 1,000 pages of log for a relayed message's ten. The thread
   * is asked then, not on a timer, so an idle desk makes none and a busy one no more than before.
   */
  readonly everyCommits?: number;
  /**
   * The most pages the log may hold before a commit checkpoints it itself, as SQLite would without the thread. Under
   * steady writes the thread never catches up with the newest commit, and SQLite starts the log again from its
   * beginning only once all of it is checkpointed: without this bound the log grew for as long as the writes went
   * on. The commit's checkpoint has only the few pages the thread has not yet copied; then the log starts again.
   */
  readonly logLimitPages?: number;
  /** The thread failed or stopped early: the committing connection checkpoints again, as SQLite does by default. */
  readonly onError?: (error: Error) => void;
}

const DEFAULT_AFTER_COMMITS = 100;
const DEFAULT_EVERY_COMMITS = 100;
/** Four times SQLite's own: a commit checkpoints (and waits for the disk) a quarter as often. */
const DEFAULT_LOG_LIMIT_PAGES = 4000;
/** SQLite's own default: a commit that leaves the log past this many pages checkpoints it. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
const STOP_WAIT_MS = 5000;

/**
 * The thread's code, plain JavaScript: it runs in a worker without the TypeScript loader. It opens its own connection
 * to the file and, when asked, checkpoints PASSIVE: it copies what it can without waiting for any lock, so the
 * committing connection never waits for it. A failure is posted and ends the thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
const end = () => {
  try { if (db) db.close(); } catch {}
  parentPort.close();
};
try {
  db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
} catch (error) {
  parentPort.postMessage({ error: String((error && error.message) || error) });
  end();
}
parentPort.on('message', (message) => {
  if (message === 'stop') return end();
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ done: true });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
    end();
  }
});
`;

/**
 * Takes the checkpoints of a SQLite file off the connection that commits (the server's event loop). A checkpoint
 * copies the log's pages into the database file and syncs both to disk; made by a commit (SQLite's default, every
 * 1,000 pages), it held the event loop for that long: 15 ms each about every hundred relayed messages on a VM whose
 * disk syncs slowly. Once the connection has committed `afterCommits` times, a worker thread checkpoints on a
 * connection of its own, asked every `everyCommits` commits, and the committing connection checkpoints only when the
 * log passes `logLimitPages` (see there), which bounds the log on disk. If the thread fails, the commits checkpoint
 * every 1,000 pages again.
 */
export class WalCheckpointer {
  private commits = 0;
  /** Asked and not yet answered: the thread is checkpointing (it is asked again only once it has answered). */
  private asked = false;
  private worker: Worker | undefined;
  /** Resolves when the thread has ended, whatever ended it. */
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly connection: BetterSqlite3.Database,
    private readonly options: BackgroundCheckpoints = {},
  ) {}

  /** Called after each commit on the connection: starts the thread once there were enough, then asks it in turn. */
  committed(): void {
    if (this.stopped) return;
    this.commits += 1;
    // Called once a transaction has committed: nothing here may fail it.
    try {
      if (!this.worker) {
        if (this.commits >= (this.options.afterCommits ?? DEFAULT_AFTER_COMMITS)) this.start();
        return;
      }
      // Asked again only once it has answered: asks made while a checkpoint waits for the disk would queue up.
      if (!this.asked && this.commits >= (this.options.everyCommits ?? DEFAULT_EVERY_COMMITS)) {
        this.commits = 0;
        this.asked = true;
        this.worker.postMessage('checkpoint');
      }
    } catch (error) {
      this.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private start(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        path: this.path,
      },
    });
    // The thread never keeps the process alive; close() stops it.
    worker.unref();
    this.worker = worker;
    this.exited = new Promise<void>((resolve) => {
      worker.once('exit', () => {
        if (!this.stopped) this.failed(new Error('the checkpoint thread stopped'));
        resolve();
      });
    });
    this.commits = 0;
    const limitPages = this.options.logLimitPages ?? DEFAULT_LOG_LIMIT_PAGES;
    // A commit that leaves the log at the limit checkpoints what the thread has not copied yet, and the log starts
    // again. While the thread is checkpointing, the commit's is skipped and the next commit's tries again.
    this.connection.pragma(`wal_autocheckpoint = ${limitPages}`);
    // A log made longer by one large transaction is cut back to the limit when it starts again.
    const pageSize = Number(this.connection.pragma('page_size', { simple: true }));
    this.connection.pragma(`journal_size_limit = ${limitPages * pageSize}`);
    worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) this.failed(new Error(message.error));
      else this.asked = false;
    });
    worker.on('error', (error) => this.failed(error));
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
    // A thread that has ended already (it failed) takes no message and has nothing to close.
    worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_WAIT_MS);
    });
    if ((await Promise.race([this.exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
  }
}
