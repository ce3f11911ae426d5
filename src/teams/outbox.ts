import type { LogFields, Logger } from '../app/ports';
import type { CallLog } from '../domain/call-budget';
import { messageOf } from './delivery';
import { EntrySender, OutboxStopped, fieldsOf, type Delivered } from './outbox-entry-sender';
import { holderGone, holderStarted, isStaleHolder, newHolder, sendableBy } from './outbox-holders';
import { PacedCards } from './outbox-paced-cards';
import { RecipientTimers, RefreshPacer } from './outbox-refresh';
import { settledWithin } from './within';
import { BUSY_RECHECK_MS, DEFAULTS, type OutboxOptions } from './outbox-options';
import {
  ownerKeyOf,
  type OutboxEntry,
  type OutboxMessage,
  type OutboxStore,
  type RecipientHead,
} from './outbox-store';
import { AppendClaims, HandedHeads, reportAppend } from './outbox-claims';

export type { OutboxOptions } from './outbox-options';
export type { OutboxEntry, OutboxMessage } from './outbox-store';

/** How one recipient's run ended. */
type RunResult = 'idle' | 'waiting' | 'busy' | 'stopped' | 'failed';
/**
 * How one head entry's turn ended. `idle`: the removal of the last entry let the lease go; `later`: a backoff, Teams'
 * budget or a refresh's turn.
 */
type Step = 'next' | 'empty' | 'idle' | 'later' | 'lost' | 'stopped';

interface ActiveRun {
  again: boolean;
  promise: Promise<RunResult>;
}

/**
 * The store-backed outbox and its dispatcher. Every outbound activity is first stored in its recipient's
 * queue (durable once enqueue resolves), then sent at least once, in queue order per recipient: a send that
 * keeps failing holds back later sends to the same recipient, never other recipients. An entry leaves the
 * queue only once the connector took it (or refused it for good: a 4xx other than 429, logged and dropped).
 * 429, 5xx and network errors are retried by the Delivery policy (backoff, Retry-After); when that gives up,
 * the entry stays and the recipient waits for a later pass, each one longer. A recipient is sent to by one
 * dispatcher at a time (a lease on its recipient row), so two processes never send the same entry at once.
 */
export class Outbox {
  private readonly store: OutboxStore;
  private readonly logger: Logger;
  private readonly holder = newHolder();
  private readonly runs = new Map<string, ActiveRun>();
  /** Lease deadlines of the recipients this dispatcher is sending to. */
  private readonly leases = new Map<string, number>();
  /** The entry on its way to each recipient. */
  private readonly inFlight = new Map<string, string>();
  private readonly claims: AppendClaims;
  private readonly handedHeads = new HandedHeads();
  private readonly pacedCards: PacedCards;
  private readonly refreshes: RefreshPacer;
  private readonly rechecks = new RecipientTimers();
  /** A chat paced by Teams' budget is looked at again when the budget allows (one timer each, cleared by stop). */
  private readonly paced = new RecipientTimers();
  private readonly abort = new AbortController();
  private readonly autoDrain: boolean;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly sends: EntrySender;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  /** stop() has returned: a send still under way is abandoned and must not touch the store (it may be closed). */
  private halted = false;

  constructor(private readonly options: OutboxOptions) {
    this.store = options.store;
    this.logger = options.logger.child({ component: 'outbox' });
    this.autoDrain = options.autoDrain ?? true;
    this.pollMs = options.pollMs ?? DEFAULTS.pollMs;
    this.leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    this.sends = new EntrySender({
      options,
      store: this.store,
      logger: this.logger,
      holder: this.holder,
      leases: this.leases,
      leaseMs: this.leaseMs,
      random: options.random ?? Math.random,
      signal: this.abort.signal,
      ...(options.budget ? { budget: options.budget } : {}),
    });
    this.refreshes = new RefreshPacer(options.refresh);
    this.claims = new AppendClaims(options, this.holder, this.leaseMs);
    this.pacedCards = new PacedCards({
      budget: options.budget,
      store: this.store,
      now: () => this.options.now(),
      enqueue: (message) => this.enqueue(message),
    });
    holderStarted(this.holder);
  }

  /**
   * Stores the message in its recipient's queue and starts sending (not awaited, unless awaitDelivery).
   * Resolves once the message is durable; a store failure rejects, so nothing is acknowledged unsent.
   */
  async enqueue(message: OutboxMessage): Promise<void> {
    const ownerKey = ownerKeyOf(message.owner);
    const now = this.options.now();
    // The lease is taken with the entry when nothing of ours is sending to the recipient: the run after the commit
    // then starts sending without a claim of its own (a write, and a commit, per relayed message).
    const sendsAfter = (this.autoDrain || this.options.awaitDelivery) && !this.stopping;
    const claim =
      sendsAfter && !this.runs.has(ownerKey) ? await this.claims.claimFor(message, ownerKey, now) : undefined;
    const appended = await this.store.append(message, now, claim);
    const { claimedUntil, callReserved, head } = appended;
    this.handedHeads.keep(ownerKey, head);
    if (!reportAppend(this.logger, this.options.queueWarnLength, ownerKey, message, appended)) return;
    if (!sendsAfter) return;
    const start = () => {
      this.claims.committed(ownerKey, claim, callReserved);
      return this.run(ownerKey, claimedUntil, this.handedHeads.take(ownerKey, head));
    };
    const started = this.options.awaitDelivery ? start : () => void start();
    if (this.options.afterCommit) await this.options.afterCommit(started, `outbox:${ownerKey}`);
    else await started();
  }

  /**
   * Resolves once the send under way to the recipient (if any) has ended, or after `withinMs`, whichever is first:
   * a customer's POST is answered once the card it queued reached the agent's chat, as a bot that replies inside
   * its turn answers, so a burst of messages cannot run ahead of their delivery. A run that must wait (a backoff,
   * Teams' budget) ends at once, so only a prompt send is waited for.
   */
  async settled(ownerKey: string, withinMs: number = DEFAULTS.settleMs): Promise<void> {
    const run = this.runs.get(ownerKey);
    if (run && withinMs > 0) await settledWithin(run.promise, withinMs);
  }

  /** The activity id of the card a slot shows, if one was posted. */
  async slotActivityId(agentId: string, slot: string): Promise<string | undefined> {
    return (await this.options.cardSlots.get(agentId, slot))?.activityId;
  }

  /**
   * Forgets a slot's card when it no longer shows what the slot is for (a card action replaced it), so the next
   * send to the slot posts a fresh card. Pending updates of that slot are dropped: they were meant for the
   * replaced card. Touches only the store, never waits for the connector.
   */
  async releaseSlot(agentId: string, slot: string, activityId: string): Promise<void> {
    if (!(await this.options.cardSlots.releaseIf(agentId, slot, activityId))) return;
    const ownerKey = ownerKeyOf({ kind: 'agent', id: agentId });
    const dropped = await this.store.dropSlot(ownerKey, slot, this.inFlight.get(ownerKey));
    if (dropped > 0) {
      this.logger.debug({ recipient: ownerKey, slot, activityId, dropped }, 'pending slot updates dropped');
    }
  }

  /** Delivers leftovers (after a restart) and starts the timer. */
  start(): void {
    if (this.stopping || this.timer) return;
    if (this.autoDrain) void this.tick();
    if (this.pollMs > 0) {
      this.timer = setInterval(() => void this.tick(), this.pollMs);
      this.timer.unref();
    }
  }

  /**
   * Resolves when everything deliverable now is delivered; what is left waits for a backoff or is being sent
   * by another process.
   */
  async drain(): Promise<void> {
    for (let round = 0; round < DEFAULTS.rounds && !this.stopping; round += 1) {
      await this.pass();
      await Promise.all([...this.runs.values()].map((run) => run.promise));
      if (!(await this.anythingDue())) return;
    }
  }

  /** Entries not yet delivered, over all recipients. */
  pending(): Promise<number> {
    return this.store.pending();
  }

  /**
   * Stops the timer and the retries; a send under way may finish (up to closeTimeoutMs), else it is left, to
   * be sent again after a restart. Entries stay in the store either way.
   */
  stop(): Promise<void> {
    this.stopping ??= this.halt();
    return this.stopping;
  }

  private async halt(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const timers of [this.refreshes, this.rechecks, this.paced]) timers.stop();
    this.abort.abort(new OutboxStopped('The outbox stopped.'));
    const runs = Promise.all([...this.runs.values()].map((run) => run.promise));
    const abandoned = !(await settledWithin(runs, this.options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs));
    this.halted = true;
    holderGone(this.holder);
    if (abandoned) {
      this.logger.warn(
        { recipients: [...this.inFlight.keys()] },
        'outbox stopped with a send under way; it is sent again after a restart',
      );
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = this.pass().then(
      () => undefined,
      (error: unknown) => this.logger.error({ reason: messageOf(error), err: error }, 'outbox pass failed'),
    );
    await this.ticking;
    this.ticking = undefined;
  }

  /** One run for every recipient with pending entries and no backoff running, a few at a time. */
  private async pass(): Promise<void> {
    const now = this.options.now();
    const recipients = (await this.store.recipients())
      .filter((pending) => (pending.notBefore ?? 0) <= now)
      .map((pending) => pending.recipient);
    const concurrency = Math.max(1, this.options.concurrency ?? DEFAULTS.concurrency);
    const workers = Array.from({ length: Math.min(concurrency, recipients.length) }, async () => {
      for (let key = recipients.shift(); key !== undefined; key = recipients.shift()) await this.run(key);
    });
    await Promise.all(workers);
    await this.pacedCards.calmDown();
  }

  private async anythingDue(): Promise<boolean> {
    const now = this.options.now();
    return (await this.store.recipients()).some((pending) => sendableBy(this.holder, pending, now));
  }

  /**
   * Sends to one recipient until its queue is empty or must wait; one run per recipient at a time. A run asked
   * for while one is under way makes that one look again before it ends, so no entry is left behind.
   */
  private run(ownerKey: string, claimedUntil?: number, handed?: RecipientHead): Promise<RunResult> {
    const active = this.runs.get(ownerKey);
    if (active) {
      active.again = true;
      return active.promise;
    }
    const entry: ActiveRun = { again: false, promise: Promise.resolve<RunResult>('idle') };
    this.runs.set(ownerKey, entry);
    entry.promise = (async (): Promise<RunResult> => {
      try {
        for (let claimed = claimedUntil, head = handed; ; claimed = undefined, head = undefined) {
          entry.again = false;
          const result = await this.runOnce(ownerKey, claimed, head);
          // Checked and ended in one synchronous step, so a run asked for now starts afresh.
          if (!entry.again || this.stopping || result === 'busy' || result === 'failed') {
            this.runs.delete(ownerKey);
            return result;
          }
        }
      } catch (error) {
        this.runs.delete(ownerKey);
        const fields = { recipient: ownerKey, reason: messageOf(error), err: error };
        const message = 'outbox run failed; the entries stay for the next pass';
        if (this.halted) this.logger.debug(fields, message);
        else this.logger.error(fields, message);
        return 'failed';
      }
    })();
    return entry.promise;
  }

  /**
   * One look at the recipient: its lease claimed (or already taken with an append, until `claimedUntil`), then sends,
   * the first time the head the append handed over, if any.
   */
  private async runOnce(ownerKey: string, claimedUntil?: number, handed?: RecipientHead): Promise<RunResult> {
    if (this.stopping) return 'stopped';
    const claim =
      claimedUntil !== undefined
        ? { kind: 'claimed' as const, until: claimedUntil }
        : await this.store.claim(ownerKey, this.holder, this.options.now(), this.leaseMs, isStaleHolder);
    if (claim.kind === 'idle' || claim.kind === 'waiting') return claim.kind;
    if (claim.kind === 'busy') {
      // Another dispatcher is sending to this recipient, and may let it go without having seen what was just queued
      // (it looked before that was committed): look again shortly rather than at the next pass.
      this.rechecks.once(ownerKey, BUSY_RECHECK_MS, () => void this.run(ownerKey));
      return 'busy';
    }
    this.leases.set(ownerKey, claim.until);
    try {
      for (let head = handed; ; head = undefined) {
        const step = this.stopping ? 'stopped' : await this.sendHead(ownerKey, head);
        switch (step) {
          case 'next':
            continue;
          case 'empty':
            await this.store.release(ownerKey, this.holder);
            return 'idle';
          case 'idle':
            return 'idle';
          case 'later':
            return 'waiting';
          case 'lost':
            return 'busy';
          case 'stopped':
            if (!this.halted) await this.store.release(ownerKey, this.holder);
            return 'stopped';
        }
      }
    } finally {
      this.leases.delete(ownerKey);
    }
  }

  /** Sends the recipient's head entry (read, or as an append handed it over) and takes it off the queue, or leaves it. */
  private async sendHead(ownerKey: string, handed?: RecipientHead): Promise<Step> {
    const now = this.options.now();
    const { entry, leaseHolder, failures, callLog, superseded } =
      handed ?? (await this.store.head(ownerKey, now));
    if (!entry) return 'empty';
    if (leaseHolder !== this.holder) return 'lost';
    if (superseded) return this.dropSuperseded(ownerKey, entry);
    const waitMs = this.refreshes.waitFor(ownerKey, entry, now);
    if (waitMs > 0) {
      await this.store.release(ownerKey, this.holder);
      this.refreshes.later(ownerKey, waitMs, () => void this.run(ownerKey));
      return 'later';
    }
    const fields: LogFields = { recipient: ownerKey, entryId: entry.id, seq: entry.seq, ...fieldsOf(entry) };
    let delivered: Delivered;
    this.inFlight.set(ownerKey, entry.id);
    try {
      delivered = await this.sends.deliver(ownerKey, entry, fields, callLog);
    } finally {
      this.inFlight.delete(ownerKey);
    }
    this.claims.noteCallLog(ownerKey, delivered.callLog ?? callLog);
    const { outcome } = delivered;
    // Abandoned by stop(): the entry stays, to be sent again after a restart (at least once).
    if (this.halted) return 'stopped';
    if (outcome === 'sent' || outcome === 'dropped') {
      this.pacedCards.note(ownerKey, entry, delivered.shownPaced === true);
      this.refreshes.sent(ownerKey, entry, this.options.now());
      const ids = [entry.id, ...(delivered.batched ?? []).map((mate) => mate.id)];
      return this.takeOff(ownerKey, ids, delivered.callLog);
    }
    if (outcome === 'lost' || outcome === 'stopped') return outcome;
    if ('paced' in outcome) {
      await this.pace(ownerKey, outcome.paced, fields);
      return 'later';
    }
    await this.sends.backOff(ownerKey, failures, outcome.later, fields, delivered.callLog);
    return 'later';
  }

  /** A slot update with a newer render of its slot queued behind it: taken off unsent, the newer one goes. */
  private dropSuperseded(ownerKey: string, entry: OutboxEntry): Promise<Step> {
    const fields = { recipient: ownerKey, entryId: entry.id, slot: entry.slot };
    this.logger.debug(fields, 'slot update superseded; not sent');
    return this.takeOff(ownerKey, [entry.id]);
  }

  /**
   * Takes entries off the queue; the lease goes on (more to send), was let go with the last one, or was lost. Panel
   * refreshes the pacer holds back do not keep the lease: the recipient is let go in the same write, and run again
   * when their turn comes (before, the run read the held refresh at the head and let go in a write of its own).
   */
  private async takeOff(ownerKey: string, ids: readonly string[], callLog?: CallLog): Promise<Step> {
    const now = this.options.now();
    const until = now + this.leaseMs;
    const held = this.refreshes.held(ownerKey, now);
    const left = await this.store.remove(ownerKey, ids, this.holder, until, callLog, held?.priority);
    if (left === 'more') this.leases.set(ownerKey, until);
    if (left === 'empty' && held) this.refreshes.later(ownerKey, held.waitMs, () => void this.run(ownerKey));
    return left === 'more' ? 'next' : left === 'empty' ? 'idle' : 'lost';
  }

  /** Waits for Teams' budget: the recipient is let go until `notBefore`, and looked at again then. */
  private async pace(ownerKey: string, notBefore: number, fields: LogFields): Promise<void> {
    await this.store.pace(ownerKey, this.holder, notBefore);
    const waitMs = notBefore - this.options.now();
    this.logger.debug({ ...fields, waitMs }, 'paced to stay within Teams rate limits');
    if (this.pollMs === 0) return;
    this.paced.once(ownerKey, Math.max(0, waitMs), () => void this.run(ownerKey));
  }
}
