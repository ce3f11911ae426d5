import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors';
import {
  acceptOffer,
  emptyQueue,
  enqueue,
  expireOffers,
  planOffers,
  rejectOffer,
  settleClaim,
} from '../../src/domain/routing';
import type { RoutingCandidate, WorkQueue } from '../../src/domain/routing';

const settings = {
  capacityUnitsPerConversation: 1,
  agentCapacityUnits: 2,
  maxSessions: 10,
  notificationTimeoutMs: 100,
  keepSameAgent: true,
  keepAgentMs: 120_000,
};
const AGENTS = ['a', 'b'];

type Step =
  | { kind: 'arrive' }
  | { kind: 'plan' }
  | { kind: 'tick'; ms: number }
  | { kind: 'answer'; index: number; accept: boolean }
  /** An accepted item's session opens on the agent's document (the claim is not settled yet). */
  | { kind: 'open'; index: number }
  /** A claim whose session is open is settled: the item leaves the queue. */
  | { kind: 'settle'; index: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'arrive' }),
  fc.constant<Step>({ kind: 'plan' }),
  fc.integer({ min: 1, max: 150 }).map<Step>((ms) => ({ kind: 'tick', ms })),
  fc
    .record({ index: fc.nat(20), accept: fc.boolean() })
    .map<Step>((answer) => ({ kind: 'answer', ...answer })),
  fc.nat(20).map<Step>((index) => ({ kind: 'open', index })),
  fc.nat(20).map<Step>((index) => ({ kind: 'settle', index })),
);

describe('routing, under any sequence of arrivals, offers, answers and timeouts', () => {
  it('never offers an item twice at once, never overfills an agent (counting accepts whose session is not open yet) and keeps arrival order', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80, size: 'max' }), (steps) => {
        let queue: WorkQueue = emptyQueue('default');
        let now = 0;
        let arrivals = 0;
        let offerCount = 0;
        // The sessions open on each agent's document.
        const sessions = new Map(AGENTS.map((id) => [id, new Set<string>()]));
        const used = (id: string) => sessions.get(id)?.size ?? 0;
        const candidates = (): RoutingCandidate[] =>
          AGENTS.map((id) => ({
            id,
            presence: 'available',
            usedUnits: used(id),
            sessionCount: used(id),
            reachable: true,
            sessionIds: [...(sessions.get(id) ?? [])],
          }));
        const claimed = (opened: boolean) =>
          queue.entries.filter(
            (entry) => entry.claim && sessions.get(entry.claim.agentId)?.has(entry.workItemId) === opened,
          );

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
              } else {
                queue = rejectOffer(queue, request).queue;
              }
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
          }

          if (s.kind === 'open') {
            const waiting = claimed(false);
            const entry = waiting[s.index % Math.max(1, waiting.length)];
            if (entry?.claim) sessions.get(entry.claim.agentId)?.add(entry.workItemId);
          }
          if (s.kind === 'settle') {
            const opened = claimed(true);
            const entry = opened[s.index % Math.max(1, opened.length)];
            if (entry?.claim) queue = settleClaim(queue, entry.workItemId, entry.claim.agentId);
          }

          const ids = queue.entries.map((entry) => entry.workItemId);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.map((id) => Number(id.slice(1)))).toEqual(
            [...ids.map((id) => Number(id.slice(1)))].sort((x, y) => x - y),
          );
          for (const id of AGENTS) {
            const outstanding = queue.entries.filter((entry) => entry.offer?.agentId === id).length;
            const unopened = claimed(false).filter((entry) => entry.claim?.agentId === id).length;
            expect(used(id) + outstanding + unopened).toBeLessThanOrEqual(settings.agentCapacityUnits);
          }
        }
      }),
      { numRuns: 300, seed: 20261124 },
    );
  });
});
