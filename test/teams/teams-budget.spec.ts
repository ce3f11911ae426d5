import type { ConversationReference } from 'botbuilder';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore } from '../../src/store/sql/outbox-store';
import { TeamsBudget } from '../../src/teams/teams-budget';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const chat = (id: string, tenantId = 'contoso'): Partial<ConversationReference> =>
  ({ channelId: 'msteams', conversation: { id, tenantId } }) as Partial<ConversationReference>;

describe('the Teams budget', () => {
  let database: SqlDatabase;
  let budget: TeamsBudget;

  beforeEach(async () => {
    database = openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrateToLatest(database);
    budget = new TeamsBudget(new SqlOutboxStore(database));
  });

  afterEach(async () => {
    await database.close();
  });

  it('counts only Teams conversations', () => {
    expect(budget.applies(chat('a:1'))).toBe(true);
    expect(budget.applies({ channelId: 'webchat' })).toBe(false);
  });

  it('gives a tenant 10 calls per quarter second (50 in any second), each tenant its own', async () => {
    const granted: number[] = [];
    for (let call = 0; call < 12; call += 1) granted.push(await budget.reserveTenant(chat(`a:${call}`), T0));
    expect(granted.filter((at) => at === T0)).toHaveLength(10);
    expect(granted.slice(10)).toEqual([T0 + 250, T0 + 250]);
    expect(await budget.reserveTenant(chat('a:other', 'fabrikam'), T0)).toBe(T0);
    expect(await budget.reserveTenant(chat('a:1'), T0 + 250)).toBe(T0 + 250);
  });

  it('makes later sends wait for calls made without a reservation (a card gone from Teams posted anew)', async () => {
    for (let call = 0; call < 8; call += 1) await budget.reserveTenant(chat('a:1'), T0);
    await budget.chargeTenant(chat('a:1'), 2, T0 + 10);
    expect(await budget.reserveTenant(chat('a:2'), T0 + 20)).toBe(T0 + 250);
  });
});
