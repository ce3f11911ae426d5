import type { Migration } from 'kysely';
import { openStore, type StoreHandle } from '../../src/store/create-storage';
import { MIGRATIONS } from '../../src/store/sql';
import { checkReadiness } from '../../src/store/sql/readiness';

const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);
const MINUTE = 60_000;

describe('checkReadiness (GET /readyz)', () => {
  let store: StoreHandle;

  beforeEach(async () => {
    store = openStore({ store: 'memory', sqlitePath: '', databaseUrl: '', databasePoolSize: 1 });
    await store.ready();
  });
  afterEach(async () => {
    await store.close();
  });

  const options = { now: NOW, outboxMaxAgeMs: 5 * MINUTE, timeoutMs: 2000 };

  async function queueSend(recipient: string, enqueuedAt: number, backoffUntil: number | null = null) {
    await store.database.db
      .insertInto('outbox_recipients')
      .values({
        recipient,
        owner_kind: 'customer',
        owner_id: recipient,
        backoff_not_before: backoffUntil,
      })
      .execute();
    await store.database.db
      .insertInto('outbox_entries')
      .values({
        id: `entry-${recipient}`,
        recipient,
        seq: 1,
        relaydesk_id: `send-${recipient}`,
        slot: null,
        version: null,
        replaces: null,
        reply_to_id: null,
        label: null,
        activity: '{"type":"message","text":"hi"}',
        enqueued_at: enqueuedAt,
        view: null,
        batch: null,
      })
      .execute();
  }

  it('passes every check on a migrated database with nothing waiting', async () => {
    expect(await checkReadiness(store.database, options)).toEqual([
      { name: 'database', ok: true, detail: 'answers' },
      { name: 'migrations', ok: true, detail: `${Object.keys(MIGRATIONS).length} applied` },
      { name: 'outbox', ok: true, detail: 'nothing due' },
    ]);
  });

  it('fails "migrations", naming those not applied, when this build knows one the database lacks', async () => {
    const newer: Migration = { up: () => Promise.resolve() };
    const checks = await checkReadiness(store.database, {
      ...options,
      migrations: { ...MIGRATIONS, '9999-from-the-future': newer },
    });
    expect(checks.find((check) => check.name === 'migrations')).toEqual({
      name: 'migrations',
      ok: false,
      detail: 'not applied: 9999-from-the-future',
    });
  });

  it('fails "outbox" when a due send has waited past the bound, and not for one backing off or within it', async () => {
    await queueSend('customer:recent', NOW - 4 * MINUTE);
    await queueSend('customer:backing-off', NOW - 60 * MINUTE, NOW + MINUTE);
    const outbox = async (maxAgeMs = options.outboxMaxAgeMs) =>
      (await checkReadiness(store.database, { ...options, outboxMaxAgeMs: maxAgeMs })).find(
        (check) => check.name === 'outbox',
      );
    expect(await outbox()).toEqual({
      name: 'outbox',
      ok: true,
      detail: 'the oldest due send has waited 240 s',
    });

    await queueSend('customer:stuck', NOW - 6 * MINUTE);
    expect(await outbox()).toEqual({
      name: 'outbox',
      ok: false,
      detail: 'the oldest due send has waited 360 s (more than 300 s)',
    });
    // 0 turns the check off.
    expect((await outbox(0))?.ok).toBe(true);
  });

  it('fails "database" alone, with the reason, once the database is closed', async () => {
    await store.database.close();
    const checks = await checkReadiness(store.database, options);
    expect(checks).toEqual([{ name: 'database', ok: false, detail: expect.any(String) }]);
    expect(checks[0]?.detail).not.toBe('');
  });
});
