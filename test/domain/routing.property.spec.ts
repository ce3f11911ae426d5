import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors';
import {
  acceptOffer,
  emptyQueue,
  enqueue,
  expireOffers,
  planOffers,
  rejectOffer,
} from '../../src/domain/routing';
import type { RoutingCandidate, WorkQueue } from '../../src/domain/routing';

const settings = {
  capacityUnitsPerConversation: 1,
  agentCapacityUnits: 2,
  maxSessions: 10,
  notificationTimeoutMs: 100,
  keepSameAgent: true,
};
const AGENTS = ['a', 'b'];

type Step =
  | { kind: 'arrive' }
  | { kind: 'plan' }
  | { kind: 'tick'; ms: number }
  | { kind: 'answer'; index: number; accept: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'arrive' }),
  fc.constant<Step>({ kind: 'plan' }),
  fc.integer({ min: 1, max: 150 }).map<Step>((ms) => ({ kind: 'tick', ms })),
  fc
    .record({ index: fc.nat(20), accept: fc.boolean() })
    .map<Step>((answer) => ({ kind: 'answer', ...answer })),
);

describe('routing, under any sequence of arrivals, offers, answers and timeouts', () => {
  it('never offers an item twice at once, never overfills an agent and keeps arrival order', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        let queue: WorkQueue = emptyQueue('default');
        let now = 0;
        let arrivals = 0;
        let offerCount = 0;
        const used = new Map(AGENTS.map((id) => [id, 0]));
        const candidates = (): RoutingCandidate[] =>
          AGENTS.map((id) => ({
            id,
            presence: 'available',
            usedUnits: used.get(id) ?? 0,
            sessionCount: used.get(id) ?? 0,
            reachable: true,
          }));

        for (const s of steps) {
          if (s.kind === 'arrive') queue = enqueue(queue, `w${(arrivals += 1)}`, now);
          if (s.kind === 'plan') {
            queue = planOffers(queue, candidates(), settings, now, () => `o${(offerCount += 1)}`).queue;
          }
          if (s.kind === 'tick') {
            now += s.ms;
            queue = expireOffers(queue, now).queue;
          }
          if (s.kind === 'answer') {
            const offered = queue.entries.filter((entry) => entry.offer);
            const offer = offered[s.index % Math.max(1, offered.length)]?.offer;
            if (!offer) continue;
            const request = { workItemId: offer.workItemId, offerId: offer.id, agentId: offer.agentId, now };
            try {
              if (s.accept) {
                queue = acceptOffer(queue, request).queue;
                used.set(offer.agentId, (used.get(offer.agentId) ?? 0) + 1);
              } else {
                queue = rejectOffer(queue, request).queue;
              }
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
          }

          const ids = queue.entries.map((entry) => entry.workItemId);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.map((id) => Number(id.slice(1)))).toEqual(
            [...ids.map((id) => Number(id.slice(1)))].sort((x, y) => x - y),
          );
          for (const id of AGENTS) {
            const outstanding = queue.entries.filter((entry) => entry.offer?.agentId === id).length;
            expect((used.get(id) ?? 0) + outstanding).toBeLessThanOrEqual(settings.agentCapacityUnits);
          }
        }
      }),
      { numRuns: 300, seed: 20261124 },
    );
  });
});
