import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentDocument, CustomerDocument } from '../../src/app/documents';
import type { RunningRelaydesk } from '../../src/app-host';
import type { WorkQueue } from '../../src/domain/routing';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  postActivity,
  type ActivityJson,
  type PostResult,
  type TestAgent,
  type TestCustomer,
} from './activities';
import { actionData, actionsWithVerb, allObjects, cardOf, textBlocks, textOf, type Json } from './cards';
import { FakeConnector, type RecordedCall } from './fake-connector';
import { TEST_STORE_VARIABLE, startTestDesk, type TestDesk } from './harness';
import { readStored } from './desk-tables';
import type { WorkItemWithTranscript } from './desk-tables';

/**
 * The reliability suite's view of a running desk: the real server on 127.0.0.1 (STORE=sqlite on a temp file by
 * default), the fake Bot Connector, and the moves customers and agents make over HTTP.
 */

export { QUEUED } from './fixtures';
export const RATE_LIMITED = "You're sending messages quickly — please wait a moment.";
export const NO_LONGER_AVAILABLE = 'This request is no longer available.';
export const OFFERED_TO_ANOTHER = 'This request was offered to another agent.';
export const FOR_AGENTS = 'Buttons on these cards are for agents. Please type your message instead.';
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
export const joined = (agent: TestAgent) => `You're now chatting with ${agent.name}.`;
export const unreadText = (title: string, count: number) =>
  `${title}. ${count} new updates in your conversation.`;

export function testAgent(name: string): TestAgent {
  const id = name.toLowerCase();
  return {
    aadObjectId: `aad-${id}`,
    userId: `29:${id}`,
    name: `${name} Agent`,
    conversationId: `a:rel-${id}`,
  };
}

export function testCustomer(name: string, channelId = 'emulator'): TestCustomer {
  return { userId: `rel-${name}`, conversationId: `conv-rel-${name}`, channelId };
}

export const customerIdOf = (customer: TestCustomer) =>
  `${customer.channelId ?? 'emulator'}:${customer.userId}`;

/**
 * What the outbox (store-backed delivery, being built in src/teams) adds to the running app. Typed here so the
 * suite compiles before it exists; `outboxHooksOf` says whether this build has it.
 */
export interface OutboxHooks {
  /** Delivers everything due now, awaiting each send. */
  drainOutbox(): Promise<unknown>;
  /** Sends still waiting in the outbox. */
  outboxPending(): Promise<number> | number;
}

export function outboxHooksOf(app: RunningRelaydesk): OutboxHooks | undefined {
  const candidate = app as RunningRelaydesk & Partial<OutboxHooks>;
  return typeof candidate.drainOutbox === 'function' && typeof candidate.outboxPending === 'function'
    ? candidate
    : undefined;
}

// ---- reading what the fake connector received ----

export type Calls = readonly RecordedCall[];

export const postedTo = (calls: Calls, conversationId: string) =>
  calls.filter((call) => call.conversationId === conversationId && call.kind !== 'update');
export const updatesTo = (calls: Calls, conversationId: string) =>
  calls.filter((call) => call.conversationId === conversationId && call.kind === 'update');
export const textsTo = (calls: Calls, conversationId: string) => postedTo(calls, conversationId).map(textOf);
export const isPanel = (card: Json) => actionsWithVerb(card, 'togglePanel').length > 0;
export const isOffer = (card: Json) => actionsWithVerb(card, 'accept').length > 0;
export const offersTo = (calls: Calls, agent: TestAgent) =>
  postedTo(calls, agent.conversationId).filter((call) => isOffer(cardOf(call)));
export const panelCallsTo = (calls: Calls, agent: TestAgent) =>
  calls.filter((call) => call.conversationId === agent.conversationId && isPanel(cardOf(call)));

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One row of a panel card as the agent sees it: its focus action's tooltip and the row's texts. */
export function panelRow(card: Json, sessionId: string): { tooltip: string; texts: string[] } | undefined {
  const row = allObjects(card).find((object) => {
    const select = object['selectAction'];
    return (
      object['type'] === 'ColumnSet' &&
      isObject(select) &&
      select['verb'] === 'focus' &&
      isObject(select['data']) &&
      select['data']['sessionId'] === sessionId
    );
  });
  if (!row) return undefined;
  const select = row['selectAction'] as Record<string, Json>;
  return { tooltip: String(select['tooltip']), texts: textBlocks(row['columns']) };
}

/** The customer text of a relayed message card (its last TextBlock), for cards that are not offers or panels. */
export function relayedTextOf(call: RecordedCall): string | undefined {
  const card = cardOf(call);
  if (!card || isPanel(card) || isOffer(card)) return undefined;
  return textBlocks(card).at(-1);
}

export interface InvokeBody {
  statusCode: number;
  type: string;
  value: Json;
}

/**
 * A bare POST to /api/messages that resolves when the HTTP answer is in, and does nothing else (no outbox drain):
 * its resolution order is the order the server answered in. Call ReliabilityScene.settle() before reading the
 * connector.
 */
export async function postRaw(url: string, body: ActivityJson | string): Promise<PostResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body: parsed };
}

type DeskOptions = NonNullable<Parameters<typeof startTestDesk>[1]>;

/** A temp folder for one test file's SQLite file; `remove` deletes it. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `relaydesk-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface SceneOptions {
  readonly env?: Record<string, string>;
  /** SQLite on a temp file (the default) or memory. */
  readonly store?: 'sqlite' | 'memory';
  /** Start options, or a function of the fake connector (e.g. its OpenID metadata URL). */
  readonly start?: DeskOptions | ((connector: FakeConnector) => DeskOptions);
}

export class ReliabilityScene {
  connector!: FakeConnector;
  desk!: TestDesk;
  private dir: { path: string; remove(): void } | undefined;

  async start(agents: readonly TestAgent[], options: SceneOptions = {}): Promise<void> {
    this.connector = await FakeConnector.start();
    // In the PostgreSQL pass of `npm test` the scene runs on PostgreSQL unless the test chose a store itself.
    const onPostgres = options.store === undefined && process.env[TEST_STORE_VARIABLE] === 'postgres';
    const store = options.store ?? 'sqlite';
    this.dir = store === 'sqlite' && !onPostgres ? tempDir('reliability') : undefined;
    this.desk = await startTestDesk(
      {
        AGENT_IDS: agents.map((agent) => agent.aadObjectId).join(','),
        RATE_LIMIT_PER_MINUTE: '0',
        CONTACTS_FILE: 'off',
        ...(onPostgres ? {} : { STORE: store }),
        ...(this.dir ? { SQLITE_PATH: join(this.dir.path, 'relaydesk.db') } : {}),
        ...options.env,
      },
      {
        // The outbox as in production: the request returns once its messages are stored, they are sent right
        // after, and settle() drains what is left (no timer); each panel render is sent (no refresh interval, as
        // the scenarios read the panel right after a step). Builds without an outbox ignore the option.
        outbox: { autoDrain: true, pollMs: 0, panelRefreshMs: 0 },
        ...(typeof options.start === 'function' ? options.start(this.connector) : options.start),
      },
    );
  }

  async stop(): Promise<void> {
    await this.desk?.app.close();
    await this.connector?.close();
    this.dir?.remove();
  }

  get app(): RunningRelaydesk {
    return this.desk.app;
  }

  /** The serviceUrl activities carry: the fake connector's. */
  get serviceUrl(): string {
    return this.connector.serviceUrl;
  }

  get outbox(): OutboxHooks | undefined {
    return outboxHooksOf(this.desk.app);
  }

  /** With an outbox, delivers what is due, so the connector has seen everything the desk has decided to send. */
  async settle(): Promise<void> {
    await this.outbox?.drainOutbox();
  }

  /** POSTs to /api/messages and returns the answer with the connector calls made by the time it settled. */
  async post(activity: ActivityJson): Promise<PostResult & { calls: RecordedCall[] }> {
    const mark = this.connector.calls.length;
    const result = await postActivity(this.desk.app.url, activity);
    await this.settle();
    return { ...result, calls: this.connector.calls.slice(mark) };
  }

  async send(activity: ActivityJson): Promise<PostResult & { calls: RecordedCall[] }> {
    const result = await this.post(activity);
    if (result.status !== 200) {
      throw new Error(`POST answered ${result.status}: ${JSON.stringify(result.body).slice(0, 300)}`);
    }
    return result;
  }

  say(who: TestCustomer, text: string) {
    return this.send(customerMessage(this.serviceUrl, who, text));
  }

  tell(agent: TestAgent, text: string) {
    return this.send(agentMessage(this.serviceUrl, agent, text));
  }

  /** An Action.Execute press; returns the card it was answered with (a refusal is a card too). */
  async press(agent: TestAgent, verb: string, data: Record<string, unknown>, replyToId?: string) {
    const result = await this.send(agentInvoke(this.serviceUrl, agent, verb, data, replyToId));
    const body = result.body as InvokeBody;
    if (body.statusCode !== 200 || body.type !== ADAPTIVE_CARD) {
      throw new Error(`${verb} answered ${JSON.stringify(body).slice(0, 300)}`);
    }
    return { calls: result.calls, card: body.value, texts: textBlocks(body.value) };
  }

  acceptOffer(agent: TestAgent, offer: RecordedCall | undefined) {
    if (!offer) throw new Error('no offer card to accept');
    return this.press(agent, 'accept', actionData(cardOf(offer), 'accept'), offer.activityId);
  }

  /** A customer writes first and the agent accepts the offer: returns the work item id. */
  async activeSession(agent: TestAgent, who: TestCustomer, text: string): Promise<string> {
    const queued = await this.say(who, text);
    const offer = offersTo(queued.calls, agent).at(-1);
    const accepted = await this.acceptOffer(agent, offer);
    if (!accepted.texts.includes('Accepted'))
      throw new Error(`accept answered ${accepted.texts.join(' | ')}`);
    return actionData(cardOf(offer), 'accept')['workItemId']!;
  }

  async read<T>(key: string): Promise<T | undefined> {
    return (await readStored(this.desk.app, [key]))[key] as T | undefined;
  }

  agentDoc(agent: TestAgent) {
    return this.read<AgentDocument>(`agent/${agent.aadObjectId}`);
  }

  workItem(workItemId: string) {
    return this.read<WorkItemWithTranscript>(`workitem/${workItemId}`);
  }

  customerDoc(customer: TestCustomer) {
    return this.read<CustomerDocument>(`customer/${customerIdOf(customer)}`);
  }

  async queue(): Promise<WorkQueue['entries']> {
    return (await this.read<WorkQueue>('queue/default'))?.entries ?? [];
  }

  async panelId(agent: TestAgent): Promise<string | undefined> {
    return (await this.read<{ activityId: string }>(`card/${agent.aadObjectId}:panel`))?.activityId;
  }

  /** The panel card as it stands: the last panel card sent to or updated in the agent's chat. */
  latestPanel(agent: TestAgent): Json {
    return cardOf(panelCallsTo(this.connector.calls, agent).at(-1));
  }

  /** Logged errors (level 50 and above). */
  errors() {
    return this.desk.lines.filter((line) => line.level >= 50);
  }

  /** Raw stored documents by key, eTags included, for before/after comparisons. */
  async snapshot(keys: readonly string[]): Promise<Record<string, unknown>> {
    const items = await readStored(this.desk.app, [...keys]);
    return Object.fromEntries(keys.map((key) => [key, items[key] ?? null]));
  }
}

/** One scene per describe block: started before its tests, stopped after. */
export function useReliabilityScene(agents: readonly TestAgent[], options: SceneOptions = {}) {
  const scene = new ReliabilityScene();
  beforeAll(() => scene.start(agents, options));
  afterAll(() => scene.stop());
  return scene;
}

/**
 * Runs `work` over `items` with at most `limit` in flight; resolves with the results in input order and the order
 * the calls completed in (input indexes).
 */
export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<{ results: R[]; completionOrder: number[] }> {
  const results = new Array<R>(items.length);
  const completionOrder: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]!, index);
      completionOrder.push(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return { results, completionOrder };
}
