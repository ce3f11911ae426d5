import type { SqlDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore, type OutboxMessageRow } from '../../src/store/sql/outbox-store';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';

const T0 = 1_767_225_600_000;
const LEASE_MS = 30_000;
const ROUNDS = 100_000;

interface Sent {
  readonly recipient: string;
  readonly seq: number;
  readonly relaydeskId: string;
  readonly version?: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function message(id: string, relaydeskId: string, extra: Partial<OutboxMessageRow> = {}): OutboxMessageRow {
  return {
    owner: { kind: 'agent', id },
    relaydeskId,
    activity: { type: 'message', text: relaydeskId, channelData: { relaydeskId } },
    ...extra,
  };
}

/**
 * A dispatcher reduced to its store calls: claims each pending recipient, sends its head until the queue is
 * empty, lets go. Runs until `done()` says no more is coming and nothing is pending.
 */
async function dispatch(
  store: SqlOutboxStore,
  holder: string,
  sent: Sent[],
  done: () => boolean = () => true,
): Promise<void> {
  for (let round = 0; round < ROUNDS; round += 1) {
    const pending = await store.recipients();
    if (pending.length === 0 && done()) return;
    for (const { recipient } of pending) {
      const claim = await store.claim(recipient, holder, T0, LEASE_MS, () => false);
      if (claim.kind !== 'claimed') continue;
      for (let step = 0; step < ROUNDS; step += 1) {
        const { entry, leaseHolder } = await store.head(recipient, T0);
        if (!entry || leaseHolder !== holder) break;
        const { seq, relaydeskId, version } = entry;
        sent.push({ recipient, seq, relaydeskId, ...(version !== undefined ? { version } : {}) });
        await store.remove(recipient, [entry.id], holder, T0 + LEASE_MS);
      }
      await store.release(recipient, holder);
    }
    // Another dispatcher holds what is left: give it a turn.
    await nextTurn();
  }
  throw new Error(`${holder} did not finish in ${ROUNDS} rounds`);
}

describe.each(EDGE_BACKENDS)('the outbox tables on $name', (backend) => {
  let edge: EdgeDatabase;
  let a: SqlDatabase;
  let b: SqlDatabase;
  let storeA: SqlOutboxStore;
  let storeB: SqlOutboxStore;

  beforeAll(async () => {
    edge = await backend.create();
    a = edge.connect();
    b = edge.connect();
    storeA = new SqlOutboxStore(a);
    storeB = new SqlOutboxStore(b);
  });

  afterAll(async () => {
    await edge.dispose();
  });

  beforeEach(async () => {
    await edge.reset();
  });

  it('gives a recipient claimed by two connections at once to exactly one of them', async () => {
    const agents = Array.from({ length: 20 }, (_, index) => `agent-${index}`);
    for (const agent of agents) await storeA.append(message(agent, `${agent}-1`), T0);

    const claims = await Promise.all(
      agents.map((agent) =>
        Promise.all([
          storeA.claim(`agent:${agent}`, 'worker-a', T0, LEASE_MS, () => false),
          storeB.claim(`agent:${agent}`, 'worker-b', T0, LEASE_MS, () => false),
        ]),
      ),
    );

    for (const pair of claims) {
      expect(pair.map((claim) => claim.kind).sort()).toEqual(['busy', 'claimed']);
    }
    const holders = await a.db.selectFrom('outbox_recipients').select('lease_holder').execute();
    expect(holders).toHaveLength(agents.length);
  });

  it('a removal keeps the lease while more is pending, lets it go with the last entry, and tells a lost lease', async () => {
    const recipient = 'agent:agent-ada';
    await storeA.append(message('agent-ada', 'first'), T0);
    await storeA.append(message('agent-ada', 'second'), T0);
    expect((await storeA.claim(recipient, 'worker-a', T0, LEASE_MS, () => false)).kind).toBe('claimed');
    const first = (await storeA.head(recipient, T0)).entry!;
    expect(await storeA.remove(recipient, [first.id], 'worker-a', T0 + LEASE_MS)).toBe('more');
    expect((await storeB.head(recipient, T0)).leaseHolder).toBe('worker-a');
    const second = (await storeA.head(recipient, T0)).entry!;
    expect(second.relaydeskId).toBe('second');
    expect(await storeA.remove(recipient, [second.id], 'worker-a', T0 + LEASE_MS)).toBe('empty');
    // Let go with the last entry: another dispatcher finds nothing held, and nothing pending.
    const after = await storeB.head(recipient, T0);
    expect(after.entry).toBeUndefined();
    expect(after.leaseHolder).toBeUndefined();

    await storeA.append(message('agent-ada', 'third'), T0);
    expect((await storeB.claim(recipient, 'worker-b', T0, LEASE_MS, () => false)).kind).toBe('claimed');
    const third = (await storeA.head(recipient, T0)).entry!;
    // worker-a's lease is gone: the entry is still taken off (it was sent), and worker-b keeps its lease.
    expect(await storeA.remove(recipient, [third.id], 'worker-a', T0 + LEASE_MS)).toBe('lost');
    expect((await storeB.head(recipient, T0)).leaseHolder).toBe('worker-b');
  });

  it('a removal lets the lease go when only refreshes the pacer holds are left, and keeps it for anything else', async () => {
    const recipient = 'agent:agent-bo';
    const PANEL = 3;
    await storeA.append(message('agent-bo', 'relayed', { priority: 2 }), T0);
    await storeA.append(message('agent-bo', 'panel', { priority: PANEL, slot: 'panel', version: 1 }), T0);
    await storeA.append(message('agent-bo', 'offer', { priority: 1, slot: 'offer:1', version: 1 }), T0);
    expect((await storeA.claim(recipient, 'worker-a', T0, LEASE_MS, () => false)).kind).toBe('claimed');
    const offer = (await storeA.head(recipient, T0)).entry!;
    expect(offer.relaydeskId).toBe('offer');
    // A relayed message is still pending: the lease stays, however the refreshes are held.
    expect(await storeA.remove(recipient, [offer.id], 'worker-a', T0 + LEASE_MS, undefined, PANEL)).toBe(
      'more',
    );
    const relayed = (await storeA.head(recipient, T0)).entry!;
    expect(relayed.relaydeskId).toBe('relayed');
    // Only the held panel render is left: let go in the same write; the render stays queued for its turn.
    expect(await storeA.remove(recipient, [relayed.id], 'worker-a', T0 + LEASE_MS, undefined, PANEL)).toBe(
      'empty',
    );
    const left = await storeB.head(recipient, T0);
    expect(left.leaseHolder).toBeUndefined();
    expect(left.entry?.relaydeskId).toBe('panel');
    expect(await storeB.pending()).toBe(1);
    // Without a held priority the same render keeps the lease, as any pending entry does.
    await storeA.append(message('agent-bo', 'relayed-2', { priority: 2 }), T0);
    expect((await storeA.claim(recipient, 'worker-a', T0, LEASE_MS, () => false)).kind).toBe('claimed');
    const next = (await storeA.head(recipient, T0)).entry!;
    expect(next.relaydeskId).toBe('relayed-2');
    expect(await storeA.remove(recipient, [next.id], 'worker-a', T0 + LEASE_MS)).toBe('more');
  });

  it('an append takes the lease with its entry when the recipient is free, never over a live lease or a backoff', async () => {
    const recipient = 'agent:agent-cy';
    const claimA = { holder: 'worker-a', until: T0 + LEASE_MS };
    const first = await storeA.append(message('agent-cy', 'first'), T0, claimA);
    expect(first.claimedUntil).toBe(T0 + LEASE_MS);
    expect((await storeB.head(recipient, T0)).leaseHolder).toBe('worker-a');
    // worker-b's append while worker-a holds the lease queues the entry and leaves the lease alone.
    const second = await storeB.append(message('agent-cy', 'second'), T0, {
      holder: 'worker-b',
      until: T0 + 1,
    });
    expect(second.claimedUntil).toBeUndefined();
    expect(second.length).toBe(2);
    expect((await storeB.claim(recipient, 'worker-b', T0, LEASE_MS, () => false)).kind).toBe('busy');
    // The holder's own append keeps its lease; once the lease lapses, another's append takes it.
    expect((await storeA.append(message('agent-cy', 'third'), T0, claimA)).claimedUntil).toBe(T0 + LEASE_MS);
    // A lease the holder has is not taken again (a card and its panel queued in one transaction): it keeps its deadline.
    const again = await storeA.append(message('agent-cy', 'third-b'), T0, {
      holder: 'worker-a',
      until: T0 + 2 * LEASE_MS,
    });
    expect(again.claimedUntil).toBe(T0 + LEASE_MS);
    const later = T0 + LEASE_MS + 1;
    const fourth = await storeB.append(message('agent-cy', 'fourth'), later, {
      holder: 'worker-b',
      until: later + 5,
    });
    expect(fourth.claimedUntil).toBe(later + 5);
    // A backoff running: nobody takes the lease with an append.
    await storeB.backOff(recipient, 'worker-b', { failures: 1, notBefore: later + 10_000 });
    const fifth = await storeA.append(message('agent-cy', 'fifth'), later, {
      holder: 'worker-a',
      until: later + 9,
    });
    expect(fifth.claimedUntil).toBeUndefined();
    expect((await storeA.head(recipient, later)).leaseHolder).toBeUndefined();
    expect(await storeA.pending()).toBe(6);
  });

  it('an append that makes its entry the only one and takes the lease hands over the head as head() reads it, on SQLite', async () => {
    const recipient = 'agent:agent-hh';
    const claimAt = (now: number) => ({ holder: 'worker-a', until: now + LEASE_MS });
    const callLog = { recent: [T0 - 500], minutes: [[T0 - 60_000, 1]] as [number, number][] };
    // A send before: its call log stays on the recipient's row.
    const before = await storeA.append(message('agent-hh', 'before'), T0, claimAt(T0));
    const { entry: sent } = await storeA.head(recipient, T0);
    expect(await storeA.remove(recipient, [sent!.id], 'worker-a', T0 + LEASE_MS, callLog)).toBe('empty');
    const card = message('agent-hh', 'card', {
      slot: 'relay',
      version: 3,
      replyToId: 'activity-1',
      label: 'relayed',
      priority: 1,
      view: { kind: 'customer-message', text: 'my router' },
      batch: 'relay',
    });
    const handed = await storeA.append(card, T0 + 10, claimAt(T0 + 10));
    const read = await storeA.head(recipient, T0 + 10);
    if (backend.name !== 'SQLite') {
      // PostgreSQL: another instance's entry could stand before it unseen by the append; the run reads the head.
      expect([before.head, handed.head]).toEqual([undefined, undefined]);
      return;
    }
    expect(before.head?.entry?.relaydeskId).toBe('before');
    expect(read.entry?.relaydeskId).toBe('card');
    expect(read.callLog).toEqual(callLog);
    expect(handed.head).toEqual(read);
    // Text that does not read back as written (half a surrogate pair, a NUL): the head is read as stored.
    const hostile = { replyToId: '\ud800', label: 'a\u0000b' };
    const lone = await storeA.append(message('agent-jj', 'lone', hostile), T0, claimAt(T0));
    expect(lone.claimedUntil).toBe(T0 + LEASE_MS);
    expect(lone.head).toBeUndefined();
    const stored = (await storeA.head('agent:agent-jj', T0)).entry;
    expect(stored?.label).toBe('a\ufffdb');
    expect(stored?.replyToId).toMatch(/^\ufffd+$/);
    // In the JSON columns the same text is escaped, so it reads back as written: that head is handed over.
    const inJson = message('agent-kk', 'in json', {
      view: { kind: 'customer-message', text: 'a\ud800\u0000b' },
    });
    const escaped = await storeA.append(inJson, T0, claimAt(T0));
    expect(escaped.head).toEqual(await storeA.head('agent:agent-kk', T0));
    expect(escaped.head?.entry?.view).toEqual({ kind: 'customer-message', text: 'a\ud800\u0000b' });
    // Behind an entry, or without the lease: nothing is handed over.
    expect(
      (await storeA.append(message('agent-hh', 'second'), T0 + 10, claimAt(T0 + 10))).head,
    ).toBeUndefined();
    expect((await storeA.append(message('agent-ii', 'free'), T0)).head).toBeUndefined();
  });

  it("an append that takes the lease reserves the run's first tenant call with it on SQLite, only while the slot has room", async () => {
    if (backend.name !== 'SQLite') {
      // PostgreSQL: the send reserves its call by itself (the slot's row is not held locked by the use case).
      const taken = await storeA.append(message('agent-di', 'first'), T0, {
        holder: 'worker-a',
        until: T0 + LEASE_MS,
        call: { tenant: 'contoso', slot: T0, max: 1 },
      });
      expect(taken.claimedUntil).toBe(T0 + LEASE_MS);
      expect(taken.callReserved).toBeUndefined();
      expect(await b.db.selectFrom('teams_tenant_calls').selectAll().execute()).toEqual([]);
      return;
    }
    const recipient = 'agent:agent-di';
    const call = { tenant: 'contoso', slot: T0, max: 1 };
    const calls = async () =>
      (
        await b.db
          .selectFrom('teams_tenant_calls')
          .select('calls')
          .where('tenant', '=', 'contoso')
          .where('slot', '=', T0)
          .executeTakeFirst()
      )?.calls;
    const claimingWith = (owner: string, id: string) =>
      storeA.append(message(owner, id), T0, { holder: 'worker-a', until: T0 + LEASE_MS, call });
    const first = await claimingWith('agent-di', 'first');
    expect(first).toMatchObject({ claimedUntil: T0 + LEASE_MS, callReserved: true });
    expect(await calls()).toBe(1);
    // The lease is held already (the panel queued in the same transaction): no second call is reserved.
    const panel = await claimingWith('agent-di', 'panel');
    expect(panel.callReserved).toBeUndefined();
    expect(await calls()).toBe(1);
    // Another recipient of the tenant takes its lease, but the slot's share is spent: no call is reserved.
    const other = await claimingWith('agent-ed', 'first');
    expect(other).toMatchObject({ claimedUntil: T0 + LEASE_MS, callReserved: false });
    expect(await calls()).toBe(1);
    // Undone with the append's transaction.
    await expect(
      a.transaction(async () => {
        await storeA.append(message('agent-fa', 'first'), T0, {
          holder: 'worker-a',
          until: T0 + LEASE_MS,
          call: { ...call, slot: T0 + 250 },
        });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(
      await b.db
        .selectFrom('teams_tenant_calls')
        .select('slot')
        .where('slot', '=', T0 + 250)
        .execute(),
    ).toEqual([]);
    expect((await storeB.head(recipient, T0)).leaseHolder).toBe('worker-a');
  });

  it("reads a batch's entries queued behind the head in queue order, past other batches and renders, at most the limit", async () => {
    const recipient = 'agent:agent-gu';
    const relayed = (n: number) => message('agent-gu', `relayed-${n}`, { batch: 'relayed', priority: 2 });
    await storeA.append(relayed(1), T0);
    await storeA.append(message('agent-gu', 'panel', { priority: 3, slot: 'panel', version: 1 }), T0);
    await storeA.append(relayed(2), T0);
    await storeA.append(message('agent-gu', 'note', { batch: 'other', priority: 2 }), T0);
    for (let n = 3; n <= 6; n += 1) await storeA.append(relayed(n), T0);
    const head = (await storeA.head(recipient, T0)).entry!;
    expect(head.relaydeskId).toBe('relayed-1');
    const behind = await storeB.batchAfter(recipient, 'relayed', head, 4);
    expect(behind.map((entry) => entry.relaydeskId)).toEqual([
      'relayed-2',
      'relayed-3',
      'relayed-4',
      'relayed-5',
    ]);
    expect(behind.every((entry) => entry.owner.id === 'agent-gu' && entry.batch === 'relayed')).toBe(true);
    expect((await storeB.batchAfter(recipient, 'other', head, 4)).map((entry) => entry.relaydeskId)).toEqual([
      'note',
    ]);
    expect(await storeB.batchAfter('agent:nobody', 'relayed', head, 4)).toEqual([]);
  });

  it('keeps each recipient’s order, whichever connection queued and which one sends', async () => {
    for (let n = 1; n <= 30; n += 1) {
      const store = n % 2 === 0 ? storeA : storeB;
      await store.append(message(`agent-${n % 3}`, `m${n}`), T0 + n);
    }
    const sent: Sent[] = [];
    await Promise.all([dispatch(storeA, 'worker-a', sent), dispatch(storeB, 'worker-b', sent)]);

    expect(sent).toHaveLength(30);
    for (let agent = 0; agent < 3; agent += 1) {
      const mine = sent.filter((one) => one.recipient === `agent:agent-${agent}`);
      const queued = Array.from({ length: 30 }, (_, index) => index + 1).filter((n) => n % 3 === agent);
      expect(mine.map((one) => one.relaydeskId)).toEqual(queued.map((n) => `m${n}`));
      expect(mine.map((one) => one.seq)).toEqual(queued.map((_, index) => index + 1));
    }
  });

  it('takes over a lease left by a dead holder once it expires, and the dead holder cannot renew it', async () => {
    await storeA.append(message('agent-ada', 'orphaned'), T0);
    expect(await storeA.claim('agent:agent-ada', 'dead', T0, LEASE_MS, () => false)).toEqual({
      kind: 'claimed',
      until: T0 + LEASE_MS,
    });

    const early = await storeB.claim('agent:agent-ada', 'alive', T0 + LEASE_MS - 1, LEASE_MS, () => false);
    expect(early).toEqual({ kind: 'busy', holder: 'dead' });
    const late = await storeB.claim('agent:agent-ada', 'alive', T0 + LEASE_MS, LEASE_MS, () => false);
    expect(late).toEqual({ kind: 'claimed', until: T0 + 2 * LEASE_MS });

    expect(await storeA.renew('agent:agent-ada', 'dead', T0 + 3 * LEASE_MS)).toBe(false);
    expect((await storeB.head('agent:agent-ada', T0)).leaseHolder).toBe('alive');
    expect((await storeB.head('agent:agent-ada', T0)).entry?.relaydeskId).toBe('orphaned');
  });

  it('sends 200 messages queued through two connections at once, each once, in the order the store took them', async () => {
    const queue = async (store: SqlOutboxStore, name: string) => {
      for (let n = 1; n <= 100; n += 1) await store.append(message('agent-ada', `${name}-${n}`), T0);
    };
    await Promise.all([queue(storeA, 'a'), queue(storeB, 'b')]);
    const sent: Sent[] = [];
    await Promise.all([dispatch(storeA, 'worker-a', sent), dispatch(storeB, 'worker-b', sent)]);

    expect(new Set(sent.map((one) => one.relaydeskId)).size).toBe(200);
    expect(sent.map((one) => one.seq)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    for (const name of ['a', 'b']) {
      const mine = sent.filter((one) => one.relaydeskId.startsWith(`${name}-`));
      expect(mine.map((one) => one.relaydeskId)).toEqual(
        Array.from({ length: 100 }, (_, index) => `${name}-${index + 1}`),
      );
    }
    expect(await storeA.pending()).toBe(0);
  });

  it('never loses the newest panel render while renders are queued and sent at the same time', async () => {
    let queued = false;
    const renders = async () => {
      for (let version = 1; version <= 40; version += 1) {
        const store = version % 2 === 0 ? storeA : storeB;
        await store.append(message('agent-ada', `panel-r${version}`, { slot: 'panel', version }), T0);
        // The dispatcher gets a turn between renders, so sends and coalescing updates interleave.
        await nextTurn();
      }
      queued = true;
    };
    const sent: Sent[] = [];
    await Promise.all([renders(), dispatch(storeA, 'worker-a', sent, () => queued)]);

    const versions = sent.map((one) => one.version ?? 0);
    expect(versions.at(-1)).toBe(40);
    expect([...versions].sort((x, y) => x - y)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('coalesces a slot update into a pending one behind the head, and drops a slot but the entry on its way', async () => {
    const panel = (version: number) => message('agent-ada', `panel-r${version}`, { slot: 'panel', version });
    expect(await storeA.append(panel(1), T0)).toEqual({ length: 1 });
    expect(await storeA.append(message('agent-ada', 'text'), T0)).toEqual({ length: 2 });
    expect(await storeA.append(panel(2), T0)).toEqual({ length: 3 });
    const coalesced = await storeB.append(panel(3), T0);
    expect(coalesced.replacedId).toBeDefined();
    expect(await storeB.append(panel(2), T0)).toEqual({ length: 0, outdated: { version: 2, newest: 3 } });

    const head = (await storeA.head('agent:agent-ada', T0)).entry!;
    expect(head.relaydeskId).toBe('panel-r1');
    expect(await storeA.dropSlot('agent:agent-ada', 'panel', head.id)).toBe(1);
    const left = await a.db
      .selectFrom('outbox_entries')
      .select(['seq', 'relaydesk_id'])
      .orderBy('seq')
      .execute();
    expect(left).toEqual([
      { seq: 1, relaydesk_id: 'panel-r1' },
      { seq: 2, relaydesk_id: 'text' },
    ]);
  });

  it('sends an entry waiting 30 s before fresher, more urgent ones, counting from when its place was taken', async () => {
    const panel = (version: number) =>
      message('agent-ada', `panel-r${version}`, { slot: 'panel', version, priority: 2 });
    await storeA.append(message('agent-ada', 'relayed-0', { priority: 1 }), T0);
    await storeA.append(panel(1), T0);
    // Newer renders take the waiting panel's place and keep its waiting time.
    await storeA.append(panel(2), T0 + 20_000);
    await storeA.append(message('agent-ada', 'relayed-1', { priority: 1 }), T0 + 20_000);
    expect((await storeA.head('agent:agent-ada', T0 + 29_999)).entry?.relaydeskId).toBe('relayed-0');
    const head = await storeA.head('agent:agent-ada', T0 + 30_000);
    expect(head.entry?.relaydeskId).toBe('relayed-0');
    await a.db.deleteFrom('outbox_entries').where('relaydesk_id', '=', 'relayed-0').execute();
    expect((await storeA.head('agent:agent-ada', T0 + 30_000)).entry?.relaydeskId).toBe('panel-r2');
    expect((await storeA.head('agent:agent-ada', T0 + 29_999)).entry?.relaydeskId).toBe('relayed-1');
  });

  it('sends the most urgent entry first, and never coalesces into that one (it may be on its way)', async () => {
    const offer = (status: string) =>
      message('agent-ada', `offer-${status}`, { slot: 'offer:o-1', priority: 0 });
    await storeA.append(message('agent-ada', 'panel-r1', { slot: 'panel', version: 1, priority: 2 }), T0);
    await storeA.append(message('agent-ada', 'relayed', { priority: 1 }), T0);
    await storeA.append(offer('pending'), T0);
    const head = (await storeA.head('agent:agent-ada', T0)).entry!;
    expect(head.relaydeskId).toBe('offer-pending');

    // The offer's next state is queued behind it, not written over the entry that may be being sent.
    expect((await storeB.append(offer('accepted'), T0)).replacedId).toBeUndefined();
    const order: string[] = [];
    for (
      let next = await storeA.head('agent:agent-ada', T0);
      next.entry;
      next = await storeA.head('agent:agent-ada', T0)
    ) {
      order.push(next.entry.relaydeskId);
      await a.db.deleteFrom('outbox_entries').where('id', '=', next.entry.id).execute();
    }
    expect(order).toEqual(['offer-pending', 'offer-accepted', 'relayed', 'panel-r1']);
  });
});
