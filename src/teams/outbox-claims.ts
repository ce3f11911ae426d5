import type { Logger } from '../app/ports';
import type { CallLog } from '../domain/call-budget';
import { DEFAULTS, type OutboxOptions } from './outbox-options';
import type { AppendClaim, AppendResult, OutboxMessage, RecipientHead } from './outbox-store';

/** Recipients whose call logs are kept, at most; beyond it the map starts afresh (a log is only a hint here). */
const MAX_CALL_LOGS = 10_000;
/** Heads handed over and not taken, at most: only appends whose transaction rolled back leave one behind. */
const MAX_HANDED_HEADS = 10_000;

/**
 * What an append takes besides its entry: the lease for this dispatcher and, for an agent's Teams chat, the tenant
 * call of the run's first send, reserved in the append's transaction instead of in one of its own as the send starts
 * (a commit fewer per relayed message). Whether that send may go at once is told from the chat's call log as its
 * last send here left it; a log another instance changed since can only make the call go unused (the send is
 * paced), never one too many.
 */
export class AppendClaims {
  /** Each recipient's call log as its last send here left it. */
  private readonly callLogs = new Map<string, CallLog>();

  constructor(
    private readonly options: Pick<OutboxOptions, 'budget' | 'references'>,
    private readonly holder: string,
    private readonly leaseMs: number,
  ) {}

  /**
   * The claim for an append. Only agents' chats get a call: their references are kept in memory, a customer's would
   * be a read for every reply (and most customers are not in Teams).
   */
  async claimFor(message: OutboxMessage, ownerKey: string, now: number): Promise<AppendClaim> {
    const claim = { holder: this.holder, until: now + this.leaseMs };
    const { budget } = this.options;
    if (!budget || message.owner.kind !== 'agent') return claim;
    const reference = await this.options.references.get(message.owner);
    const call = reference && budget.callAhead(ownerKey, reference, this.callLogs.get(ownerKey), now);
    return call ? { ...claim, call } : claim;
  }

  /** The append's transaction committed: a call it reserved is the run's first send's. */
  committed(ownerKey: string, claim: AppendClaim | undefined, callReserved: boolean | undefined): void {
    if (callReserved && claim?.call) this.options.budget?.reservedAhead(ownerKey, claim.call);
  }

  /** Keeps the recipient's call log as a send left it. */
  noteCallLog(ownerKey: string, callLog: CallLog | undefined): void {
    if (!callLog) return;
    if (this.callLogs.size >= MAX_CALL_LOGS && !this.callLogs.has(ownerKey)) this.callLogs.clear();
    this.callLogs.set(ownerKey, callLog);
  }
}

/**
 * The head each recipient's last append handed over (AppendResult.head), until the run that append starts takes it.
 * Every append to the recipient replaces it or, handing none, removes it: a run never sends as the head an entry that
 * another append may have put something before (a more urgent one) or behind (a newer render of its slot).
 */
export class HandedHeads {
  private readonly heads = new Map<string, RecipientHead>();

  keep(ownerKey: string, head: RecipientHead | undefined): void {
    if (!head) {
      this.heads.delete(ownerKey);
      return;
    }
    if (this.heads.size >= MAX_HANDED_HEADS) this.heads.clear();
    this.heads.set(ownerKey, head);
  }

  /** `head` when it is still the recipient's last append's (it is then taken), else undefined: the run reads the head. */
  take(ownerKey: string, head: RecipientHead | undefined): RecipientHead | undefined {
    if (!head || this.heads.get(ownerKey) !== head) return undefined;
    this.heads.delete(ownerKey);
    return head;
  }
}

/**
 * Logs what an append found (a slot update older than one queued, a long queue, a render coalesced); false when the
 * message was not queued (outdated), so nothing is to be sent for it.
 */
export function reportAppend(
  logger: Logger,
  queueWarnLength: number | undefined,
  ownerKey: string,
  message: OutboxMessage,
  { length, replacedId, outdated }: AppendResult,
): boolean {
  const fields = { recipient: ownerKey, slot: message.slot, relaydeskId: message.relaydeskId };
  if (outdated) {
    logger.debug({ ...fields, ...outdated }, 'slot update older than one already queued; not sent');
    return false;
  }
  const limit = queueWarnLength ?? DEFAULTS.queueWarnLength;
  if (length > limit && (length - limit - 1) % 100 === 0) {
    logger.error(
      { recipient: ownerKey, pending: length, limit },
      'outbox queue is long: the connector is not taking messages for this recipient (all are kept)',
    );
  }
  if (replacedId) {
    logger.debug({ ...fields, replaced: replacedId }, 'slot update coalesced with a pending one');
  }
  return true;
}
