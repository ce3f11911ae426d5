import type { SendOutcome } from '../app/deliveries';
import type { LogFields, Logger, Random } from '../app/ports';
import type { ReferenceOwner } from './conversation-references';
import { classifySendError, messageOf, statusOfSendError, type SendFailure } from './delivery';
import { DEFAULTS, type OutboxOptions } from './outbox-options';
import type { OutboxEntry, OutboxStore } from './outbox-store';
import type { TeamsBudget } from './teams-budget';
import type { CallLog } from '../domain/call-budget';

/**
 * How one entry's send ended: taken off the queue (sent or dropped), left to another dispatcher, kept after a
 * failure, or not tried because Teams' budget is spent until `paced`.
 */
export type Outcome =
  'sent' | 'dropped' | 'lost' | 'stopped' | { readonly later: SendFailure } | { readonly paced: number };

/**
 * An outcome, the recipient's call log once the calls made are counted (unchanged when none were), and the entries
 * sent in the same message as the head (a batch), which leave the queue with it.
 */
export interface Delivered {
  readonly outcome: Outcome;
  readonly callLog?: CallLog;
  readonly batched?: readonly OutboxEntry[];
  /** A slot's card was rendered saying delivery is paced: it is rendered again once the budget recovers. */
  readonly shownPaced?: boolean;
}

/** The dispatcher stopped: a send between attempts ends, its entry stays for the next start. */
export class OutboxStopped extends Error {
  override readonly name = 'OutboxStopped';
}

/** Another process took the recipient over (our lease expired). */
class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}

export interface EntrySenderDeps {
  readonly options: OutboxOptions;
  readonly store: OutboxStore;
  readonly logger: Logger;
  /** This dispatcher's name on the leases it holds. */
  readonly holder: string;
  /** Lease deadlines of the recipients this dispatcher is sending to (shared with the Outbox). */
  readonly leases: Map<string, number>;
  readonly leaseMs: number;
  readonly random: Random;
  /** Aborted when the outbox stops. */
  readonly signal: AbortSignal;
  /** Teams' rate limits; without it nothing is counted. */
  readonly budget?: TeamsBudget;
}

/**
 * Sends one head entry through the sender with its recipient's lease kept alive, tells onSettled how it ended,
 * and backs the recipient off when the send keeps failing.
 */
export class EntrySender {
  constructor(private readonly deps: EntrySenderDeps) {}

  /**
   * Sends the entry (or drops it: no reference, or refused for good); retryable failures come back as `later`. A
   * Teams conversation is sent to only within its budget and its tenant's; otherwise the entry waits (`paced`).
   */
  async deliver(
    ownerKey: string,
    entry: OutboxEntry,
    fields: LogFields,
    callLog?: CallLog,
  ): Promise<Delivered> {
    const reference = await this.deps.options.references.get(entry.owner);
    if (!reference) {
      this.deps.logger.warn(
        { ...fields, owner: entry.owner.kind },
        'no conversation reference, send skipped',
      );
      await this.settled(entry, { kind: 'failed', reason: 'no conversation reference' }, fields);
      return { outcome: 'dropped' };
    }
    const budget = this.deps.budget?.applies(reference) ? this.deps.budget : undefined;
    const now = this.deps.options.now();
    if (budget) {
      // The conversation first: a tenant call is reserved only for a send that goes now.
      const conversationAt = budget.conversationReadyAt(callLog, now);
      const readyAt =
        conversationAt > now ? conversationAt : await budget.reserveTenant(ownerKey, reference, now);
      if (readyAt > now) return { outcome: { paced: readyAt } };
    }
    const paced = budget?.isShort(callLog, now) ?? false;
    const batched = paced ? await this.batchOf(ownerKey, entry) : [];
    const sending = this.composed(entry, batched, paced, fields);
    if (!sending) {
      await this.settled(entry, { kind: 'failed', reason: 'the card could not be made' }, fields);
      return { outcome: 'dropped' };
    }
    let calls = 0;
    const outcome = await this.attempt(ownerKey, reference, sending, fields, () => (calls += 1));
    if (outcome === 'sent') {
      for (const mate of batched) await this.settled(mate, { kind: 'delivered' }, fieldsOf(mate));
    }
    const sent = {
      ...(outcome === 'sent' && batched.length > 0 ? { batched } : {}),
      ...(outcome === 'sent' && paced && entry.view !== undefined && entry.slot !== undefined
        ? { shownPaced: true }
        : {}),
    };
    if (!budget || calls === 0) return { outcome, ...sent };
    const after = this.deps.options.now();
    await budget.chargeTenant(reference, calls - 1, after);
    return { outcome, callLog: budget.record(callLog, calls, after), ...sent };
  }

  /** The entries of the head's batch waiting behind it, as many as fit in one message. */
  private async batchOf(ownerKey: string, entry: OutboxEntry): Promise<readonly OutboxEntry[]> {
    if (entry.batch === undefined) return [];
    const waiting = await this.deps.store.batchAfter(ownerKey, entry.batch, entry, DEFAULTS.batchEntries - 1);
    const fitting: OutboxEntry[] = [];
    let chars = sizeOf(entry);
    for (const mate of waiting) {
      chars += sizeOf(mate);
      if (chars > DEFAULTS.batchChars) break;
      fitting.push(mate);
    }
    return fitting;
  }

  /**
   * The entry as it is sent: kept as a view or sent with a batch, its activity made now (by `compose`); undefined
   * when that fails (logged: the entry cannot be sent at all).
   */
  private composed(
    entry: OutboxEntry,
    batched: readonly OutboxEntry[],
    paced: boolean,
    fields: LogFields,
  ): OutboxEntry | undefined {
    if (entry.view === undefined && batched.length === 0) return entry;
    try {
      return { ...entry, activity: this.deps.options.compose([entry, ...batched], { paced }) };
    } catch (error) {
      this.deps.logger.error({ ...fields, err: error }, 'card could not be rendered, send skipped');
      return undefined;
    }
  }

  private async attempt(
    ownerKey: string,
    reference: NonNullable<Awaited<ReturnType<OutboxOptions['references']['get']>>>,
    entry: OutboxEntry,
    fields: LogFields,
    counted: () => void,
  ): Promise<Outcome> {
    try {
      await this.deps.options.sender.send(reference, entry, fields, {
        signal: this.deps.signal,
        beforeAttempt: () => this.keepLease(ownerKey),
        onCall: counted,
      });
      await this.settled(entry, { kind: 'delivered' }, fields);
      return 'sent';
    } catch (error) {
      if (error instanceof LeaseLost) {
        this.deps.logger.warn(fields, 'another dispatcher took this recipient over; leaving it the entry');
        return 'lost';
      }
      if (error instanceof OutboxStopped) return 'stopped';
      const failure = classifySendError(error, Date.now());
      if (failure.retryable) return { later: failure };
      const status = statusOfSendError(error);
      this.deps.logger.error(
        { ...fields, status, reason: messageOf(error) },
        'send failed for good, skipped',
      );
      await this.settled(
        entry,
        { kind: 'failed', reason: messageOf(error), ...(status !== undefined ? { status } : {}) },
        fields,
      );
      return 'dropped';
    }
  }

  private async settled(entry: OutboxEntry, outcome: SendOutcome, fields: LogFields): Promise<void> {
    if (!this.deps.options.onSettled) return;
    try {
      await this.deps.options.onSettled(entry, outcome);
    } catch (error) {
      this.deps.logger.warn({ ...fields, reason: messageOf(error) }, 'recording how a send ended failed');
    }
  }

  /** The head stays: the recipient waits longer after each pass that could not deliver it. */
  async backOff(
    ownerKey: string,
    failedBefore: number,
    failure: SendFailure,
    fields: LogFields,
    callLog?: CallLog,
  ): Promise<void> {
    const failures = failedBefore + 1;
    const base = this.deps.options.retryBaseMs ?? DEFAULTS.retryBaseMs;
    const ceiling = Math.min(this.deps.options.retryMaxMs ?? DEFAULTS.retryMaxMs, base * 2 ** (failures - 1));
    const jittered = Math.round(ceiling / 2 + (this.deps.random() * ceiling) / 2);
    const waitMs = Math.max(jittered, failure.retryAfterMs ?? 0);
    const notBefore = this.deps.options.now() + waitMs;
    await this.deps.store.backOff(
      ownerKey,
      this.deps.holder,
      { failures, notBefore, ...(failure.status !== undefined ? { status: failure.status } : {}) },
      callLog,
    );
    this.deps.logger.warn(
      { ...fields, status: failure.status, failures, waitMs },
      'send still failing; kept in the outbox, later sends to this recipient wait behind it',
    );
  }

  /** Renews the lease when half of it has run out; throws LeaseLost if another dispatcher has it now. */
  private async keepLease(ownerKey: string): Promise<void> {
    const now = this.deps.options.now();
    const until = this.deps.leases.get(ownerKey) ?? now;
    if (until - now > this.deps.leaseMs / 2) return;
    const next = now + this.deps.leaseMs;
    if (!(await this.deps.store.renew(ownerKey, this.deps.holder, next))) throw new LeaseLost('lease lost');
    this.deps.leases.set(ownerKey, next);
  }
}

function sizeOf(entry: OutboxEntry): number {
  return JSON.stringify(entry.view ?? entry.activity).length;
}

export function fieldsOf(entry: OutboxEntry): LogFields {
  const owner: ReferenceOwner = entry.owner;
  return {
    [owner.kind === 'agent' ? 'agentId' : 'customerId']: owner.id,
    relaydeskId: entry.relaydeskId,
    ...(entry.label !== undefined ? { view: entry.label } : {}),
    ...(entry.slot !== undefined ? { slot: entry.slot } : {}),
    ...(entry.replaces !== undefined ? { replaces: entry.replaces } : {}),
  };
}
