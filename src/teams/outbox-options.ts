import type { Activity } from 'botbuilder';
import type { SendOutcome } from '../app/deliveries';
import type { Logger, Random } from '../app/ports';
import type { CardSlots } from './card-slots';
import type { ConversationReferences } from './conversation-references';
import type { OutboxEntry, OutboxStore } from './outbox-store';
import type { ProactiveSender } from './proactive-sender';
import type { TeamsBudget } from './teams-budget';

export interface OutboxOptions {
  /** The recipients' queues, backoffs and leases. */
  readonly store: OutboxStore;
  /** The cards agents' slots show; a slot let go of by a card action is forgotten here. */
  readonly cardSlots: CardSlots;
  readonly references: ConversationReferences;
  readonly sender: Pick<ProactiveSender, 'send'>;
  readonly logger: Logger;
  /** Backoff deadlines and leases are read on this clock (the desk's, which tests move). */
  readonly now: () => number;
  /** Start sending right after each enqueue (not awaited by the caller), and deliver leftovers at start. Default true. */
  readonly autoDrain?: boolean;
  /** How often a pass looks for due entries (backoff over, leftovers of another process); 0 = no timer. Default 1000. */
  readonly pollMs?: number;
  /**
   * For tests that read the connector right after a request: enqueue resolves only once its recipient's
   * queue is delivered or backing off, so the caller waits for the connector as it did before the outbox.
   */
  readonly awaitDelivery?: boolean;
  /** How long a recipient's lease keeps other processes off it; renewed while sending. Default 60 s. */
  readonly leaseMs?: number;
  /** How long stop() waits for a send under way before leaving it to be sent again after a restart. Default 10 s. */
  readonly closeTimeoutMs?: number;
  /** The wait after a pass whose sends all failed; it doubles per failed pass, up to retryMaxMs. Default 5 s. */
  readonly retryBaseMs?: number;
  /** Default 5 min. */
  readonly retryMaxMs?: number;
  /** A recipient with more pending entries than this is logged as an error (the entries are kept). Default 1000. */
  readonly queueWarnLength?: number;
  /** Recipients sent to at once in one pass. Default 32. */
  readonly concurrency?: number;
  readonly random?: Random;
  /** Teams' rate limits, checked before each call to a Teams conversation; without it, only 429s slow sends. */
  readonly budget?: TeamsBudget;
  /**
   * Makes the activity for an entry kept as a view, or for a batch of entries sent as one message (`entries` in
   * queue order, the head first). `paced`: Teams' budget for the recipient is short, so the card may say delivery
   * is grouped. Entries without a view that are not batched are sent as stored.
   */
  readonly compose: ComposeActivity;
  /**
   * Told how each entry ended: taken by the channel, or refused for good (the entry is dropped). Not told of
   * retries. A failing callback is logged and does not hold the queue.
   */
  readonly onSettled?: (entry: OutboxEntry, outcome: SendOutcome) => Promise<void>;
  /**
   * Runs the hook once the transaction the enqueue is part of has committed (the store's afterCommit), so a send
   * never starts on data that may still be rolled back; `key` names the recipient, so two entries queued in one
   * transaction start one run. Default: at once.
   */
  readonly afterCommit?: (hook: () => unknown, key: string) => Promise<void>;
  /**
   * Slot updates of `priority` or less urgent (the panel) go to a recipient at most once per `intervalMs`; one
   * that comes sooner waits, and a newer render queued meanwhile replaces it. Off when absent or 0: every render
   * is sent as soon as it is the head.
   */
  readonly refresh?: { readonly priority: number; readonly intervalMs: number };
}

export type ComposeActivity = (
  entries: readonly OutboxEntry[],
  context: { readonly paced: boolean },
) => Partial<Activity>;

/** What the outbox does when its options leave a setting out. */
export const DEFAULTS = {
  pollMs: 1000,
  leaseMs: 60_000,
  closeTimeoutMs: 10_000,
  retryBaseMs: 5000,
  retryMaxMs: 300_000,
  queueWarnLength: 1000,
  concurrency: 32,
  rounds: 50,
  /** At most this many entries go out as one message, and only while their JSON stays under batchChars. */
  batchEntries: 30,
  batchChars: 16_000,
  /** How long a customer's POST waits for the card it queued for the agent to go out, at most (Outbox.settled). */
  settleMs: 1000,
};

/** How soon a recipient found busy (another dispatcher's lease) is looked at again. */
export const BUSY_RECHECK_MS = 200;
