import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Arrival, BenchConnector } from './connector';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/** One JSON POST over a keep-alive agent; rejects on a network error or after `timeoutMs`. */
export function postJson(url: string, body: string, agent: Agent, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A message of the timed load: its bench token, the activity to POST, where its delivery must arrive. */
export interface LoadMessage {
  readonly token: number;
  readonly body: string;
  /** The conversation the bot must post the token to (the agent's chat, or the customer's for the echo). */
  readonly deliverTo: string;
  /** Where to POST it, when not the run's url (several instances behind one endpoint). */
  readonly url?: string;
}

export interface LoadOptions {
  readonly url: string;
  readonly messages: readonly LoadMessage[];
  readonly concurrency: number;
  readonly connector: BenchConnector;
  /** No new POST starts after this many ms from the start of the phase. */
  readonly sendWindowMs: number;
  /** How long to wait for the last deliveries once every POST was answered. */
  readonly deliveryWaitMs: number;
  readonly requestTimeoutMs: number;
  /**
   * Keep-alive connections to use, kept open afterwards: a row sent in rounds goes on over the same connections.
   * Without it the load opens its own and closes them at the end.
   */
  readonly agent?: Agent;
}

export interface LoadResult {
  readonly planned: number;
  /** POSTs made (fewer than planned when the send window closed first). */
  readonly sent: number;
  /** POSTs answered 2xx. */
  readonly accepted: number;
  /** POSTs answered otherwise, or not at all. */
  readonly failed: number;
  /** Messages whose token reached the expected conversation at least once. */
  readonly delivered: number;
  /** Planned messages never delivered (not sent, refused, or lost). */
  readonly lost: number;
  /** Extra deliveries of a token already delivered. */
  readonly duplicated: number;
  /** Deliveries to another conversation than the expected one. */
  readonly misdelivered: number;
  /** POST latency (request start → answer read), ms, one per answered POST. */
  readonly postMs: readonly number[];
  /** Delivery latency (request start → arrival at the connector), ms, one per delivered message. */
  readonly deliveryMs: readonly number[];
  /** Delivery latencies of the first and the last tenth of the messages (in sending order): a growing backlog. */
  readonly firstTenthDeliveryMs: readonly number[];
  readonly lastTenthDeliveryMs: readonly number[];
  /** First POST start → last delivery, ms. */
  readonly wallMs: number;
  /** First POST start → last POST answer, ms. */
  readonly postWallMs: number;
  /** Connector calls during the phase (posts, in-place updates), settled. */
  readonly connectorPosts: number;
  readonly connectorUpdates: number;
  readonly errorSamples: readonly string[];
}

const MAX_ERROR_SAMPLES = 5;

/**
 * Posts `messages` with at most `concurrency` in flight and records, for each, its POST answer and when its token
 * reached the connector. Bounded: the send window, each request's timeout, and the delivery wait; then it waits
 * for the connector to go quiet (so the next phase starts clean, and a late duplicate is still counted).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { messages, connector } = options;
  const count = messages.length;
  const indexOf = new Map(messages.map((message, index) => [message.token, index]));
  const startedAt = new Array<number>(count).fill(Number.NaN);
  const deliveredAt = new Array<number>(count).fill(Number.NaN);
  const postMs: number[] = [];
  const errorSamples: string[] = [];
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  let delivered = 0;
  let duplicated = 0;
  let misdelivered = 0;
  let lastDelivery = Number.NaN;
  let lastAnswer = Number.NaN;
  let allDelivered: () => void = () => undefined;
  const everyDelivery = new Promise<void>((resolve) => (allDelivered = resolve));
  const sample = (text: string) => {
    if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(text);
  };
  // Calls to the conversations this load writes to: a bot's late panel update lands in its own row's count, not in
  // the other bot's round that runs meanwhile.
  const conversations = messages.map((message) => message.deliverTo);
  const calls0 = connector.callsTo(conversations);

  const stopListening = connector.onArrival((arrival: Arrival) => {
    if (arrival.kind !== 'post') return;
    for (const token of arrival.tokens) {
      const index = indexOf.get(token);
      if (index === undefined) continue;
      const message = messages[index]!;
      if (arrival.conversationId !== message.deliverTo) {
        misdelivered += 1;
        sample(`token ${token} delivered to ${arrival.conversationId}, expected ${message.deliverTo}`);
        continue;
      }
      if (!Number.isNaN(deliveredAt[index]!)) {
        duplicated += 1;
        sample(`token ${token} delivered twice`);
        continue;
      }
      deliveredAt[index] = arrival.at;
      lastDelivery = arrival.at;
      delivered += 1;
      if (delivered === count) allDelivered();
    }
  });

  const agent = options.agent ?? new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const phaseStart = performance.now();
  const sendDeadline = phaseStart + options.sendWindowMs;
  let next = 0;
  const worker = async () => {
    while (next < count && performance.now() < sendDeadline) {
      const index = next;
      next += 1;
      const message = messages[index]!;
      const start = performance.now();
      startedAt[index] = start;
      sent += 1;
      try {
        const answer = await postJson(
          message.url ?? options.url,
          message.body,
          agent,
          options.requestTimeoutMs,
        );
        lastAnswer = performance.now();
        postMs.push(lastAnswer - start);
        if (answer.status >= 200 && answer.status < 300) accepted += 1;
        else {
          failed += 1;
          sample(`token ${message.token}: POST answered ${answer.status} ${answer.text.slice(0, 200)}`);
        }
      } catch (error) {
        failed += 1;
        sample(
          `token ${message.token}: POST failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, count)) }, worker));
    if (delivered < count) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        everyDelivery,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, options.deliveryWaitMs))),
      ]);
      clearTimeout(timer);
    }
    await connector.quiet(250, options.deliveryWaitMs);
  } finally {
    stopListening();
    if (!options.agent) agent.destroy();
  }

  const firstStart = startedAt.reduce(
    (min, value) => (Number.isNaN(value) ? min : Math.min(min, value)),
    Infinity,
  );
  const latencyOf = (index: number) => deliveredAt[index]! - startedAt[index]!;
  const deliveryMs = deliveredAt.flatMap((at, index) => (Number.isNaN(at) ? [] : [latencyOf(index)]));
  const tenth = Math.max(1, Math.floor(count / 10));
  const tenthOf = (from: number) =>
    Array.from({ length: tenth }, (_, offset) => from + offset)
      .filter((index) => index < count && !Number.isNaN(deliveredAt[index]!))
      .map(latencyOf);
  const calls = connector.callsTo(conversations);
  if (sent < count)
    sample(`${count - sent} message(s) not sent: the ${options.sendWindowMs} ms send window closed`);
  return {
    planned: count,
    sent,
    accepted,
    failed,
    delivered,
    lost: count - delivered,
    duplicated,
    misdelivered,
    postMs,
    deliveryMs,
    firstTenthDeliveryMs: tenthOf(0),
    lastTenthDeliveryMs: tenthOf(count - tenth),
    wallMs: delivered > 0 ? lastDelivery - firstStart : 0,
    postWallMs: Number.isNaN(lastAnswer) ? 0 : lastAnswer - firstStart,
    connectorPosts: calls.posts - calls0.posts,
    connectorUpdates: calls.updates - calls0.updates,
    errorSamples,
  };
}

/** Nearest-rank percentile of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Runs `work` over `items` with at most `limit` in flight, stopping new work at `deadline` (performance.now()). */
export async function runBounded<T>(
  items: readonly T[],
  limit: number,
  deadline: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length && performance.now() < deadline) {
      const index = next;
      next += 1;
      await work(items[index]!, index);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return done;
}

/**
 * One row's result from its rounds, sent one after another: counts and latencies added up, the windows too. The
 * first and last tenth are those of the first and the last round (a backlog growing over the row shows there).
 */
export function mergedResults(rounds: readonly LoadResult[]): LoadResult {
  const first = rounds[0];
  const last = rounds[rounds.length - 1];
  if (!first || !last) throw new Error('mergedResults: no rounds');
  const sum = (pick: (result: LoadResult) => number) =>
    rounds.reduce((total, result) => total + pick(result), 0);
  return {
    planned: sum((result) => result.planned),
    sent: sum((result) => result.sent),
    accepted: sum((result) => result.accepted),
    failed: sum((result) => result.failed),
    delivered: sum((result) => result.delivered),
    lost: sum((result) => result.lost),
    duplicated: sum((result) => result.duplicated),
    misdelivered: sum((result) => result.misdelivered),
    postMs: rounds.flatMap((result) => result.postMs),
    deliveryMs: rounds.flatMap((result) => result.deliveryMs),
    firstTenthDeliveryMs: first.firstTenthDeliveryMs,
    lastTenthDeliveryMs: last.lastTenthDeliveryMs,
    wallMs: sum((result) => result.wallMs),
    postWallMs: sum((result) => result.postWallMs),
    connectorPosts: sum((result) => result.connectorPosts),
    connectorUpdates: sum((result) => result.connectorUpdates),
    errorSamples: rounds.flatMap((result) => result.errorSamples).slice(0, MAX_ERROR_SAMPLES),
  };
}
