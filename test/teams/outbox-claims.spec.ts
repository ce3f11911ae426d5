import type { CustomerMessageView } from '../../src/app/views';
import { TeamsBudget } from '../../src/teams/teams-budget';
import { FakeClock } from '../support/harness';
import { startTeamsOutbox, type TeamsOutbox } from '../support/teams-outbox';

const TENANT = 'contoso-tenant';
const START = Date.UTC(2026, 0, 5, 10, 0, 0);

const relayed = (n: number): CustomerMessageView => ({
  kind: 'customer-message',
  sessionId: 's1',
  title: 'Visitor 1',
  icon: 'V1',
  text: `message ${n}`,
  truncated: false,
  sentiment: 'Neutral',
  alert: false,
  sentAt: START,
  draft: '',
});

describe("the tenant call of a run's first send", () => {
  let teams: TeamsOutbox | undefined;

  afterEach(async () => {
    await teams?.close();
  });

  it('is reserved with the append that takes the lease, and each call the chat gets is counted once', async () => {
    const clock = new FakeClock(START);
    let reservedAtSend = 0;
    teams = await startTeamsOutbox(clock, {
      budget: (store) =>
        new TeamsBudget({
          reserveTenantCall: (tenant, slot, max) => {
            reservedAtSend += 1;
            return store.reserveTenantCall(tenant, slot, max);
          },
          chargeTenantCalls: (tenant, slot, calls) => store.chargeTenantCalls(tenant, slot, calls),
        }),
      outbox: { awaitDelivery: true },
    });
    const { connector, outbox, notifier, database } = teams;
    await teams.addAgent('alex', TENANT);

    // One message a second: each append finds the chat idle, takes its lease and reserves the send's call with it.
    for (let n = 1; n <= 5; n += 1) {
      await notifier.toAgent('alex', relayed(n));
      clock.advance(1_000);
    }
    expect(connector.posted('a:chat-alex')).toHaveLength(5);
    expect(reservedAtSend).toBe(0);
    const counted = await database.db
      .selectFrom('teams_tenant_calls')
      .select((eb) => eb.fn.sum<number>('calls').as('calls'))
      .where('tenant', '=', TENANT)
      .executeTakeFirst();
    expect(Number(counted?.calls)).toBe(5);

    // Eight in the same second: the chat's own budget (7 a second) holds the eighth back. Its append reserves no call
    // (the call log kept here says the send cannot go at once); the send reserves its own once the budget allows.
    for (let n = 6; n <= 13; n += 1) await notifier.toAgent('alex', relayed(n));
    expect(reservedAtSend).toBe(0);
    for (let step = 0; step < 20 && (await outbox.pending()) > 0; step += 1) {
      clock.advance(500);
      await outbox.drain();
    }
    expect(await outbox.pending()).toBe(0);
    expect(reservedAtSend).toBe(1);
    expect(connector.throttled).toEqual([]);
    const calls = connector.tenantLimits(TENANT).accepted;
    const total = await database.db
      .selectFrom('teams_tenant_calls')
      .select((eb) => eb.fn.sum<number>('calls').as('calls'))
      .where('tenant', '=', TENANT)
      .executeTakeFirst();
    expect(Number(total?.calls)).toBe(calls);
  });
});
