import type { JWTVerifyGetKey } from 'jose';
import type { Clock, IdGenerator } from '../app/ports';
import type { SqlDatabase } from '../store/sql/open-database';
import type { RetryOptions } from '../teams/delivery';
import type { RenderCard } from '../teams/proactive-notifier';
import type { DirectLineLimits } from '../web/webchat/directline-limits';

export interface StartOptions {
  /** Defaults to package.json's version. */
  version?: string;
  /** Defaults to the system clock; tests move a fake one. */
  clock?: Clock;
  /** Ids for work items, offers and outbound sends; defaults to random UUIDs. */
  ids?: IdGenerator;
  /** How often the sweeper looks for missed offers; 0 runs it only through RunningRelaydesk.sweep(). */
  sweepIntervalMs?: number;
  /** Retries of outbound sends (attempts, backoff, the delay function). */
  sendRetry?: RetryOptions;
  /** Defaults to the Adaptive Card templates in cards/. */
  renderCard?: RenderCard;
  /** Where Bot Framework token signing keys are looked up (OpenID metadata URL); defaults to Microsoft's. */
  openIdMetadataUrl?: string;
  /** The workspace tab's SSO token signing keys; defaults to the key set at TAB_SSO_JWKS_URI. */
  tabSsoKeys?: JWTVerifyGetKey;
  /** Heartbeat comment interval of the agent API's event streams; default 15 s. */
  eventHeartbeatMs?: number;
  /** Changes to one agent within this window reach their tabs as one event (default 50 ms). */
  eventCoalesceMs?: number;
  /** The outbound message outbox; see OutboxStartOptions. */
  outbox?: OutboxStartOptions;
  /** How long a turn of POST /api/messages may take before it is answered 503; default TURN_DEADLINE_S. */
  turnDeadlineMs?: number;
  /** The local Direct Line channel's bounds (WEBCHAT=local); tests make them small. */
  webchatLimits?: Partial<DirectLineLimits>;
}

/** How the outbox's dispatcher runs; tests turn the automatic sending off and call drainOutbox(). */
export interface OutboxStartOptions {
  /** Send right after each enqueue (the request does not wait) and deliver leftovers at start; default true. */
  autoDrain?: boolean;
  /** How often a pass looks for due entries (after a backoff, after a restart); 0 = no timer; default 1000. */
  pollMs?: number;
  /**
   * Tests only: each send resolves once its recipient's queue is delivered (or backing off), so a request
   * returns after its messages reached the connector, as before the outbox. Default false.
   */
  awaitDelivery?: boolean;
  /** How long close() waits for a send under way; default 10 s. */
  closeTimeoutMs?: number;
  /**
   * An agent's panel card is refreshed at most once per this many ms (renders in between are replaced by newer
   * ones); 0 sends every render at once (tests that read the panel right after a step). Default 1000.
   */
  panelRefreshMs?: number;
}

export interface RunningRelaydesk {
  /** The bot endpoint, e.g. http://127.0.0.1:3978/api/messages (the real port when PORT=0). */
  url: string;
  /** e.g. http://127.0.0.1:3978 */
  baseUrl: string;
  /** The desk's database (SQLite or PostgreSQL), migrated; closed by close(). */
  readonly database: SqlDatabase;
  /** One sweeper pass now (missed offers go to the next agent), as the timer would run it. */
  sweep(): Promise<void>;
  /**
   * Sends what the outbox holds now; resolves when everything deliverable now is delivered, the rest waiting
   * for a backoff (a failing connector).
   */
  drainOutbox(): Promise<void>;
  /** Outbound messages not yet delivered. */
  outboxPending(): Promise<number>;
  /** Stops the sweeper and accepting requests, then closes the store; safe to call twice. */
  close(): Promise<void>;
}
