import { NotOfferedToAgentError, OfferNotFoundError } from '../../src/domain/errors';
import {
  abandonClaim,
  acceptOffer,
  dequeue,
  emptyQueue,
  enqueue,
  expireOffers,
  mightTakeWork,
  findQueueEntry,
  pickFromQueue,
  planOffers,
  rejectOffer,
  settleClaim,
  staleClaims,
} from '../../src/domain/routing';
import type { RoutingCandidate, WorkQueue } from '../../src/domain/routing';

const settings = {
  capacityUnitsPerConversation: 1,
  agentCapacityUnits: 2,
  maxSessions: 10,
  notificationTimeoutMs: 120_000,
  keepSameAgent: true,
  keepAgentMs: 120_000,
};
const agent = (id: string, extra: Partial<RoutingCandidate> = {}): RoutingCandidate => ({
  id,
  presence: 'available',
  usedUnits: 0,
  sessionCount: 0,
  reachable: true,
  ...extra,
});
function ids() {
  let n = 0;
  return () => `offer-${(n += 1)}`;
}
function queueOf(...workItemIds: string[]): WorkQueue {
  return workItemIds.reduce((queue, id, i) => enqueue(queue, id, i), emptyQueue('default'));
}

describe('routing', () => {
  describe('the queue', () => {
    it('is first in, first out', () => {
      const { offers } = planOffers(
        queueOf('w1', 'w2', 'w3'),
        [agent('a', { usedUnits: 1 })],
        settings,
        0,
        ids(),
      );
      expect(offers.map((offer) => offer.workItemId)).toEqual(['w1']);
    });

    it('does not queue the same item twice', () => {
      const queue = enqueue(queueOf('w1'), 'w1', 99);
      expect(queue.entries).toHaveLength(1);
      expect(queue.entries[0]?.enqueuedAt).toBe(0);
    });

    it('remembers the agent a resumed item prefers', () => {
      expect(findQueueEntry(enqueue(emptyQueue('d'), 'w1', 0, 'b'), 'w1')?.preferredAgentId).toBe('b');
    });
  });

  describe('offers', () => {
    it('go only to Available or Busy agents', () => {
      const candidates = (['dnd', 'away', 'offline', 'inactive'] as const).map((presence) =>
        agent(presence, { presence }),
      );
      expect(planOffers(queueOf('w1'), candidates, settings, 0, ids()).offers).toEqual([]);
      const busy = planOffers(
        queueOf('w1'),
        [agent('b', { presence: 'busy', usedUnits: 1 })],
        settings,
        0,
        ids(),
      );
      expect(busy.offers.map((offer) => offer.agentId)).toEqual(['b']);
    });

    it('go only to agents with free capacity, counting offers already out', () => {
      const planned = planOffers(
        queueOf('w1', 'w2', 'w3'),
        [agent('a', { usedUnits: 1 })],
        settings,
        0,
        ids(),
      );
      expect(planned.offers).toHaveLength(1);
      const again = planOffers(planned.queue, [agent('a', { usedUnits: 1 })], settings, 1, ids());
      expect(again.offers).toEqual([]);
    });

    it('go only to agents under the session maximum', () => {
      const full = agent('a', { sessionCount: 10 });
      expect(
        planOffers(queueOf('w1'), [full], { ...settings, agentCapacityUnits: 20 }, 0, ids()).offers,
      ).toEqual([]);
    });

    it('go only to agents the bot can reach', () => {
      expect(
        planOffers(queueOf('w1'), [agent('a', { reachable: false })], settings, 0, ids()).offers,
      ).toEqual([]);
    });

    it('are at most one per item at a time', () => {
      const first = planOffers(queueOf('w1'), [agent('a')], settings, 0, ids());
      const second = planOffers(first.queue, [agent('a'), agent('b')], settings, 1, ids());
      expect(second.offers).toEqual([]);
      expect(second.queue).toBe(first.queue);
    });

    it('spread items across agents: least loaded first, then the one offered work longest ago', () => {
      const { offers } = planOffers(
        queueOf('w1', 'w2', 'w3'),
        [agent('a', { usedUnits: 1 }), agent('b'), agent('c', { usedUnits: 1 })],
        settings,
        0,
        ids(),
      );
      expect(offers.map((offer) => [offer.workItemId, offer.agentId])).toEqual([
        ['w1', 'b'],
        ['w2', 'a'],
        ['w3', 'c'],
      ]);
    });

    it('break ties by the agent offered work longest ago', () => {
      const { offers } = planOffers(
        queueOf('w1'),
        [agent('a', { lastOfferedAt: 50 }), agent('b', { lastOfferedAt: 10 })],
        settings,
        100,
        ids(),
      );
      expect(offers[0]?.agentId).toBe('b');
    });

    it('expire after the notification timeout', () => {
      const { offers } = planOffers(queueOf('w1'), [agent('a')], settings, 1_000, ids());
      expect(offers[0]).toMatchObject({ offeredAt: 1_000, expiresAt: 121_000, id: 'offer-1' });
    });

    it('go to the preferred (same) agent when eligible', () => {
      const queue = enqueue(emptyQueue('d'), 'w1', 0, 'c');
      const { offers } = planOffers(queue, [agent('a'), agent('c', { usedUnits: 1 })], settings, 0, ids());
      expect(offers[0]?.agentId).toBe('c');
    });

    it('wait KEEP_AGENT_S for the preferred agent when they are not eligible, then go to another', () => {
      const queue = enqueue(emptyQueue('d'), 'w1', 0, 'c');
      const agents = [agent('a'), agent('c', { presence: 'away' })];
      expect(planOffers(queue, agents, settings, 119_999, ids()).offers).toEqual([]);
      expect(planOffers(queue, agents, settings, 120_000, ids()).offers[0]?.agentId).toBe('a');
    });

    it('go to another agent at once when KEEP_AGENT_S is 0', () => {
      const queue = enqueue(emptyQueue('d'), 'w1', 0, 'c');
      const agents = [agent('a'), agent('c', { presence: 'away' })];
      expect(planOffers(queue, agents, { ...settings, keepAgentMs: 0 }, 0, ids()).offers[0]?.agentId).toBe(
        'a',
      );
    });

    it('ignore the preferred agent when the workstream does not keep the same agent', () => {
      const queue = enqueue(emptyQueue('d'), 'w1', 0, 'c');
      const { offers } = planOffers(
        queue,
        [agent('a'), agent('c', { usedUnits: 1 })],
        { ...settings, keepSameAgent: false },
        0,
        ids(),
      );
      expect(offers[0]?.agentId).toBe('a');
    });
  });

  describe('accepting', () => {
    const offered = () => planOffers(queueOf('w1', 'w2'), [agent('a')], settings, 0, ids());

    it('keeps the item in its place as the agent’s claim, offered to nobody, until the claim is settled', () => {
      const { queue } = acceptOffer(offered().queue, {
        workItemId: 'w1',
        offerId: 'offer-1',
        agentId: 'a',
        now: 5,
      });
      expect(findQueueEntry(queue, 'w1')?.claim).toEqual({
        agentId: 'a',
        at: 5,
        via: 'accept',
        offerId: 'offer-1',
      });
      expect(findQueueEntry(queue, 'w1')?.offer).toBeUndefined();
      const replanned = planOffers(queue, [agent('b')], settings, 6, ids());
      expect(replanned.offers.map((offer) => offer.workItemId)).not.toContain('w1');
      expect(settleClaim(queue, 'w1', 'a').entries.map((entry) => entry.workItemId)).toEqual(['w2']);
    });

    it('counts against the agent’s capacity until their session is open, and only once after', () => {
      // a: capacity 2, one Active conversation (w0), and an accepted claim on w1 whose session is not open yet.
      const claimed = acceptOffer(
        planOffers(queueOf('w1', 'w2'), [agent('a', { usedUnits: 1, sessionCount: 2 })], settings, 0, ids())
          .queue,
        { workItemId: 'w1', offerId: 'offer-1', agentId: 'a', now: 5 },
      ).queue;
      const before = planOffers(
        claimed,
        [agent('a', { usedUnits: 1, sessionCount: 2, sessionIds: ['home', 'w0'] })],
        settings,
        6,
        ids(),
      );
      expect(before.offers).toEqual([]);
      // The session opened (a now has 2 Active ones, w1 among them): still full, and counted once.
      const capacity3 = { ...settings, agentCapacityUnits: 3 };
      const after = planOffers(
        claimed,
        [agent('a', { usedUnits: 2, sessionCount: 3, sessionIds: ['home', 'w0', 'w1'] })],
        capacity3,
        6,
        ids(),
      );
      expect(after.offers.map((offer) => offer.workItemId)).toEqual(['w2']);
    });

    it('that cannot be finished puts the item back in its place and skips that agent for it', () => {
      const claimed = acceptOffer(offered().queue, {
        workItemId: 'w1',
        offerId: 'offer-1',
        agentId: 'a',
        now: 5,
      }).queue;
      const back = abandonClaim(claimed, 'w1', 'a', 7);
      expect(findQueueEntry(back, 'w1')).toEqual({
        workItemId: 'w1',
        enqueuedAt: 0,
        declined: { agentId: 'a', at: 7, reason: 'rejected' },
      });
      expect(abandonClaim(claimed, 'w1', 'b', 7)).toBe(claimed);
      expect(settleClaim(claimed, 'w1', 'b')).toBe(claimed);
    });

    it('left behind gives way when its item is queued again (it went Active, then Waiting, and is back)', () => {
      const claimed = acceptOffer(offered().queue, {
        workItemId: 'w1',
        offerId: 'offer-1',
        agentId: 'a',
        now: 5,
      }).queue;
      const requeued = enqueue(claimed, 'w1', 50, 'a');
      expect(requeued.entries.map((entry) => entry.workItemId)).toEqual(['w2', 'w1']);
      expect(findQueueEntry(requeued, 'w1')).toEqual({
        workItemId: 'w1',
        enqueuedAt: 50,
        preferredAgentId: 'a',
      });
    });

    it('left unsettled past the grace period is reported for the sweeper to finish', () => {
      const claimed = acceptOffer(offered().queue, {
        workItemId: 'w1',
        offerId: 'offer-1',
        agentId: 'a',
        now: 5,
      }).queue;
      expect(staleClaims(claimed, 1_000, 30_000)).toEqual([]);
      expect(staleClaims(claimed, 30_005, 30_000)).toEqual([
        { workItemId: 'w1', claim: { agentId: 'a', at: 5, via: 'accept', offerId: 'offer-1' } },
      ]);
    });

    it('by another agent is refused', () => {
      expect(() =>
        acceptOffer(offered().queue, { workItemId: 'w1', offerId: 'offer-1', agentId: 'b', now: 5 }),
      ).toThrow(NotOfferedToAgentError);
    });

    it('after the timeout is no longer available', () => {
      expect(() =>
        acceptOffer(offered().queue, { workItemId: 'w1', offerId: 'offer-1', agentId: 'a', now: 120_000 }),
      ).toThrow('This request is no longer available.');
    });

    it('of a stale offer id is no longer available', () => {
      expect(() =>
        acceptOffer(offered().queue, { workItemId: 'w1', offerId: 'offer-0', agentId: 'a', now: 5 }),
      ).toThrow(OfferNotFoundError);
    });

    it('of an item that is not queued is no longer available', () => {
      expect(() =>
        acceptOffer(offered().queue, { workItemId: 'zz', offerId: 'offer-1', agentId: 'a', now: 5 }),
      ).toThrow(OfferNotFoundError);
    });

    it('by two agents of the same item: the second is no longer available', () => {
      const { queue } = acceptOffer(offered().queue, {
        workItemId: 'w1',
        offerId: 'offer-1',
        agentId: 'a',
        now: 5,
      });
      expect(() =>
        acceptOffer(queue, { workItemId: 'w1', offerId: 'offer-1', agentId: 'a', now: 5 }),
      ).toThrow(OfferNotFoundError);
    });
  });

  describe('a rejected or missed offer', () => {
    it('returns the item to the queue in its place and offers it to the next agent', () => {
      let queue = queueOf('w1', 'w2');
      const first = planOffers(queue, [agent('a', { usedUnits: 1 })], settings, 0, ids());
      queue = rejectOffer(first.queue, { workItemId: 'w1', offerId: 'offer-1', agentId: 'a', now: 10 }).queue;
      expect(queue.entries.map((entry) => entry.workItemId)).toEqual(['w1', 'w2']);
      const next = planOffers(
        queue,
        [agent('a', { usedUnits: 1 }), agent('b', { usedUnits: 1 })],
        settings,
        11,
        ids(),
      );
      expect(next.offers.map((offer) => [offer.workItemId, offer.agentId])).toEqual([
        ['w1', 'b'],
        ['w2', 'a'],
      ]);
    });

    it('is not offered again at once to the agent who rejected it', () => {
      const first = planOffers(queueOf('w1'), [agent('a')], settings, 0, ids());
      const { queue } = rejectOffer(first.queue, {
        workItemId: 'w1',
        offerId: 'offer-1',
        agentId: 'a',
        now: 10,
      });
      expect(planOffers(queue, [agent('a')], settings, 11, ids()).offers).toEqual([]);
      expect(planOffers(queue, [agent('a')], settings, 10 + 120_000, ids()).offers).toHaveLength(1);
    });

    it('is missed when the notification times out, and goes to the next agent', () => {
      const first = planOffers(queueOf('w1'), [agent('a'), agent('b', { usedUnits: 1 })], settings, 0, ids());
      expect(expireOffers(first.queue, 119_999).expired).toEqual([]);
      const { queue, expired } = expireOffers(first.queue, 120_000);
      expect(expired.map((offer) => offer.agentId)).toEqual(['a']);
      expect(findQueueEntry(queue, 'w1')?.declined).toEqual({ agentId: 'a', at: 120_000, reason: 'missed' });
      const next = planOffers(queue, [agent('a'), agent('b', { usedUnits: 1 })], settings, 120_000, ids());
      expect(next.offers.map((offer) => offer.agentId)).toEqual(['b']);
    });

    it('cannot be rejected by another agent', () => {
      const first = planOffers(queueOf('w1'), [agent('a')], settings, 0, ids());
      expect(() =>
        rejectOffer(first.queue, { workItemId: 'w1', offerId: 'offer-1', agentId: 'b', now: 1 }),
      ).toThrow(NotOfferedToAgentError);
    });
  });

  describe('pick', () => {
    it('makes the item the picking agent’s claim and cancels its live offer', () => {
      const first = planOffers(queueOf('w1', 'w2'), [agent('a')], settings, 0, ids());
      const picked = pickFromQueue(first.queue, 'w1', { agentId: 'b', now: 3 });
      expect(picked.cancelledOffer?.agentId).toBe('a');
      expect(findQueueEntry(picked.queue, 'w1')).toEqual({
        workItemId: 'w1',
        enqueuedAt: 0,
        claim: { agentId: 'b', at: 3, via: 'pick' },
      });
      expect(settleClaim(picked.queue, 'w1', 'b').entries.map((entry) => entry.workItemId)).toEqual(['w2']);
    });

    it('of an item that is not offered cancels nothing', () => {
      expect(pickFromQueue(queueOf('w1'), 'w1', { agentId: 'a', now: 0 }).cancelledOffer).toBeUndefined();
    });

    it('of an item no longer queued, or already taken by another agent, is no longer available', () => {
      expect(() => pickFromQueue(queueOf('w1'), 'w9', { agentId: 'a', now: 0 })).toThrow(OfferNotFoundError);
      const taken = pickFromQueue(queueOf('w1'), 'w1', { agentId: 'a', now: 0 }).queue;
      expect(() => pickFromQueue(taken, 'w1', { agentId: 'b', now: 1 })).toThrow(OfferNotFoundError);
    });
  });

  it('dequeues an item that left another way, and ignores one not queued', () => {
    expect(dequeue(queueOf('w1', 'w2'), 'w1').entries.map((entry) => entry.workItemId)).toEqual(['w2']);
    const queue = queueOf('w1');
    expect(dequeue(queue, 'zz')).toBe(queue);
  });
});

describe('mightTakeWork: whether routing needs to read the queue at all', () => {
  const settings = { capacityUnitsPerConversation: 1, agentCapacityUnits: 2, maxSessions: 3 };
  const candidate = {
    id: 'alice',
    presence: 'available',
    usedUnits: 0,
    sessionCount: 0,
    reachable: true,
  } as const;

  it('is true for an Available, reachable agent with room', () => {
    expect(mightTakeWork(candidate, settings)).toBe(true);
  });

  it.each([
    ['away', { presence: 'away' }],
    ['unreachable', { reachable: false }],
    ['at capacity', { usedUnits: 2 }],
    ['at the session limit', { sessionCount: 3 }],
  ] as const)('is false for an agent %s', (_label, change) => {
    expect(mightTakeWork({ ...candidate, ...change }, settings)).toBe(false);
  });
});
