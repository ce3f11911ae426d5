import { closedWording, isOpenAt, localMoment } from '../domain/operating-hours';
import { acceptsOffers } from '../domain/presence';
import { findSession, recordCustomerMessage } from '../domain/agent-sessions';
import { isReplayedActivity, rememberActivity } from '../domain/inbound-activities';
import { conversationSentiment } from '../domain/sentiment';
import { isAuthenticated, sessionTitle } from '../domain/session-title';
import type { CustomerIdentity } from '../domain/session-title';
import {
  expireWorkItem,
  isWaitingPeriodOver,
  openWorkItem,
  recordCustomerMessageOnWorkItem,
  routeCustomerMessage,
} from '../domain/work-item';
import { refreshPanelIfShown, updateAgent } from './agents';
import { tellConsultants } from './consult-thread';
import { findContact } from './contacts';
import { capText, customerWording } from './customer-wording';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, CustomerDocument, WorkItemDocument } from './documents';
import { countForSupervisors } from './monitor-sessions';
import { dispatchOffers, type OfferPorts } from './offers';
import { admitToQueue } from './queue-overflow';
import { customerMessageView, previewOf } from './view-builders';
import type { PrechatAnswer } from './views';
import { announceWorkItemChange } from './work-item-index';

export interface CustomerMessage {
  /** `channelId + from.id`. */
  readonly customerId: string;
  readonly channelId: string;
  readonly text: string;
  /** Set when the channel or the contacts directory knows who this is. */
  readonly identity?: CustomerIdentity;
  readonly prechat?: readonly PrechatAnswer[];
  /**
   * The channel's id of the customer's activity: a replay of it is taken once, and an answer to it (a refusal)
   * can say which one it was.
   */
  readonly activityId?: string;
  /** The name the customer gave themselves on the channel (not Teams, whose names are identities). */
  readonly nameGiven?: string;
}

export type CustomerMessageOutcome =
  | { readonly kind: 'rate-limited' }
  /** The queue was full (MAX_QUEUE_LENGTH with the `end` action): the conversation closed, the message kept. */
  | { readonly kind: 'overflow'; readonly workItemId: string }
  /** The channel sent a message already taken again (same activity id): nothing was done. */
  | { readonly kind: 'replayed' }
  | { readonly kind: 'queued'; readonly workItemId: string; readonly isNew: boolean }
  | { readonly kind: 'relayed'; readonly workItemId: string; readonly agentId: string }
  | { readonly kind: 'waiting-in-queue'; readonly workItemId: string };

const RATE_WINDOW_MS = 60_000;
/** Attempts to settle which work item a message belongs to while other messages race for it. */
const ROUTE_ATTEMPTS = 20;

/** What taking a customer's message reads and writes, offering new work to agents included. */
export type CustomerPorts = OfferPorts &
  Pick<
    DeskPorts,
    'customerTurns' | 'unitOfWork' | 'customers' | 'contacts' | 'visitorNumbers' | 'scorer' | 'consults'
  >;

/** Where a message settles its work item: the customer, the item, and what a new item is given. */
type WorkItemPorts = Pick<
  DeskPorts,
  'customers' | 'workItems' | 'contacts' | 'visitorNumbers' | 'ids' | 'notifier' | 'settings'
>;

/**
 * A customer writes: the message joins their live work item, resumes a Waiting one, or starts a new
 * one (queued and offered); messages to an Active item are relayed to its agent. One customer's messages are
 * taken one at a time, in arrival order (customerTurns).
 */
export function receiveCustomerMessage(
  deps: CustomerPorts,
  message: CustomerMessage,
): Promise<CustomerMessageOutcome> {
  return deps.customerTurns.run(message.customerId, () =>
    deps.unitOfWork.run(() => takeCustomerMessage(deps, message)),
  );
}

async function takeCustomerMessage(
  deps: CustomerPorts,
  message: CustomerMessage,
): Promise<CustomerMessageOutcome> {
  const now = deps.clock.now();
  const log = deps.logger.child({ customerId: message.customerId, channelId: message.channelId });
  const { verdict, customer } = await admitMessage(deps, message, now);
  if (verdict === 'replayed') {
    log.info({ activityId: message.activityId }, 'customer message replayed by the channel: taken already');
    return { kind: 'replayed' };
  }
  if (verdict === 'rate-limited') {
    log.info({}, 'customer rate-limited');
    await deps.notifier.toCustomer(message.customerId, customerWording.rateLimited, {
      kind: 'rate-limited',
      ...(message.activityId !== undefined ? { replyToId: message.activityId } : {}),
    });
    return { kind: 'rate-limited' };
  }

  const { text, truncated } = capText(message.text, deps.settings.maxTextChars);
  const score = deps.scorer.score(text);
  const { doc, isNew, resumedFor } = await appendToWorkItem(deps, message, { text, score, now }, customer);
  const item = doc.item;
  log.info({ workItemId: item.id, state: item.state, isNew, truncated }, 'customer message');
  if (!isNew) await countForSupervisors(deps, item.id);

  if (item.state === 'active' && item.assignedAgentId) {
    await relayToAgent(deps, doc, text, truncated, now);
    return { kind: 'relayed', workItemId: item.id, agentId: item.assignedAgentId };
  }
  if (isNew || resumedFor !== undefined) {
    const admitted = isNew ? await admitToQueue(deps, doc, now) : undefined;
    if (admitted?.kind === 'ended') return { kind: 'overflow', workItemId: item.id };
    await deps.queue.enqueue(deps.settings.workstream.name, item.id, now, resumedFor || undefined);
    await announceWorkItemChange(deps);
    const wording =
      (admitted?.kind === 'queue' ? admitted.wording : undefined) ?? (await queuedWording(deps, now));
    await deps.notifier.toCustomer(message.customerId, wording, { kind: 'queued' });
    await dispatchOffers(deps);
    return { kind: 'queued', workItemId: item.id, isNew };
  }
  // Still queued: its row's last message changed (the Floor, the dashboards), told once the message is committed.
  await announceWorkItemChange(deps);
  return { kind: 'waiting-in-queue', workItemId: item.id };
}

/**
 * What a customer just queued is told: when the desk is closed (OPERATING_HOURS), when it opens; when nobody is at
 * work (every agent Away, Offline or Inactive), that their message waits for the next free agent; else that an
 * agent will be with them shortly. An agent at capacity (Do not disturb) is at work: they take the queue next.
 */
async function queuedWording(deps: CustomerPorts, now: number): Promise<string> {
  const hours = deps.settings.operatingHours;
  if (hours) {
    const moment = localMoment(now, hours.timeZone);
    if (!isOpenAt(hours, moment)) return closedWording(hours, moment);
  }
  const agents = await deps.agentRecords.forRouting(await deps.agents());
  return agents.some((agent) => acceptsOffers(agent.presence) || agent.presence === 'dnd')
    ? customerWording.queued
    : customerWording.nobodyAvailable;
}

/**
 * Counts the message in the customer's rate window and remembers its id (creating the customer); their row as it
 * now is, and the verdict. A replay of a message already taken changes nothing.
 */
export async function admitMessage(
  deps: Pick<DeskPorts, 'customers' | 'settings'>,
  message: Pick<CustomerMessage, 'customerId' | 'channelId' | 'identity' | 'activityId'>,
  now: number,
): Promise<{ verdict: 'allowed' | 'rate-limited' | 'replayed'; customer: CustomerDocument | undefined }> {
  const limit = deps.settings.rateLimitPerMinute;
  let verdict: 'allowed' | 'rate-limited' | 'replayed' = 'allowed';
  const customer = await deps.customers.update(message.customerId, (current) => {
    if (current && isReplayedActivity(current.recentActivityIds, message.activityId)) {
      verdict = 'replayed';
      return current;
    }
    const base: CustomerDocument = current ?? {
      id: message.customerId,
      channelId: message.channelId,
      identity: message.identity ?? {},
      rateWindow: { startedAt: now, count: 0 },
    };
    const fresh = now - base.rateWindow.startedAt >= RATE_WINDOW_MS;
    const window = fresh ? { startedAt: now, count: 0 } : base.rateWindow;
    const allowed = limit === 0 || window.count < limit;
    verdict = allowed ? 'allowed' : 'rate-limited';
    const recentActivityIds = allowed
      ? rememberActivity(base.recentActivityIds, message.activityId)
      : base.recentActivityIds;
    return {
      ...base,
      rateWindow: { startedAt: window.startedAt, count: window.count + (allowed ? 1 : 0) },
      ...(recentActivityIds ? { recentActivityIds } : {}),
    };
  });
  return { verdict, customer };
}

/**
 * Settles the message's work item with a conditional update of the customer, so two messages
 * arriving together never open two items, then appends it to that item in arrival order. `known` is the
 * customer's row as the caller just read it (the first attempt starts from it).
 */
async function appendToWorkItem(
  deps: WorkItemPorts,
  message: CustomerMessage,
  line: { text: string; score: number; now: number },
  known: CustomerDocument | undefined,
): Promise<{ doc: WorkItemDocument; isNew: boolean; resumedFor?: string }> {
  const { text, score, now } = line;
  const waitingPeriodMs = deps.settings.workstream.waitingPeriodMs;
  for (let attempt = 0; attempt < ROUTE_ATTEMPTS; attempt += 1) {
    const customer = attempt === 0 && known ? known : await deps.customers.get(message.customerId);
    const latestId = customer?.latestWorkItemId;
    // Routed inside the item's own write (one read of it): record there, or learn that a new item is due.
    let route: ReturnType<typeof routeCustomerMessage> | undefined;
    const recorded = latestId
      ? await deps.workItems.record(latestId, (current) => {
          route = routeCustomerMessage(current?.item, now, waitingPeriodMs);
          if (!current || route.kind === 'start-new') return undefined;
          const resumed = route.kind === 'resume';
          const item = recordCustomerMessageOnWorkItem(route.item, score);
          const doc: WorkItemDocument = {
            ...current,
            item,
            waitingSince: resumed ? now : current.waitingSince,
            ...(message.nameGiven ? { nameGiven: message.nameGiven } : {}),
          };
          return { doc, message: { from: 'customer', text, at: now, score } };
        })
      : undefined;
    const doc = recorded?.doc;
    if (doc && doc.item.state !== 'closed') {
      if (route?.kind === 'resume') return { doc, isNew: false, resumedFor: doc.item.lastAgentId ?? '' };
      return { doc, isNew: false };
    }
    if (latestId && route?.kind !== 'start-new') continue;
    if (route?.kind === 'start-new' && route.expired) await expireWaitingItem(deps, route.expired.id, now);
    const started = await startWorkItem(deps, message, customer, { text, score, now });
    if (started) return { doc: started, isNew: true };
  }
  throw new Error(`Could not settle a work item for customer ${message.customerId}.`);
}

/**
 * Opens a new work item with the message, then points the customer at it; undefined when another message won
 * that race (the item is removed again and the caller settles anew).
 */
async function startWorkItem(
  deps: WorkItemPorts,
  message: CustomerMessage,
  customer: CustomerDocument | undefined,
  line: { text: string; score: number; now: number },
): Promise<WorkItemDocument | undefined> {
  const { text, score, now } = line;
  const latestId = customer?.latestWorkItemId;
  const identity =
    message.identity ?? (await findContact(deps.contacts, message.customerId)) ?? customer?.identity ?? {};
  const known = isAuthenticated(identity) || identity.visitorNumber !== undefined;
  const fullIdentity = known ? identity : { ...identity, visitorNumber: await deps.visitorNumbers.next() };
  const workItemId = deps.ids.next();
  const created = openWorkItem({
    id: workItemId,
    workstream: deps.settings.workstream.name,
    customerId: message.customerId,
    channelId: message.channelId,
    customer: fullIdentity,
    title: sessionTitle(fullIdentity),
    now,
  });
  // The item exists before the customer points at it, so a message that loses the race finds it.
  const doc = await writeMessage(deps, workItemId, text, score, now, {
    item: created,
    prechat: message.prechat ?? [],
    waitingSince: now,
    preview: previewOf(text),
    ...(message.nameGiven ? { nameGiven: message.nameGiven } : {}),
  });
  let claimed = false;
  await deps.customers.update(message.customerId, (current) => {
    claimed = current !== undefined && current.latestWorkItemId === latestId;
    if (!current || !claimed) return current;
    return { ...current, identity: fullIdentity, latestWorkItemId: workItemId };
  });
  if (!claimed) {
    await deps.workItems.remove(workItemId);
    return undefined;
  }
  return doc;
}

async function writeMessage(
  deps: Pick<DeskPorts, 'workItems'>,
  workItemId: string,
  text: string,
  score: number,
  now: number,
  initial: WorkItemDocument,
): Promise<WorkItemDocument> {
  const recorded = await deps.workItems.record(workItemId, (current) => {
    const base = current ?? initial;
    const doc = { ...base, item: recordCustomerMessageOnWorkItem(base.item, score) };
    return { doc, message: { from: 'customer', text, at: now, score } };
  });
  if (!recorded) throw new Error(`Work item ${workItemId} was not written.`);
  return recorded.doc;
}

async function relayToAgent(
  deps: Pick<DeskPorts, 'agentRecords' | 'notifier' | 'settings' | 'consults'>,
  doc: WorkItemDocument,
  text: string,
  truncated: boolean,
  now: number,
): Promise<void> {
  const agentId = doc.item.assignedAgentId;
  if (!agentId) return;
  const sentiment = conversationSentiment(doc.item.sentimentScores);
  // A message to the session the agent has open, its sentiment unchanged, changes nothing on the panel: the agent's
  // row is not written again. The panel card is updated only when it would show something else (an update in place
  // that shows nothing new spends a call): a sentiment that changes without crossing the alert threshold is kept.
  let before: AgentDocument | undefined;
  const agent = await updateAgent(deps, agentId, (current) => {
    const panel = findSession(current.panel, doc.item.id)
      ? recordCustomerMessage(current.panel, doc.item.id, sentiment)
      : current.panel;
    before = panel !== current.panel ? current : undefined;
    return before ? { ...current, panel } : current;
  });
  await deps.notifier.toAgent(
    agentId,
    customerMessageView(
      doc,
      agent,
      { text, truncated, sentAt: now },
      deps.settings.workstream.sentimentThreshold,
    ),
  );
  if (before) await refreshPanelIfShown(deps, before, agent);
  // Consultants follow it in the tab; the item's own count keeps a conversation without any from reading them.
  await tellConsultants(deps, doc, sentiment);
}

/** Records on the work item itself that its waiting period is over, so it can only ever be opened read-only. */
async function expireWaitingItem(
  deps: Pick<DeskPorts, 'workItems' | 'notifier' | 'settings'>,
  workItemId: string,
  now: number,
): Promise<void> {
  const waitingPeriodMs = deps.settings.workstream.waitingPeriodMs;
  const doc = await deps.workItems.update(workItemId, (current) =>
    current && isWaitingPeriodOver(current.item, now, waitingPeriodMs)
      ? { ...current, item: expireWorkItem(current.item, now, waitingPeriodMs) }
      : current,
  );
  if (doc) await announceWorkItemChange(deps);
}
