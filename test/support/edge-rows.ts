import { SqlCardSlots } from '../../src/store/sql/card-slots';
import { SqlConversationReferences } from '../../src/store/sql/conversation-references';
import { cardSlotOfKey } from '../../src/store/sql/migrations/0007-edge-rows';
import type { SqlDatabase } from '../../src/store/sql/open-database';
import { SqlPrechatStates } from '../../src/store/sql/prechat-states';

const PRECHAT = 'prechat:';

/**
 * Reads the bot edge's rows under the document keys tests still name them by, in the documents' shapes:
 * `card/<agent>:<slot>`, `reference/<kind>:<id>` and `customer/prechat:<customer>`; undefined for other keys.
 */
export function fromEdgeRows(database: SqlDatabase, key: string): (() => Promise<unknown>) | undefined {
  const slash = key.indexOf('/');
  const kind = key.slice(0, slash);
  const id = key.slice(slash + 1);
  if (kind === 'card') {
    const slot = cardSlotOfKey(id);
    return async () => (slot ? new SqlCardSlots(database).get(slot.agentKey, slot.slot) : undefined);
  }
  if (kind === 'reference') {
    const colon = id.indexOf(':');
    const owner = id.slice(0, colon);
    if (owner !== 'agent' && owner !== 'customer') return async () => undefined;
    return () => new SqlConversationReferences(database).get({ kind: owner, id: id.slice(colon + 1) });
  }
  if (kind === 'customer' && id.startsWith(PRECHAT)) {
    return () => new SqlPrechatStates(database).load(id.slice(PRECHAT.length));
  }
  return undefined;
}
