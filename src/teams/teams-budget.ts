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
import type { OutboxStore } from './outbox-store';

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

  /** Takes one call of the tenant's budget now and answers `now`, or answers when to try again. */
  async reserveTenant(reference: Partial<ConversationReference>, now: number): Promise<number> {
    const slot = this.slotOf(now);
    if (await this.store.reserveTenantCall(tenantOf(reference), slot, this.perSlot)) return now;
    return slot + this.slotMs;
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
