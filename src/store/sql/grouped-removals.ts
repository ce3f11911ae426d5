import { removeDelivered, type RemoveOutcome } from './outbox';
import type { SqlDatabase } from './open-database';

type Removal = Parameters<typeof removeDelivered>[1];

interface Waiting {
  readonly removal: Removal;
  readonly resolve: (outcome: RemoveOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Removals of delivered entries, committed together on SQLite (group commit). Sends to different recipients that end
 * in the same turn of the event loop (their answers came in one poll) are taken off in one transaction at the next
 * turn, instead of one transaction, and one commit, each: a commit was the costliest statement of a relayed message
 * (about 95 µs of its 800 µs in SQLite). Each removal keeps its own outcome. A recipient has one removal under way at
 * a time (its run awaits it), so a group never holds two for one recipient.
 *
 * PostgreSQL commits each alone: its commits overlap, and one transaction locking several recipients' rows could
 * meet another instance's in a different order. A removal asked for inside a transaction joins that transaction.
 */
export class GroupedRemovals {
  private waiting: Waiting[] | undefined;

  constructor(private readonly database: SqlDatabase) {}

  remove(removal: Removal): Promise<RemoveOutcome> {
    if (this.database.kind !== 'sqlite' || this.database.inTransaction()) return this.alone(removal);
    return new Promise<RemoveOutcome>((resolve, reject) => {
      if (!this.waiting) {
        this.waiting = [];
        setImmediate(() => void this.commit());
      }
      this.waiting.push({ removal, resolve, reject });
    });
  }

  private async commit(): Promise<void> {
    const group = this.waiting ?? [];
    this.waiting = undefined;
    try {
      const outcomes = await this.database.transaction(async (trx) => {
        const each: RemoveOutcome[] = [];
        for (const { removal } of group) each.push(await removeDelivered(trx, removal));
        return each;
      });
      group.forEach(({ resolve }, index) => resolve(outcomes[index]!));
    } catch (error) {
      if (group.length === 1) group[0]!.reject(error);
      // One removal that cannot be made must not hold back the others: each is tried again alone.
      else for (const { removal, resolve, reject } of group) this.alone(removal).then(resolve, reject);
    }
  }

  /** One removal in a transaction of its own (or in the open one, which it joins). */
  private alone(removal: Removal): Promise<RemoveOutcome> {
    return this.database.transaction((trx) => removeDelivered(trx, removal));
  }
}
