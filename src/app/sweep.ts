import { expireOffers, staleClaims } from '../domain/routing';
import type { Offer } from '../domain/routing';
import { setInactiveAfterMiss } from './agents';
import { returnAwayAgentsWork, type AwayPorts } from './away-agents';
import { CLAIM_GRACE_MS, finishClaim } from './claims';
import { dispatchOffers, sendOfferCard } from './offers';
import { closeEndedMonitoring } from './monitor-sessions';
import { sweepLongWaits } from './queue-overflow';
import { tellQueuePositions, type QueuePositionPorts } from './queue-positions';
import { REPAIR_INTERVAL_MS, repairSessions, type RepairOutcome } from './repair';
import { expireTransfers } from './transfer-answers';
import { sweepWrapUps } from './wrap-up';
import type { TransferPorts } from './transfers';
import { updateQueue } from './work-queue';

export interface SweepOutcome {
  readonly missed: Offer[];
  readonly offered: Offer[];
  /** Set on the passes that also checked the agents' sessions against the work items. */
  readonly repaired?: RepairOutcome;
}

/**
 * Offers not answered in time become Missed and go to the next agent (transfers lapse, the conversation staying with
 * the agent who asked); claims a crash left half-way are finished.
 * One pass over the queue per tick, driven by the injected clock — no timer per offer.
 */
export async function sweepOffers(deps: TransferPorts): Promise<{ missed: Offer[]; offered: Offer[] }> {
  const now = deps.clock.now();
  await expireTransfers(deps);
  const queue = await deps.queue.get(deps.settings.workstream.name);
  for (const { workItemId, claim } of queue ? staleClaims(queue, now, CLAIM_GRACE_MS) : []) {
    const fields = { workItemId, agentId: claim.agentId, via: claim.via };
    deps.logger.warn(fields, 'finishing a claim left half-way');
    try {
      await finishClaim(deps, workItemId, claim);
    } catch (error) {
      // One claim that cannot be finished must not stop the sweep (offers still expire); it is tried again.
      deps.logger.error({ ...fields, err: error }, 'claim could not be finished');
    }
  }
  const missed = await updateQueue(deps, (current) => {
    const expired = expireOffers(current, now);
    return { queue: expired.queue, result: expired.expired };
  });
  for (const offer of missed) {
    deps.logger.info(
      { workItemId: offer.workItemId, agentId: offer.agentId, offerId: offer.id },
      'offer missed',
    );
    await sendOfferCard(deps, offer, 'missed');
  }
  for (const agentId of new Set(missed.map((offer) => offer.agentId)))
    await setInactiveAfterMiss(deps, agentId);
  const offered = await dispatchOffers(deps);
  return { missed, offered };
}

/** Agents are checked for being away at most this often: their grace is counted to within it. */
export const AWAY_CHECK_INTERVAL_MS = 15_000;

/**
 * The sweeper's pass for one instance: sweepOffers, wrap-ups, overflow and queue positions every time; once every
 * AWAY_CHECK_INTERVAL_MS whether agents with Active work are away; and once every REPAIR_INTERVAL_MS (the first pass
 * included) the agents' sessions are also checked against the work items. Passes must not overlap (the edge's
 * timer runs one at a time).
 */
export function deskSweep(deps: TransferPorts & QueuePositionPorts & AwayPorts): () => Promise<SweepOutcome> {
  let lastRepairAt = -Infinity;
  let lastAwayCheckAt = -Infinity;
  return async () => {
    const swept = await sweepOffers(deps);
    await sweepWrapUps(deps);
    if (deps.clock.now() - lastAwayCheckAt >= AWAY_CHECK_INTERVAL_MS) {
      lastAwayCheckAt = deps.clock.now();
      await returnAwayAgentsWork(deps);
    }
    await sweepLongWaits(deps);
    await tellQueuePositions(deps);
    const now = deps.clock.now();
    if (now - lastRepairAt < REPAIR_INTERVAL_MS) return swept;
    lastRepairAt = now;
    await closeEndedMonitoring(deps);
    return { ...swept, repaired: await repairSessions(deps) };
  };
}
