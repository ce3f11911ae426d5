import type { ConversationReference } from 'botbuilder';
import {
  EMPTY_CALL_LOG,
  isBudgetShort,
  nextCallAt,
  recordCall,
  TEAMS_CONVERSATION_WINDOWS,
  TEAMS_TENANT_WINDOWS,
  type CallLog,
  type RateWindow,
} from '../domain/call-budget';
import type { OutboxStore, TenantCall } from './outbox-store';

export interface TeamsLimits {
  /** Per bot and conversation (thread). */
  readonly conversation: readonly RateWindow[];
  /** Per app and tenant, every conversation together: one window. */
  readonly tenant: RateWindow;
}

export const TEAMS_LIMITS: TeamsLimits = {
  conversation: TEAMS_CONVERSATION_WINDOWS,
  tenant: TEAMS_TENANT_WINDOWS[0]!,
};

/** Tenants are reserved in slots of a quarter window; a window then spans at most five slots. */
const SLOTS_PER_WINDOW = 4;

const DEFAULT_TENANT = 'default';

/** Recipients with a call reserved ahead, past which the ones of earlier slots are forgotten (they lapsed unused). */
const MAX_AHEAD = 1000;

function tenantOf(reference: Partial<ConversationReference>): string {
  return reference.conversation?.tenantId || DEFAULT_TENANT;
}

/**
 * Teams' rate limits, checked before each call instead of learnt from 429s. A conversation's budget is kept in its
 * outbox recipient's call log (one instance sends to it at a time, under the lease); the tenant's is reserved in
 * the database per quarter window, so every instance spends the one budget. Only Teams conversations are counted:
 * the other channels have no such limits.
 */
export class TeamsBudget {
  /** Calls reserved ahead, per recipient: the slot each was taken in (used by the next send, or left to lapse). */
  private readonly ahead = new Map<string, number>();
  private readonly slotMs: number;
  /** Calls per slot: any window spans at most SLOTS_PER_WINDOW + 1 slots, so a window never holds more than its limit. */
  private readonly perSlot: number;

  constructor(
    private readonly store: Pick<OutboxStore, 'reserveTenantCall' | 'chargeTenantCalls'>,
    private readonly limits: TeamsLimits = TEAMS_LIMITS,
  ) {
    this.slotMs = Math.max(1, Math.floor(limits.tenant.windowMs / SLOTS_PER_WINDOW));
    this.perSlot = Math.max(1, Math.floor(limits.tenant.limit / (SLOTS_PER_WINDOW + 1)));
  }

  /** Whether sends through this reference are counted: Teams conversations only. */
  applies(reference: Partial<ConversationReference>): boolean {
    return reference.channelId === 'msteams';
  }

  /** When the next call to the conversation may go (`now` when it may go now). */
  conversationReadyAt(callLog: CallLog | undefined, now: number): number {
    return nextCallAt(callLog ?? EMPTY_CALL_LOG, this.limits.conversation, now);
  }

  /** Whether the conversation's budget is short: waiting messages are then grouped, and the agent told. */
  isShort(callLog: CallLog | undefined, now: number): boolean {
    return isBudgetShort(callLog ?? EMPTY_CALL_LOG, this.limits.conversation, now);
  }

  /**
   * Takes one call of the tenant's budget now and answers `now`, or answers when to try again. A call reserved ahead
   * for the recipient in this slot (with the append that started its run) is used instead; one from an earlier slot
   * is left unused, so a window never counts a call in a slot it does not span.
   */
  async reserveTenant(
    recipient: string,
    reference: Partial<ConversationReference>,
    now: number,
  ): Promise<number> {
    const slot = this.slotOf(now);
    const ahead = this.ahead.get(recipient);
    this.ahead.delete(recipient);
    if (ahead === slot) return now;
    if (await this.store.reserveTenantCall(tenantOf(reference), slot, this.perSlot)) return now;
    return slot + this.slotMs;
  }

  /**
   * The tenant call to reserve ahead for the recipient's next send, with the append that starts its run: none when
   * the conversation's own budget (as last known here) will hold that send back, or one is held for this slot already.
   */
  callAhead(
    recipient: string,
    reference: Partial<ConversationReference>,
    callLog: CallLog | undefined,
    now: number,
  ): TenantCall | undefined {
    if (!this.applies(reference) || this.conversationReadyAt(callLog, now) > now) return undefined;
    const slot = this.slotOf(now);
    if (this.ahead.get(recipient) === slot) return undefined;
    return { tenant: tenantOf(reference), slot, max: this.perSlot };
  }

  /** A call asked for ahead was reserved (and committed): the recipient's next send in that slot uses it. */
  reservedAhead(recipient: string, call: TenantCall): void {
    if (this.ahead.size >= MAX_AHEAD) {
      for (const [held, slot] of this.ahead) if (slot < call.slot) this.ahead.delete(held);
    }
    this.ahead.set(recipient, call.slot);
  }

  /**
   * Counts calls made beyond the one reserved (the post replacing a card gone from Teams, a retry after a 429),
   * so the tenant's next sends wait for them; rare, and a window may then briefly hold one call too many.
   */
  async chargeTenant(reference: Partial<ConversationReference>, calls: number, now: number): Promise<void> {
    if (calls > 0) await this.store.chargeTenantCalls(tenantOf(reference), this.slotOf(now), calls);
  }

  private slotOf(now: number): number {
    return Math.floor(now / this.slotMs) * this.slotMs;
  }

  /** The log with `calls` more calls, made by `at` (counted when their answers came, so never early). */
  record(callLog: CallLog | undefined, calls: number, at: number): CallLog {
    let log = callLog ?? EMPTY_CALL_LOG;
    for (let call = 0; call < calls; call += 1) log = recordCall(log, at, this.limits.conversation);
    return log;
  }
}
