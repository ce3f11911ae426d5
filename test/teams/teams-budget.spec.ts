import type { ConversationReference } from 'botbuilder';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore } from '../../src/store/sql/outbox-store';
import { TeamsBudget } from '../../src/teams/teams-budget';
import { silentLogger } from '../../src/app/ports';
import type { CallLog } from '../../src/domain/call-budget';
import { EntrySender } from '../../src/teams/outbox-entry-sender';
import type { OutboxOptions } from '../../src/teams/outbox-options';
import type { OutboxEntry, OutboxStore } from '../../src/teams/outbox-store';

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
    for (let call = 0; call < 12; call += 1)
      granted.push(await budget.reserveTenant(`agent:${call}`, chat(`a:${call}`), T0));
    expect(granted.filter((at) => at === T0)).toHaveLength(10);
    expect(granted.slice(10)).toEqual([T0 + 250, T0 + 250]);
    expect(await budget.reserveTenant('agent:a:other', chat('a:other', 'fabrikam'), T0)).toBe(T0);
    expect(await budget.reserveTenant('agent:a:1', chat('a:1'), T0 + 250)).toBe(T0 + 250);
  });

  it('makes later sends wait for calls made without a reservation (a card gone from Teams posted anew)', async () => {
    for (let call = 0; call < 8; call += 1) await budget.reserveTenant('agent:a:1', chat('a:1'), T0);
    await budget.chargeTenant(chat('a:1'), 2, T0 + 10);
    expect(await budget.reserveTenant('agent:a:2', chat('a:2'), T0 + 20)).toBe(T0 + 250);
  });

  it('asks for a call ahead only for a Teams conversation whose own budget lets its next send go now', () => {
    expect(budget.callAhead('agent:a:1', chat('a:1'), undefined, T0)).toEqual({
      tenant: 'contoso',
      slot: T0,
      max: 10,
    });
    expect(budget.callAhead('customer:w:1', { channelId: 'webchat' }, undefined, T0)).toBeUndefined();
    let spent: CallLog | undefined;
    for (let call = 0; call < 7; call += 1) spent = budget.record(spent, 1, T0);
    expect(budget.callAhead('agent:a:1', chat('a:1'), spent, T0 + 10)).toBeUndefined();
  });

  it('uses a call reserved ahead in its slot without reserving again; one from an earlier slot lapses unused', async () => {
    const store = new SqlOutboxStore(database);
    const reserved: number[] = [];
    const counting = new TeamsBudget({
      reserveTenantCall: (tenant, slot, max) => {
        reserved.push(slot - T0);
        return store.reserveTenantCall(tenant, slot, max);
      },
      chargeTenantCalls: (tenant, slot, calls) => store.chargeTenantCalls(tenant, slot, calls),
    });
    counting.reservedAhead(
      'agent:alex',
      counting.callAhead('agent:alex', chat('a:alex'), undefined, T0 + 5)!,
    );
    // Held for this slot: no second call is asked for.
    expect(counting.callAhead('agent:alex', chat('a:alex'), undefined, T0 + 6)).toBeUndefined();
    expect(await counting.reserveTenant('agent:alex', chat('a:alex'), T0 + 7)).toBe(T0 + 7);
    expect(reserved).toEqual([]);
    // Used once: the next send reserves its own.
    expect(await counting.reserveTenant('agent:alex', chat('a:alex'), T0 + 8)).toBe(T0 + 8);
    expect(reserved).toEqual([0]);

    counting.reservedAhead(
      'agent:alex',
      counting.callAhead('agent:alex', chat('a:alex'), undefined, T0 + 9)!,
    );
    expect(await counting.reserveTenant('agent:alex', chat('a:alex'), T0 + 250)).toBe(T0 + 250);
    expect(reserved).toEqual([0, 250]);
  });
});

describe('a send the conversation cannot make yet', () => {
  it('waits without spending a call of the tenant’s budget', async () => {
    let tenantCalls = 0;
    const budget = new TeamsBudget({
      reserveTenantCall: () => {
        tenantCalls += 1;
        return Promise.resolve(true);
      },
      chargeTenantCalls: () => Promise.resolve(),
    });
    let callLog: CallLog | undefined;
    for (let call = 0; call < 7; call += 1) callLog = budget.record(callLog, 1, T0);
    const sender = new EntrySender({
      options: {
        references: { get: () => Promise.resolve(chat('a:1')) },
        now: () => T0 + 10,
      } as unknown as OutboxOptions,
      store: {} as OutboxStore,
      logger: silentLogger,
      holder: 'test',
      leases: new Map(),
      leaseMs: 60_000,
      random: () => 0.5,
      signal: new AbortController().signal,
      budget,
    });
    const entry = {
      id: 'e-1',
      seq: 1,
      owner: { kind: 'agent', id: 'alex' },
      relaydeskId: 'r-1',
    } as OutboxEntry;
    const delivered = await sender.deliver('agent:alex', entry, {}, callLog);
    expect(delivered.outcome).toEqual({ paced: T0 + 1_000 });
    expect(tenantCalls).toBe(0);
  });
});
