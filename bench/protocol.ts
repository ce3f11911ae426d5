/** What bench/run.ts (the parent) and bench/target.ts (the server under test, a child process) say over IPC. */

export type TargetKind = 'relaydesk' | 'echo';

export interface TargetSpec {
  readonly kind: TargetKind;
  /** A temp folder of the parent's: the SQLite file and the log go there; the parent removes it. */
  readonly dir: string;
  /** Relaydesk's configuration keys, as `npm start` reads them from the environment. */
  readonly env: Readonly<Record<string, string>>;
}

export type Request =
  | { readonly id: number; readonly op: 'probe'; readonly gc: boolean }
  | { readonly id: number; readonly op: 'stats' }
  | { readonly id: number; readonly op: 'stop' };

export interface MemoryFigures {
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly rss: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** The largest RSS the process has had since it started (getrusage's maxrss), bytes. */
  readonly peakRss: number;
}

export interface Probe {
  /** Microseconds of CPU the process used since it started (user + system), read before any gc. */
  readonly cpuMicros: number;
  /** performance.eventLoopUtilization() totals, read before any gc. */
  readonly elu: { readonly idle: number; readonly active: number };
  /** After two full collections when `gc` was asked for and the process runs with --expose-gc. */
  readonly memory: MemoryFigures;
  readonly collected: boolean;
}

export interface TargetStats {
  /** Log lines at level error or fatal (Relaydesk), or failed turns (echo). */
  readonly errors: number;
  readonly warnings: number;
  /** The first few error lines, for the report. */
  readonly errorSamples: readonly string[];
  /** The first few warning lines, as logged, so the report can say what they were. */
  readonly warningSamples: readonly string[];
  /** Relaydesk: outbound messages not yet delivered. */
  readonly outboxPending: number;
  /** Relaydesk: the bytes of the SQLite pages in use (WAL included, free pages not). */
  readonly dbBytes: number;
}

export type Reply =
  | { readonly id: number; readonly ok: true; readonly probe?: Probe; readonly stats?: TargetStats }
  | { readonly id: number; readonly ok: false; readonly error: string };

export type Ready =
  { readonly ready: true; readonly url: string } | { readonly ready: false; readonly error: string };
