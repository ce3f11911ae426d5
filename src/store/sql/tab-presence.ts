import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '../../app/ports';
import type { SqlDatabase } from './open-database';
import { ONE_ROW } from './one-row';

/**
 * Which agents have a workspace tab open, on any instance of the desk: each instance keeps one row per agent with
 * a tab open on it (how many event streams, and when it last vouched for them) in `agent_tabs`, and refreshes its
 * rows while they stay open. A row not refreshed within the stale window counts for nothing, so an instance that
 * died (SIGKILL) stops counting by itself, and its rows are purged later; a clean close removes its rows at once.
 * SQLite runs the same code with one instance.
 */

/** How often an instance vouches again for the tabs open on it. */
export const TAB_REFRESH_MS = 15_000;
/** A row older than this is an instance that stopped refreshing (three refreshes missed). */
export const TAB_STALE_MS = 45_000;
/** Rows per statement: bounded whatever the number of agents. */
const BATCH = 200;

/** The interval timer, injected so tests run a refresh by hand instead of waiting for it. */
export interface PresenceTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: PresenceTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface TabPresenceOptions {
  readonly database: SqlDatabase;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This instance's key in the table; default a random UUID (a restarted process is a new instance). */
  readonly instanceId?: string;
  readonly refreshMs?: number;
  readonly staleMs?: number;
  readonly timers?: PresenceTimers;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class TabPresence {
  readonly instanceId: string;
  /** Open streams per agent on this instance; an agent with none is absent. */
  private readonly open = new Map<string, number>();
  /** Agents whose row must be written (or removed) on the next pass. */
  private readonly dirty = new Set<string>();
  private readonly logger: Logger;
  private readonly staleMs: number;
  private writing: Promise<void> | undefined;
  private purgeDue = false;
  private timer: unknown;
  private closing: Promise<void> | undefined;
  /** The last pass failed: told once per outage, retried at the next change or refresh. */
  private failing = false;

  constructor(private readonly options: TabPresenceOptions) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.staleMs = options.staleMs ?? TAB_STALE_MS;
    this.logger = options.logger.child({ component: 'tab-presence', instanceId: this.instanceId });
  }

  /** The hub's hook: `agentId` now has `streams` event streams open on this instance. */
  streamsChanged(agentId: string, streams: number): void {
    if (this.closing) return;
    if (streams > 0) this.open.set(agentId, streams);
    else this.open.delete(agentId);
    this.dirty.add(agentId);
    void this.kick();
  }

  /** Refreshes this instance's rows every refreshMs until close(). */
  start(): void {
    if (this.timer !== undefined || this.closing) return;
    const timers = this.options.timers ?? realTimers;
    this.timer = timers.setInterval(() => void this.refresh(), this.options.refreshMs ?? TAB_REFRESH_MS);
  }

  /** Vouches again for every tab open here, and removes rows long stale; the timer runs it. */
  refresh(): Promise<void> {
    if (this.closing) return Promise.resolve();
    for (const agentId of this.open.keys()) this.dirty.add(agentId);
    this.purgeDue = true;
    return this.kick();
  }

  /** Whether the agent has a stream open on any instance that vouched for it within the stale window. */
  async isOpenAnywhere(agentId: string): Promise<boolean> {
    const row = await this.options.database.db
      .selectFrom('agent_tabs')
      .select('agent_key')
      .where('agent_key', '=', agentId)
      .where('open_streams', '>', 0)
      .where('seen_at', '>=', this.options.clock.now() - this.staleMs)
      .limit(ONE_ROW)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Resolves once the writes asked for so far are done (or failed). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Stops refreshing and removes this instance's rows; never rejects. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.timer !== undefined) (this.options.timers ?? realTimers).clearInterval(this.timer);
    this.timer = undefined;
    await this.settled();
    this.open.clear();
    this.dirty.clear();
    try {
      await this.options.database.db
        .deleteFrom('agent_tabs')
        .where('instance_id', '=', this.instanceId)
        .execute();
    } catch (error) {
      // They go stale within the window anyway.
      this.logger.warn({ reason: reasonOf(error) }, 'open tabs of this instance not removed at close');
    }
  }

  /** One pass at a time; changes during a pass are written by the next. */
  private kick(): Promise<void> {
    this.writing ??= this.drain().then((ok) => {
      this.writing = undefined;
      // A change that came as the pass ended; after a failure the next change or refresh retries instead.
      if (ok && (this.dirty.size > 0 || this.purgeDue)) void this.kick();
    });
    return this.writing;
  }

  private async drain(): Promise<boolean> {
    while (this.dirty.size > 0 || this.purgeDue) {
      const agents = [...this.dirty];
      const purge = this.purgeDue;
      this.dirty.clear();
      this.purgeDue = false;
      try {
        await this.write(agents, purge);
      } catch (error) {
        for (const agentId of agents) this.dirty.add(agentId);
        this.purgeDue ||= purge;
        if (!this.failing) this.logger.warn({ reason: reasonOf(error) }, 'open tabs not written');
        this.failing = true;
        return false;
      }
      if (this.failing) this.logger.info({}, 'open tabs written again');
      this.failing = false;
    }
    return true;
  }

  private async write(agents: readonly string[], purge: boolean): Promise<void> {
    const { db } = this.options.database;
    const now = this.options.clock.now();
    const rows = agents.flatMap((agentId) => {
      const streams = this.open.get(agentId) ?? 0;
      return streams > 0
        ? [{ agent_key: agentId, instance_id: this.instanceId, open_streams: streams, seen_at: now }]
        : [];
    });
    const gone = agents.filter((agentId) => !this.open.has(agentId));
    for (let start = 0; start < rows.length; start += BATCH) {
      await db
        .insertInto('agent_tabs')
        .values(rows.slice(start, start + BATCH))
        .onConflict((conflict) =>
          conflict.columns(['agent_key', 'instance_id']).doUpdateSet((eb) => ({
            open_streams: eb.ref('excluded.open_streams'),
            seen_at: eb.ref('excluded.seen_at'),
          })),
        )
        .execute();
    }
    for (let start = 0; start < gone.length; start += BATCH) {
      await db
        .deleteFrom('agent_tabs')
        .where('instance_id', '=', this.instanceId)
        .where('agent_key', 'in', gone.slice(start, start + BATCH))
        .execute();
    }
    if (purge) {
      await db
        .deleteFrom('agent_tabs')
        // Twice the window: a live instance whose clock lags a little never loses its rows to another's purge.
        .where('seen_at', '<', now - 2 * this.staleMs)
        .execute();
    }
  }
}
