import { randomUUID } from 'node:crypto';
import type { OutboxEntry, OutboxMessage, OutboxStore } from './outbox-store';
import type { TeamsBudget } from './teams-budget';

export interface PacedCardsPorts {
  readonly budget?: Pick<TeamsBudget, 'isShort'> | undefined;
  readonly store: Pick<OutboxStore, 'head'>;
  readonly now: () => number;
  readonly enqueue: (message: OutboxMessage) => Promise<void>;
}

/**
 * The slot cards last sent saying delivery is paced ("Busy — messages are grouped"), per recipient. Each is
 * rendered again, as it was, once its recipient has nothing waiting and the budget is no longer short, so the
 * notice does not outlive the rush.
 */
export class PacedCards {
  private readonly cards = new Map<string, OutboxEntry>();

  constructor(private readonly ports: PacedCardsPorts) {}

  /** A slot card went out, saying delivery is paced or not. */
  note(ownerKey: string, entry: OutboxEntry, shownPaced: boolean): void {
    const known = this.cards.get(ownerKey);
    if (shownPaced) this.cards.set(ownerKey, entry);
    else if (known && known.slot === entry.slot) this.cards.delete(ownerKey);
  }

  async calmDown(): Promise<void> {
    const { budget, store, now, enqueue } = this.ports;
    if (!budget) return;
    for (const [ownerKey, card] of [...this.cards]) {
      const at = now();
      const { entry, callLog } = await store.head(ownerKey, at);
      if (entry || budget.isShort(callLog, at)) continue;
      this.cards.delete(ownerKey);
      const relaydeskId = randomUUID();
      const { id: _id, seq: _seq, enqueuedAt: _at, ...message } = card;
      const channelData = { ...(card.activity.channelData as object | undefined), relaydeskId };
      await enqueue({ ...message, relaydeskId, activity: { ...card.activity, channelData } });
    }
  }
}
