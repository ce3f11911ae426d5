import type { DraftChange } from '../agent-api';

/**
 * Saves reply drafts and case-form fields as the agent types: changes to one session are merged and sent
 * `delayMs` after the last keystroke, one request at a time per session so an older save never lands after a
 * newer one. flush() sends at once (switching sessions, leaving the page). A failed save is kept and retried.
 */

/** `idle`: nothing typed is waiting to be saved (the reply that was just sent needs no draft). */
export type DraftStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'failed';

export interface SaveOptions {
  /** Let the request outlive the page (sent while it unloads). */
  readonly keepalive: boolean;
}

export interface DraftSaverOptions {
  readonly save: (sessionId: string, change: DraftChange, options: SaveOptions) => Promise<void>;
  readonly delayMs?: number;
  /** After a failed save, the next attempt; at most one retry is waiting at a time. */
  readonly retryDelayMs?: number;
  /** False for an error no retry can fix (the session is gone): the change is dropped. */
  readonly retryable?: (error: unknown) => boolean;
  readonly onStatus?: (sessionId: string, status: DraftStatus) => void;
  /**
   * Where what is typed and not yet saved is also kept (the browser's sessionStorage), so a reload right after
   * typing shows it and saves it, even when the save sent while the page unloaded lands after the new page read the
   * draft. Read once at construction: what it holds is pending again and saved after the debounce.
   */
  readonly kept?: KeptDrafts;
  readonly timers?: {
    readonly setTimeout: (run: () => void, ms: number) => unknown;
    readonly clearTimeout: (handle: unknown) => void;
  };
}

interface MutableChange {
  reply?: string;
  caseFields?: Record<string, string>;
}

interface SessionDrafts {
  pending: MutableChange | undefined;
  timer: unknown;
  /** The save in flight, if any; the next one starts after it. */
  running: Promise<void> | undefined;
}

/** Unsaved changes per session, kept across a reload. */
export interface KeptDrafts {
  load(): ReadonlyMap<string, DraftChange>;
  store(unsaved: ReadonlyMap<string, DraftChange>): void;
}

export class DraftSaver {
  private readonly sessions = new Map<string, SessionDrafts>();
  /** Per session, everything typed since its drafts were last all saved: what `kept` holds. */
  private readonly unsaved = new Map<string, MutableChange>();
  private readonly delayMs: number;
  private readonly retryDelayMs: number;
  private readonly timers: NonNullable<DraftSaverOptions['timers']>;

  constructor(private readonly options: DraftSaverOptions) {
    this.delayMs = options.delayMs ?? 400;
    this.retryDelayMs = options.retryDelayMs ?? 2000;
    this.timers = options.timers ?? {
      setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    for (const [sessionId, change] of options.kept?.load() ?? []) {
      const drafts = this.drafts(sessionId);
      drafts.pending = merge(undefined, change);
      this.unsaved.set(sessionId, merge(undefined, change));
      this.restartTimer(sessionId, drafts, this.delayMs);
    }
  }

  /** Records a change and (re)starts the session's debounce timer. */
  schedule(sessionId: string, change: DraftChange): void {
    const drafts = this.drafts(sessionId);
    drafts.pending = merge(drafts.pending, change);
    this.keep(sessionId, merge(this.unsaved.get(sessionId), change));
    this.restartTimer(sessionId, drafts, this.delayMs);
    this.options.onStatus?.(sessionId, 'pending');
  }

  /** What is typed but not saved yet (and not being saved), merged. */
  pendingChange(sessionId: string): DraftChange | undefined {
    return this.sessions.get(sessionId)?.pending;
  }

  /**
   * Forgets an unsaved reply, e.g. the one just sent; unsaved case fields stay. The status then says what is
   * true: still pending (case fields), the save in flight reports itself, or else nothing is left to save.
   */
  discardReply(sessionId: string): void {
    const kept = this.unsaved.get(sessionId);
    if (kept) {
      const { reply: _sent, ...fields } = kept;
      this.keep(sessionId, fields.caseFields ? fields : undefined);
    }
    const drafts = this.sessions.get(sessionId);
    if (!drafts?.pending) return;
    const { reply: _dropped, ...rest } = drafts.pending;
    drafts.pending = rest.caseFields ? rest : undefined;
    if (drafts.pending) return;
    this.stopTimer(drafts);
    if (!drafts.running) this.options.onStatus?.(sessionId, 'idle');
  }

  /** Sends the session's pending change now and resolves when everything typed so far is saved (or failed). */
  async flush(sessionId: string, options: SaveOptions = { keepalive: false }): Promise<void> {
    const drafts = this.sessions.get(sessionId);
    if (!drafts) return;
    this.stopTimer(drafts);
    while (drafts.running) await drafts.running;
    const change = drafts.pending;
    if (!change) return;
    drafts.pending = undefined;
    const running = this.send(sessionId, drafts, change, options);
    drafts.running = running;
    try {
      await running;
    } finally {
      if (drafts.running === running) drafts.running = undefined;
    }
  }

  /** Resolves once no save of this session is in flight (before a reply, so no older save lands after it). */
  async settled(sessionId: string): Promise<void> {
    const drafts = this.sessions.get(sessionId);
    while (drafts?.running) await drafts.running;
  }

  /**
   * Sends every pending change at once, without waiting for saves in flight, for a page being hidden or
   * unloaded: the requests start in this task, while the page is still there (with keepalive they outlive it).
   */
  sendAllNow(options: SaveOptions = { keepalive: true }): void {
    for (const [sessionId, drafts] of this.sessions) {
      this.stopTimer(drafts);
      const change = drafts.pending;
      if (!change) continue;
      drafts.pending = undefined;
      const running = this.send(sessionId, drafts, change, options);
      drafts.running = running;
      void running.finally(() => {
        if (drafts.running === running) drafts.running = undefined;
      });
    }
  }

  flushAll(options: SaveOptions = { keepalive: false }): Promise<void> {
    return Promise.all([...this.sessions.keys()].map((sessionId) => this.flush(sessionId, options))).then(
      () => undefined,
    );
  }

  private async send(
    sessionId: string,
    drafts: SessionDrafts,
    change: MutableChange,
    options: SaveOptions,
  ): Promise<void> {
    this.options.onStatus?.(sessionId, 'saving');
    try {
      await this.options.save(sessionId, change, options);
    } catch (error) {
      if (this.options.retryable?.(error) ?? true) {
        // Whatever was typed meanwhile is newer than the failed change, so it wins the merge.
        drafts.pending = merge(change, drafts.pending ?? {});
        this.restartTimer(sessionId, drafts, this.retryDelayMs);
      } else if (!drafts.pending) this.keep(sessionId, undefined);
      this.options.onStatus?.(sessionId, 'failed');
      return;
    }
    // Saved, and nothing typed since: nothing of this session needs keeping any more.
    if (!drafts.pending) this.keep(sessionId, undefined);
    this.options.onStatus?.(sessionId, drafts.pending ? 'pending' : 'saved');
  }

  private keep(sessionId: string, change: MutableChange | undefined): void {
    if (change) this.unsaved.set(sessionId, change);
    else if (!this.unsaved.delete(sessionId)) return;
    this.options.kept?.store(this.unsaved);
  }

  private drafts(sessionId: string): SessionDrafts {
    let drafts = this.sessions.get(sessionId);
    if (!drafts) {
      drafts = { pending: undefined, timer: undefined, running: undefined };
      this.sessions.set(sessionId, drafts);
    }
    return drafts;
  }

  private restartTimer(sessionId: string, drafts: SessionDrafts, ms: number): void {
    this.stopTimer(drafts);
    drafts.timer = this.timers.setTimeout(() => {
      drafts.timer = undefined;
      void this.flush(sessionId);
    }, ms);
  }

  private stopTimer(drafts: SessionDrafts): void {
    if (drafts.timer === undefined) return;
    this.timers.clearTimeout(drafts.timer);
    drafts.timer = undefined;
  }
}

function merge(base: MutableChange | undefined, change: DraftChange): MutableChange {
  const merged: MutableChange = { ...base };
  if (change.reply !== undefined) merged.reply = change.reply;
  if (change.caseFields) merged.caseFields = { ...merged.caseFields, ...change.caseFields };
  return merged;
}
