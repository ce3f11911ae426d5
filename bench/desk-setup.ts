import type { Agent } from 'node:http';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  type TestAgent,
  type TestCustomer,
} from '../test/support/activities';
import { actionData, textBlocks } from '../test/support/cards';
import type { Arrival, BenchConnector } from './connector';
import { postJson, runBounded } from './load';

/** Getting a running Relaydesk to the state a timed phase starts from, over HTTP as Teams and the Emulator would. */

export const benchAgent = (index: number): TestAgent => ({
  aadObjectId: `aad-bench-agent-${index}`,
  userId: `29:bench-agent-${index}`,
  name: `Bench Agent ${index}`,
  conversationId: `a:bench-agent-${index}`,
});

export const benchCustomer = (prefix: string, index: number): TestCustomer => ({
  userId: `${prefix}-customer-${index}`,
  conversationId: `${prefix}-conversation-${index}`,
  channelId: 'emulator',
});

/** A customer's first line: a marker no other customer's line contains, so their offer card can be told apart. */
const openingLine = (customer: TestCustomer) => `Hello, this is ${customer.userId}z, I need help`;

export interface OpenSession {
  readonly customer: TestCustomer;
  readonly agent: TestAgent;
  readonly workItemId: string;
}

export interface SetupContext {
  readonly url: string;
  readonly connector: BenchConnector;
  readonly http: Agent;
  /** Every setup step (one POST, one awaited card) has this time limit. */
  readonly stepTimeoutMs: number;
}

async function post(ctx: SetupContext, activity: Record<string, unknown>, what: string): Promise<unknown> {
  const answer = await postJson(ctx.url, JSON.stringify(activity), ctx.http, ctx.stepTimeoutMs);
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${what}: POST answered ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  return answer.text ? (JSON.parse(answer.text) as unknown) : undefined;
}

/** Each agent writes to the bot once: it stores their conversation reference, and they are Available. */
export async function registerAgents(ctx: SetupContext, agents: readonly TestAgent[]): Promise<void> {
  for (const agent of agents) {
    await post(ctx, agentMessage(ctx.connector.serviceUrl, agent, 'hi'), `${agent.name} says hi`);
  }
}

function cardOf(arrival: Arrival): unknown {
  const attachments = arrival.activity?.['attachments'];
  if (!Array.isArray(attachments)) return undefined;
  const first = attachments[0] as { contentType?: unknown; content?: unknown } | undefined;
  return first?.contentType === 'application/vnd.microsoft.card.adaptive' ? first.content : undefined;
}

/**
 * A customer writes, their offer card reaches one of `agents`, and that agent presses Accept: the session is
 * Active. Whichever agent routing picked (the least loaded) is the one who accepts.
 */
export async function openSession(
  ctx: SetupContext,
  agents: readonly TestAgent[],
  customer: TestCustomer,
): Promise<OpenSession> {
  const byConversation = new Map(agents.map((agent) => [agent.conversationId, agent]));
  const marker = `${customer.userId}z`;
  const offerArrives = ctx.connector.next(
    `offer card for ${customer.userId}`,
    (arrival) =>
      arrival.kind === 'post' &&
      byConversation.has(arrival.conversationId) &&
      JSON.stringify(arrival.activity ?? {}).includes(marker) &&
      hasAccept(cardOf(arrival)),
    ctx.stepTimeoutMs,
  );
  // A failed POST leaves the wait behind: it must not become an unhandled rejection.
  offerArrives.catch(() => undefined);
  await post(
    ctx,
    customerMessage(ctx.connector.serviceUrl, customer, openingLine(customer)),
    `${customer.userId} writes`,
  );
  const offer = await offerArrives;
  const agent = byConversation.get(offer.conversationId)!;
  const data = actionData(cardOf(offer), 'accept');
  const answer = (await post(
    ctx,
    agentInvoke(ctx.connector.serviceUrl, agent, 'accept', data, offer.activityId),
    `${agent.name} accepts ${customer.userId}`,
  )) as { value?: unknown } | undefined;
  const texts = textBlocks(answer?.value);
  if (!texts.includes('Accepted')) {
    throw new Error(`${agent.name} accepting ${customer.userId} was answered: ${texts.join(' | ')}`);
  }
  const workItemId = data['workItemId'];
  if (!workItemId) throw new Error(`the offer for ${customer.userId} names no work item`);
  return { customer, agent, workItemId };
}

function hasAccept(card: unknown): boolean {
  try {
    actionData(card, 'accept');
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens a session for every customer, `concurrency` at a time, keeping the connector's activities meanwhile (the
 * offer cards are read from them). Stops starting new ones at `deadline` (performance.now()); throws when any
 * did not open.
 */
export async function openSessions(
  ctx: SetupContext,
  agents: readonly TestAgent[],
  customers: readonly TestCustomer[],
  concurrency: number,
  deadline: number,
): Promise<OpenSession[]> {
  const opened: OpenSession[] = [];
  ctx.connector.keepActivities = true;
  try {
    await runBounded(customers, concurrency, deadline, async (customer) => {
      opened.push(await openSession(ctx, agents, customer));
    });
  } finally {
    ctx.connector.keepActivities = false;
    ctx.connector.kept.length = 0;
  }
  if (opened.length !== customers.length) {
    throw new Error(`only ${opened.length} of ${customers.length} sessions opened before the deadline`);
  }
  return opened;
}

/** Customers write once each with no agent reachable: each gets a work item waiting in the queue. */
export async function queueCustomers(
  ctx: SetupContext,
  customers: readonly TestCustomer[],
  concurrency: number,
  deadline: number,
): Promise<void> {
  const done = await runBounded(customers, concurrency, deadline, async (customer) => {
    await post(
      ctx,
      customerMessage(ctx.connector.serviceUrl, customer, openingLine(customer)),
      `${customer.userId} writes`,
    );
  });
  if (done !== customers.length) {
    throw new Error(`only ${done} of ${customers.length} customers were queued before the deadline`);
  }
}
