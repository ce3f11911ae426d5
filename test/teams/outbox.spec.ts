import { hostname } from 'node:os';
import type { ConversationReference } from 'botbuilder';
import { SqlCardSlots } from '../../src/store/sql/card-slots';
import { SqlConversationReferences } from '../../src/store/sql/conversation-references';
import type { SqlDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore } from '../../src/store/sql/outbox-store';
import { composeActivity } from '../../src/teams/compose-activity';
import { ConversationReferences, type ReferenceOwner } from '../../src/teams/conversation-references';
import { Delivery, type RetryOptions } from '../../src/teams/delivery';
import { Outbox, type OutboxMessage, type OutboxOptions } from '../../src/teams/outbox';
import { cardActivity, textActivity } from '../../src/teams/proactive-notifier';
import { cardOf, relaydeskIdOf, textBlocks, textOf } from '../support/cards';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';
import { anonymousSender } from '../support/anonymous-sender';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { FakeClock, collectingLogger, type LogLine } from '../support/harness';

const ALICE: ReferenceOwner = { kind: 'customer', id: 'emulator:alice' };
const BOB: ReferenceOwner = { kind: 'customer', id: 'emulator:bob' };
const AGENT: ReferenceOwner = { kind: 'agent', id: 'agent-1' };
const CHAT = { [ALICE.id]: 'conv-alice', [BOB.id]: 'conv-bob', [AGENT.id]: 'a:chat-agent' };

interface Rig {
  readonly outbox: Outbox;
  /** The rig's own connection, as another instance of the desk would have. */
  readonly database: SqlDatabase;
  readonly lines: LogLine[];
  /** Every wait the Delivery policy asked for (none is slept). */
  readonly delays: number[];
}

describe.each(EDGE_BACKENDS)('the outbox on $name', (backend) => {
  let edge: EdgeDatabase;
  let db: SqlDatabase;
  let connector: FakeConnector;
  let clock: FakeClock;
  let rigs: Rig[];
  let sent = 0;

  function rig(options: Partial<OutboxOptions> = {}, retry: RetryOptions = {}): Rig {
    const { logger, lines } = collectingLogger();
    const database = edge.connect();
    const cardSlots = new SqlCardSlots(database);
    const delays: number[] = [];
    const now = () => clock.now();
    const outbox = new Outbox({
      store: new SqlOutboxStore(database),
      cardSlots,
      references: new ConversationReferences(new SqlConversationReferences(database), clock),
      sender: anonymousSender({
        cardSlots,
        delivery: new Delivery({
          logger,
          delay: async (ms) => {
            delays.push(ms);
          },
          random: () => 0.5,
          ...retry,
        }),
        logger: logger,
        now,
      }),
      logger,
      now,
      // Entries here carry their activities; only views and batches are composed.
      compose: composeActivity(() => {
        throw new Error('no view is queued in these tests');
      }),
      autoDrain: false,
      pollMs: 0,
      random: () => 0.5,
      ...options,
    });
    const made = { outbox, database, lines, delays };
    rigs.push(made);
    return made;
  }

  function text(owner: ReferenceOwner, body: string): OutboxMessage {
    sent += 1;
    const relaydeskId = `rd-${sent}`;
    return { owner, activity: textActivity(body, relaydeskId), relaydeskId, label: 'text' };
  }

  function card(owner: ReferenceOwner, body: string, slot?: string): OutboxMessage {
    sent += 1;
    const relaydeskId = `rd-${sent}`;
    const content = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: body }] };
    return {
      owner,
      activity: cardActivity(content, relaydeskId),
      relaydeskId,
      label: 'notice',
      ...(slot !== undefined ? { slot } : {}),
    };
  }

  const texts = (owner: ReferenceOwner) => connector.posted(CHAT[owner.id]!).map(textOf);
  const cards = (calls: RecordedCall[]) => calls.map((call) => textBlocks(cardOf(call)));

  /** How often each relaydeskId reached the connector (accepted calls only). */
  function deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const call of connector.calls) {
      const id = relaydeskIdOf(call.activity) ?? '?';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  const duplicates = () => [...deliveries().values()].filter((count) => count > 1).length;

  const recipientOf = (owner: ReferenceOwner) => `${owner.kind}:${owner.id}`;

  /** The recipient's backoff as its row holds it; undefined when none is running. */
  async function backoffOf(owner: ReferenceOwner) {
    const row = await db.db
      .selectFrom('outbox_recipients')
      .select(['backoff_failures', 'backoff_not_before', 'backoff_status'])
      .where('recipient', '=', recipientOf(owner))
      .executeTakeFirst();
    return row?.backoff_not_before != null
      ? { failures: row.backoff_failures, notBefore: row.backoff_not_before, status: row.backoff_status }
      : undefined;
  }

  async function seqsOf(owner: ReferenceOwner): Promise<number[]> {
    const rows = await db.db
      .selectFrom('outbox_entries')
      .select('seq')
      .where('recipient', '=', recipientOf(owner))
      .orderBy('seq')
      .execute();
    return rows.map((row) => row.seq);
  }

  async function slotVersionsOf(owner: ReferenceOwner): Promise<Record<string, number>> {
    const rows = await db.db
      .selectFrom('outbox_slot_versions')
      .select(['slot', 'version'])
      .where('recipient', '=', recipientOf(owner))
      .execute();
    return Object.fromEntries(rows.map((row) => [row.slot, row.version]));
  }

  /** Puts another dispatcher's lease on the recipient, as if it were sending there. */
  async function leaseTo(owner: ReferenceOwner, holder: string, until: number): Promise<void> {
    await db.db
      .updateTable('outbox_recipients')
      .set({ lease_holder: holder, lease_until: until })
      .where('recipient', '=', recipientOf(owner))
      .execute();
  }

  beforeAll(async () => {
    edge = await backend.create();
    db = edge.connect();
  });

  afterAll(async () => {
    await edge.dispose();
  });

  beforeEach(async () => {
    await edge.reset();
    connector = await FakeConnector.start();
    clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
    rigs = [];
    const references = new ConversationReferences(new SqlConversationReferences(db), clock);
    for (const owner of [ALICE, BOB, AGENT]) {
      await references.save(owner, {
        channelId: owner.kind === 'agent' ? 'msteams' : 'emulator',
        serviceUrl: connector.serviceUrl,
        conversation: { id: CHAT[owner.id]! },
        user: { id: owner.id },
        bot: { id: 'relaydesk-bot' },
        activityId: 'in-1',
      } as Partial<ConversationReference>);
    }
  });

  afterEach(async () => {
    await Promise.all(rigs.map((made) => made.outbox.stop()));
    for (const made of rigs) await made.database.close();
    await connector.close();
  });

  describe('order', () => {
    it('sends a message queued to a free recipient under the lease its own write took: no claim, let go after', async () => {
      const claims = jest.spyOn(SqlOutboxStore.prototype, 'claim');
      try {
        const { outbox, database } = rig({ awaitDelivery: true });
        await outbox.enqueue(text(ALICE, 'first'));
        await outbox.enqueue(text(ALICE, 'second'));
        expect(texts(ALICE)).toEqual(['first', 'second']);
        expect(claims).not.toHaveBeenCalled();
        const row = await database.db
          .selectFrom('outbox_recipients')
          .select(['lease_holder', 'lease_until'])
          .where('recipient', '=', 'customer:emulator:alice')
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ lease_holder: null, lease_until: null });
        expect(await outbox.pending()).toBe(0);
      } finally {
        claims.mockRestore();
      }
    });

    it('sends the entry an append found the queue empty for without reading it back, unless another append came since', async () => {
      const heads = jest.spyOn(SqlOutboxStore.prototype, 'head');
      try {
        const made: { rig?: Rig } = {};
        const afterCommit = (hook: () => unknown, key: string) => made.rig!.database.afterCommit(hook, key);
        made.rig = rig({ awaitDelivery: true, afterCommit });
        const { outbox, database } = made.rig;
        await database.transaction(() => outbox.enqueue(text(ALICE, 'alone')));
        expect(texts(ALICE)).toEqual(['alone']);
        // SQLite hands the head over; on PostgreSQL another instance's entry could stand before it, so it is read.
        expect(heads.mock.calls.length).toBe(backend.name === 'SQLite' ? 0 : 1);
        // A more urgent message queued in the same transaction, after the one that found the queue empty, goes first.
        await database.transaction(async () => {
          await outbox.enqueue({ ...text(BOB, 'notice'), priority: 2 });
          await outbox.enqueue({ ...text(BOB, 'urgent'), priority: 0 });
        });
        expect(texts(BOB)).toEqual(['urgent', 'notice']);
        // An append whose transaction rolled back hands nothing over: only what was committed is sent.
        await expect(
          database.transaction(async () => {
            await outbox.enqueue(text(ALICE, 'rolled back'));
            throw new Error('the use case failed');
          }),
        ).rejects.toThrow('the use case failed');
        await database.transaction(() => outbox.enqueue(text(ALICE, 'committed')));
        expect(texts(ALICE)).toEqual(['alone', 'committed']);
        expect(await outbox.pending()).toBe(0);
      } finally {
        heads.mockRestore();
      }
    });

    it('delivers one recipient’s messages in the order they were queued, through 503s, each once', async () => {
      const { outbox, delays } = rig();
      for (let n = 1; n <= 3; n += 1) await outbox.enqueue(text(ALICE, `message ${n}`));
      connector.failNext(2, 503);
      await outbox.drain();
      for (let n = 4; n <= 6; n += 1) await outbox.enqueue(text(ALICE, `message ${n}`));
      connector.failNext(3, 500);
      await outbox.drain();
      expect(texts(ALICE)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `message ${n}`));
      expect(connector.refused).toHaveLength(5);
      expect(delays).toHaveLength(5);
      expect(duplicates()).toBe(0);
      expect(await outbox.pending()).toBe(0);
    });

    it('keeps a message that failed every attempt at the head: later ones wait behind it, then all go in order', async () => {
      const { outbox, lines } = rig();
      await outbox.enqueue(text(ALICE, 'first'));
      await outbox.enqueue(text(ALICE, 'second'));
      connector.failNext(5, 503);
      await outbox.drain();
      expect(connector.calls).toEqual([]);
      expect(await outbox.pending()).toBe(2);
      const backoff = await backoffOf(ALICE);
      expect(backoff).toMatchObject({ failures: 1, status: 503 });
      // The wait after a failed pass: 5 s doubling per pass, with jitter over its upper half (random 0.5).
      expect(backoff!.notBefore - clock.now()).toBe(3750);
      expect(lines.some((line) => line.msg.startsWith('send still failing; kept in the outbox'))).toBe(true);

      // Until the backoff is over, a pass leaves the recipient alone.
      await outbox.enqueue(text(ALICE, 'third'));
      await outbox.drain();
      expect(connector.refused).toHaveLength(5);

      clock.advance(3750);
      await outbox.drain();
      expect(texts(ALICE)).toEqual(['first', 'second', 'third']);
      expect(await backoffOf(ALICE)).toBeUndefined();
    });

    it('waits longer after each failed pass, and at least as long as a Retry-After asks', async () => {
      const { outbox } = rig({ retryBaseMs: 1000, retryMaxMs: 4000 }, { maxAttempts: 1 });
      await outbox.enqueue(text(ALICE, 'patience'));
      const waits: number[] = [];
      for (let pass = 0; pass < 4; pass += 1) {
        connector.failNext(1, 503);
        await outbox.drain();
        const wait = (await backoffOf(ALICE))!.notBefore - clock.now();
        waits.push(wait);
        clock.advance(wait);
      }
      expect(waits).toEqual([750, 1500, 3000, 3000]);
      connector.failNext(1, 429, { 'Retry-After': '20' });
      await outbox.drain();
      expect((await backoffOf(ALICE))!.notBefore - clock.now()).toBe(20_000);
      clock.advance(20_000);
      await outbox.drain();
      expect(texts(ALICE)).toEqual(['patience']);
    });

    it('does not hold back other recipients while one keeps failing', async () => {
      const { outbox } = rig();
      connector.failConversation(CHAT[ALICE.id]!, 503);
      await outbox.enqueue(text(ALICE, 'for alice'));
      await outbox.enqueue(text(BOB, 'for bob 1'));
      await outbox.enqueue(text(ALICE, 'for alice 2'));
      await outbox.enqueue(text(BOB, 'for bob 2'));
      await outbox.drain();
      expect(texts(BOB)).toEqual(['for bob 1', 'for bob 2']);
      expect(texts(ALICE)).toEqual([]);
      expect(await outbox.pending()).toBe(2);

      connector.stopFailing();
      clock.advance(60_000);
      await outbox.drain();
      expect(texts(ALICE)).toEqual(['for alice', 'for alice 2']);
      expect(duplicates()).toBe(0);
    });
  });

  describe('what is retried', () => {
    it('waits as long as a 429’s Retry-After asks, then delivers once with the same relaydeskId', async () => {
      const { outbox, delays } = rig();
      const message = text(ALICE, 'throttled');
      await outbox.enqueue(message);
      connector.failNext(1, 429, { 'Retry-After': '7' });
      await outbox.drain();
      expect(delays).toEqual([7000]);
      expect(connector.refused.map((call) => relaydeskIdOf(call.activity))).toEqual([message.relaydeskId]);
      expect(deliveries()).toEqual(new Map([[message.relaydeskId, 1]]));
    });

    it('drops a message the connector refuses for good (403), logging its ids, and goes on with the next', async () => {
      const { outbox, delays, lines } = rig();
      const refused = text(ALICE, 'not allowed');
      await outbox.enqueue(refused);
      await outbox.enqueue(text(ALICE, 'next'));
      connector.failNext(1, 403);
      await outbox.drain();
      expect(delays).toEqual([]);
      expect(texts(ALICE)).toEqual(['next']);
      const line = lines.find((logged) => logged.msg === 'send failed for good, skipped');
      expect(line).toMatchObject({
        level: 50,
        status: 403,
        relaydeskId: refused.relaydeskId,
        customerId: ALICE.id,
        recipient: `customer:${ALICE.id}`,
      });
      expect(await outbox.pending()).toBe(0);
    });

    it('drops a message to someone whose conversation reference is gone, with a warning', async () => {
      const { outbox, lines } = rig();
      await outbox.enqueue(text({ kind: 'customer', id: 'emulator:nobody' }, 'lost in space'));
      await outbox.drain();
      expect(connector.calls).toEqual([]);
      expect(lines.find((line) => line.msg === 'no conversation reference, send skipped')).toMatchObject({
        level: 40,
        customerId: 'emulator:nobody',
      });
      expect(await outbox.pending()).toBe(0);
    });
  });

  describe('slots', () => {
    it('coalesces updates of one slot still waiting: only the latest card is sent, older renders never', async () => {
      const { outbox } = rig();
      await outbox.enqueue(card(AGENT, 'panel 1', 'panel'));
      await outbox.enqueue(card(AGENT, 'a message'));
      await outbox.enqueue(card(AGENT, 'panel 2', 'panel'));
      await outbox.enqueue(card(AGENT, 'another message'));
      await outbox.enqueue(card(AGENT, 'panel 3', 'panel'));
      // Panel 3 took panel 2's place; panel 1, at the head, is superseded by it and goes unsent.
      expect(await seqsOf(AGENT)).toEqual([1, 2, 3, 4]);
      await outbox.drain();
      const chat = CHAT[AGENT.id]!;
      expect(connector.calls.map((call) => textBlocks(cardOf(call))[0])).toEqual([
        'a message',
        'panel 3',
        'another message',
      ]);
      expect(await outbox.slotActivityId(AGENT.id, 'panel')).toBe(connector.posted(chat)[1]!.activityId);
      expect(await outbox.pending()).toBe(0);
    });

    it('never coalesces into the head, which may be on its way, but does not send a head a newer render superseded', async () => {
      const { outbox } = rig();
      await outbox.enqueue(card(AGENT, 'panel 1', 'panel'));
      await outbox.enqueue(card(AGENT, 'panel 2', 'panel'));
      expect(await seqsOf(AGENT)).toEqual([1, 2]);
      await outbox.drain();
      const chat = CHAT[AGENT.id]!;
      expect(cards(connector.posted(chat))).toEqual([['panel 2']]);
      await outbox.enqueue(card(AGENT, 'panel 3', 'panel'));
      await outbox.drain();
      expect(cards(connector.updates(chat))).toEqual([['panel 3']]);
    });

    it('refreshes a panel at most once per interval: a sooner render waits for its turn, the newest goes then', async () => {
      // The pacing timer is real: an interval long enough that a loaded machine's drain ends well within it.
      const { outbox } = rig({ autoDrain: true, refresh: { priority: 2, intervalMs: 4000 } });
      const panel = (body: string): OutboxMessage => ({ ...card(AGENT, body, 'panel'), priority: 2 });
      const chat = CHAT[AGENT.id]!;
      await outbox.enqueue(panel('panel 1'));
      await outbox.drain();
      expect(cards(connector.posted(chat))).toEqual([['panel 1']]);
      // Within the interval: the messages go at once, the renders wait and replace each other.
      await outbox.enqueue(panel('panel 2'));
      await outbox.enqueue(card(AGENT, 'a message'));
      await outbox.enqueue(panel('panel 3'));
      await outbox.enqueue(card(AGENT, 'another message'));
      await outbox.enqueue(panel('panel 4'));
      await outbox.drain();
      expect(cards(connector.posted(chat))).toEqual([['panel 1'], ['a message'], ['another message']]);
      expect(connector.updates(chat)).toEqual([]);
      await connector.waitFor('the panel once its turn came', (calls) => calls.length === 4, {
        timeoutMs: 10_000,
      });
      expect(cards(connector.updates(chat))).toEqual([['panel 4']]);
      await outbox.drain();
      expect(await outbox.pending()).toBe(0);
      expect(connector.calls).toHaveLength(4);
    });

    it('does not queue a slot update rendered from an older revision than one already queued', async () => {
      const { outbox, lines } = rig();
      const versioned = (body: string, version: number) => ({ ...card(AGENT, body, 'panel'), version });
      await outbox.enqueue(versioned('panel r1', 1));
      await outbox.enqueue(versioned('panel r3', 3));
      // Rendered before r3 but queued after it (two turns interleaving): never sent.
      await outbox.enqueue(versioned('panel r2', 2));
      // The same revision again (a notice on an unchanged panel) is sent; unversioned updates always are.
      await outbox.enqueue(versioned('panel r3 with a notice', 3));
      await outbox.drain();
      const chat = CHAT[AGENT.id]!;
      // r1, at the head, is superseded by the newest render queued behind it: only that one goes.
      expect(connector.calls.map((call) => textBlocks(cardOf(call))[0])).toEqual(['panel r3 with a notice']);
      expect(await outbox.pending()).toBe(0);
      expect(await slotVersionsOf(AGENT)).toEqual({ panel: 3 });
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: 'slot update older than one already queued; not sent',
          version: 2,
          newest: 3,
        }),
      );
      // After delivery the newest revision is still remembered: a late r2 does not overwrite r3 on the card.
      await outbox.enqueue(versioned('late panel r2', 2));
      await outbox.drain();
      expect(connector.updates(chat)).toEqual([]);
      expect(connector.calls).toHaveLength(1);
    });

    it('drops the pending updates of a slot whose card an action replaced, and posts the next one afresh', async () => {
      const { outbox } = rig();
      await outbox.enqueue(card(AGENT, 'panel 1', 'panel'));
      await outbox.drain();
      const chat = CHAT[AGENT.id]!;
      const panelId = connector.posted(chat)[0]!.activityId;
      await outbox.enqueue(card(AGENT, 'panel 2', 'panel'));
      await outbox.releaseSlot(AGENT.id, 'panel', panelId);
      await outbox.drain();
      expect(connector.updates(chat)).toEqual([]);
      expect(await outbox.pending()).toBe(0);
      await outbox.enqueue(card(AGENT, 'panel 3', 'panel'));
      await outbox.drain();
      expect(cards(connector.posted(chat))).toEqual([['panel 1'], ['panel 3']]);
    });
  });

  describe('durability and more than one dispatcher', () => {
    it('keeps entries when stopped; a new dispatcher on the same store delivers them, once', async () => {
      const first = rig();
      connector.failConversation(CHAT[ALICE.id]!, 503);
      await first.outbox.enqueue(text(ALICE, 'survives'));
      await first.outbox.drain();
      await first.outbox.stop();
      expect(connector.calls).toEqual([]);

      connector.stopFailing();
      clock.advance(60_000);
      const second = rig();
      await second.outbox.drain();
      expect(texts(ALICE)).toEqual(['survives']);
      expect(duplicates()).toBe(0);
      expect(await second.outbox.pending()).toBe(0);
    });

    it('delivers leftovers on start when sending is automatic', async () => {
      const first = rig();
      await first.outbox.enqueue(text(ALICE, 'left over'));
      await first.outbox.stop();
      const second = rig({ autoDrain: true });
      second.outbox.start();
      await connector.waitFor('the leftover', (calls) => calls.length === 1);
      expect(texts(ALICE)).toEqual(['left over']);
    });

    it('lets only one of two live dispatchers send to a recipient at a time: every message once, in order', async () => {
      const one = rig();
      const two = rig();
      for (let n = 1; n <= 10; n += 1) await one.outbox.enqueue(text(ALICE, `m${n}`));
      const held = connector.hold();
      const drains = Promise.all([one.outbox.drain(), two.outbox.drain()]);
      await connector.waitFor('a held send', () => connector.held === 1);
      held.release();
      await drains;
      await Promise.all([one.outbox.drain(), two.outbox.drain()]);
      expect(texts(ALICE)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `m${n}`));
      expect(duplicates()).toBe(0);
    });

    it('delivers 200 messages queued through two connections at once, each once, in the order each queued them', async () => {
      const one = rig();
      const two = rig();
      const queued = async (made: Rig, name: string) => {
        for (let n = 1; n <= 100; n += 1) await made.outbox.enqueue(text(ALICE, `${name} ${n}`));
      };
      await Promise.all([queued(one, 'one'), queued(two, 'two')]);
      await Promise.all([one.outbox.drain(), two.outbox.drain()]);
      const delivered = texts(ALICE);
      expect(delivered).toHaveLength(200);
      expect(duplicates()).toBe(0);
      for (const name of ['one', 'two']) {
        const mine = delivered.filter((body) => body?.startsWith(`${name} `));
        expect(mine).toEqual(Array.from({ length: 100 }, (_, index) => `${name} ${index + 1}`));
      }
      expect(await one.outbox.pending()).toBe(0);
    });

    it('takes over at once from a dispatcher that is gone (a process on this machine that was killed)', async () => {
      const { outbox } = rig();
      await outbox.enqueue(text(ALICE, 'orphaned'));
      // A pid no process has (above the kernel's limit); the lease itself is far from expired.
      await leaseTo(ALICE, `${hostname()}/4194305/dead-instance`, clock.now() + 600_000);
      await outbox.drain();
      expect(texts(ALICE)).toEqual(['orphaned']);
    });

    it('leaves a recipient to a dispatcher on another machine until its lease expires', async () => {
      const { outbox } = rig();
      await outbox.enqueue(text(ALICE, 'wait for it'));
      await leaseTo(ALICE, 'elsewhere/123/other', clock.now() + 30_000);
      await outbox.drain();
      expect(connector.calls).toEqual([]);
      clock.advance(30_001);
      await outbox.drain();
      expect(texts(ALICE)).toEqual(['wait for it']);
    });

    it('stop() lets a send under way finish, so it is not sent again', async () => {
      const first = rig({ autoDrain: true });
      const held = connector.hold();
      const message = text(ALICE, 'in flight');
      await first.outbox.enqueue(message);
      await connector.waitFor('the held send', () => connector.held === 1);
      const stopping = first.outbox.stop();
      held.release();
      await stopping;
      expect(texts(ALICE)).toEqual(['in flight']);
      const second = rig();
      await second.outbox.drain();
      expect(deliveries()).toEqual(new Map([[message.relaydeskId, 1]]));
      expect(await second.outbox.pending()).toBe(0);
    });

    it('stop() ends a retry wait at once; the entry stays for the next start', async () => {
      let waiting: () => void = () => undefined;
      const waitStarted = new Promise<void>((resolve) => (waiting = resolve));
      // A Retry-After wait that would never end by itself.
      const delay = () => {
        waiting();
        return new Promise<void>(() => undefined);
      };
      const { outbox } = rig({}, { delay });
      await outbox.enqueue(text(ALICE, 'throttled at close'));
      connector.failNext(1, 429, { 'Retry-After': '30' });
      const draining = outbox.drain();
      await waitStarted;
      await outbox.stop();
      await draining;
      expect(await rig().outbox.pending()).toBe(1);
    });

    it('stop() gives up waiting for a send that does not answer; after a restart it is sent again (at least once)', async () => {
      const first = rig({ autoDrain: true, closeTimeoutMs: 20 });
      const held = connector.hold();
      await first.outbox.enqueue(text(ALICE, 'stuck'));
      await connector.waitFor('the held send', () => connector.held === 1);
      await first.outbox.stop();
      expect(first.lines.some((line) => line.msg.startsWith('outbox stopped with a send under way'))).toBe(
        true,
      );
      held.release();
      await connector.waitFor('the late answer', (calls) => calls.length === 1);
      const second = rig();
      await second.outbox.drain();
      // The connector took it twice: the one repeat at-least-once allows after an abandoned send.
      expect(texts(ALICE)).toEqual(['stuck', 'stuck']);
    });
  });

  it('logs loudly when a recipient’s queue grows past its limit, and keeps every entry', async () => {
    const { outbox, lines } = rig({ queueWarnLength: 3 });
    for (let n = 1; n <= 5; n += 1) await outbox.enqueue(text(ALICE, `m${n}`));
    const loud = lines.filter((line) => line.msg.startsWith('outbox queue is long'));
    expect(loud).toHaveLength(1);
    expect(loud[0]).toMatchObject({ level: 50, pending: 4, limit: 3 });
    expect(await outbox.pending()).toBe(5);
  });
});
