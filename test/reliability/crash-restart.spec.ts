/**
 * SIGKILL in the middle of a 500-message stream: the bot runs as a real process (`node --import tsx src/main.ts`,
 * STORE=sqlite on a temp file, PORT=0) answering through the fake Bot Connector; it is killed after 400 messages
 * were acknowledged and restarted on the same file. Every acknowledged message must be in the store and reach the
 * agent; sessions, unread counts, drafts and the pending offer resume. Issue 6, "Faults". Relies on the
 * store-backed outbox delivering, after a restart, what the killed process had stored but not yet sent.
 */
import { join } from 'node:path';
import type { StoreItems } from 'botbuilder';
import type { AgentDocument, CustomerDocument, WorkItemDocument } from '../../src/app/documents';
import type { WorkQueue } from '../../src/domain/routing';
import { openStore } from '../../src/store/create-storage';
import { readStored } from '../support/desk-tables';
import { agentInvoke, agentMessage, customerMessage, type ActivityJson } from '../support/activities';
import { actionData, cardOf, textBlocks, textOf } from '../support/cards';
import { FakeConnector, type HeldResponses, type RecordedCall } from '../support/fake-connector';
import { RelaydeskProcess } from '../support/relaydesk-process';
import { recordReliabilityRow } from '../support/reliability-rows';
import {
  customerIdOf,
  offersTo,
  postRaw,
  postedTo,
  relayedTextOf,
  tempDir,
  testAgent,
  testCustomer,
  type InvokeBody,
} from '../support/reliability-scene';
import { api, devSignIn } from '../web/agent-api-support';
import type { WorkItemWithTranscript } from '../support/desk-tables';

const TOTAL = 500;
const KILL_AFTER_ACKS = 200;
const IN_FLIGHT = 10;
/** Acknowledgements, before the kill, that the connector holds its answers for. */
const SLOW_BEFORE_KILL = 20;
const WAIT_MS = 60_000;
const DRAFT = 'Draft typed before the crash';

const alex = testAgent('Alex');
const busy = testCustomer('crash-busy');
const focused = testCustomer('crash-focused');
const waiting = testCustomer('crash-waiting');
const streamText = (index: number) => `Stream message ${index + 1}`;

describe(`SIGKILL in the middle of a ${TOTAL}-message stream, restart on the same SQLite file`, () => {
  let connector: FakeConnector;
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let running: RelaydeskProcess | undefined;
  let url: string;
  let baseUrl: string;
  let busyItem: string;
  let focusedItem: string;
  let waitingItem: string;
  let waitingOffer: RecordedCall;
  const acked: number[] = [];
  const unacked: number[] = [];
  let inFlightAtKill = 0;
  let ackedBeforeKill = 0;
  let recipientsBeforeKill = 0;
  /** Acknowledged, but not yet at the agent when the process died: only the outbox can deliver these. */
  let undeliveredAtKill = 0;
  let stored: StoreItems;
  let storedStream: string[];

  const serviceUrl = () => connector.serviceUrl;

  async function start(): Promise<void> {
    const started = await RelaydeskProcess.start(dir.path, env);
    running = started.process;
    url = started.url;
    baseUrl = started.baseUrl;
  }

  async function post(activity: ActivityJson) {
    const result = await postRaw(url, activity);
    expect(result.status).toBe(200);
    return result;
  }

  const waitForCalls = (what: string, ready: (calls: readonly RecordedCall[]) => boolean) =>
    connector.waitFor(what, ready, { timeoutMs: WAIT_MS });

  async function acceptNextOffer(customer: typeof busy, offersBefore: number): Promise<string> {
    await post(customerMessage(serviceUrl(), customer, `Hello from ${customer.userId}`));
    await waitForCalls('an offer card', (calls) => offersTo(calls, alex).length > offersBefore);
    const offer = offersTo(connector.calls, alex)[offersBefore]!;
    const accepted = await post(
      agentInvoke(serviceUrl(), alex, 'accept', actionData(cardOf(offer), 'accept'), offer.activityId),
    );
    expect(textBlocks((accepted.body as InvokeBody).value)).toContain('Accepted');
    return actionData(cardOf(offer), 'accept')['workItemId']!;
  }

  /** Streams the next messages, IN_FLIGHT at once, until `stop()` says so or the stream ends; `afterAck` after each 200. */
  async function stream(
    counter: { next: number },
    stop: () => boolean,
    afterAck: () => void = () => undefined,
  ): Promise<void> {
    const worker = async () => {
      while (counter.next < TOTAL && !stop()) {
        const index = counter.next;
        counter.next += 1;
        try {
          const result = await postRaw(url, customerMessage(serviceUrl(), busy, streamText(index)));
          (result.status === 200 ? acked : unacked).push(index);
          if (result.status === 200) afterAck();
        } catch {
          // The process died under this request: it was never acknowledged.
          unacked.push(index);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  }

  const relayedStream = () =>
    postedTo(connector.calls, alex.conversationId)
      .map(relayedTextOf)
      .filter((text): text is string => text !== undefined && text.startsWith('Stream message'));

  beforeAll(async () => {
    connector = await FakeConnector.start();
    dir = tempDir('crash');
    env = {
      PORT: '0',
      HOST: '127.0.0.1',
      STORE: 'sqlite',
      SQLITE_PATH: join(dir.path, 'relaydesk.db'),
      AGENT_IDS: alex.aadObjectId,
      RATE_LIMIT_PER_MINUTE: '0',
      CONTACTS_FILE: 'off',
      NOTIFICATION_TIMEOUT_S: '3600',
    };
    await start();

    await post(agentMessage(serviceUrl(), alex, 'hi'));
    busyItem = await acceptNextOffer(busy, 0);
    focusedItem = await acceptNextOffer(focused, 1);
    const token = await devSignIn(baseUrl, alex.aadObjectId);
    const draft = await api(baseUrl, 'PUT', `/api/agent/sessions/${focusedItem}/draft`, {
      token,
      body: { reply: DRAFT },
    });
    expect(draft.status).toBe(204);
    await post(customerMessage(serviceUrl(), waiting, 'I will wait for my turn'));
    await waitForCalls('the third offer', (calls) => offersTo(calls, alex).length >= 3);
    waitingOffer = offersTo(connector.calls, alex)[2]!;
    waitingItem = actionData(cardOf(waitingOffer), 'accept')['workItemId']!;

    // The stream: killed once KILL_AFTER_ACKS are acknowledged, with IN_FLIGHT requests under way. A POST waits
    // (a second at most) for its card to reach the agent, so with a prompt connector nothing acknowledged would be
    // left to send: the connector turns slow shortly before the kill, and the acknowledged messages behind the held
    // send are what only the outbox, after the restart, can deliver.
    const counter = { next: 0 };
    let killed = false;
    let slow: HeldResponses | undefined;
    await stream(
      counter,
      () => killed,
      () => {
        if (!slow && acked.length >= KILL_AFTER_ACKS - SLOW_BEFORE_KILL) slow = connector.hold();
        if (killed || acked.length < KILL_AFTER_ACKS) return;
        killed = true;
        inFlightAtKill = counter.next - acked.length - unacked.length;
        ackedBeforeKill = acked.length;
        recipientsBeforeKill = new Set(
          connector.calls.filter((call) => call.kind !== 'update').map((call) => call.conversationId),
        ).size;
        running!.child.kill('SIGKILL');
        const delivered = new Set(relayedStream());
        undeliveredAtKill = acked.filter((index) => !delivered.has(streamText(index))).length;
      },
    );
    slow?.release();
    expect(killed).toBe(true);
    expect((await running!.exited).signal).toBe('SIGKILL');

    await start();
    await stream(counter, () => false);

    const ackedTexts = new Set(acked.map(streamText));
    // Counted incrementally: the connector runs in this process, so a check must stay cheap per call.
    const missing = new Set(ackedTexts);
    let scanned = 0;
    await waitForCalls('every acknowledged message at the agent', (calls) => {
      for (; scanned < calls.length; scanned += 1) {
        const call = calls[scanned]!;
        if (call.conversationId !== alex.conversationId || call.kind === 'update') continue;
        const text = relayedTextOf(call);
        if (text !== undefined) missing.delete(text);
      }
      return missing.size === 0;
    });
  }, 180_000);

  afterAll(async () => {
    await running?.stop('SIGKILL');
    await connector?.close();
    dir?.remove();
  });

  it('after the restart the pending offer is still there, once: accepting it works', async () => {
    expect(
      offersTo(connector.calls, alex).filter(
        (call) => actionData(cardOf(call), 'accept')['workItemId'] === waitingItem,
      ),
    ).toEqual([waitingOffer]);
    const accepted = await post(
      agentInvoke(
        serviceUrl(),
        alex,
        'accept',
        actionData(cardOf(waitingOffer), 'accept'),
        waitingOffer.activityId,
      ),
    );
    expect(textBlocks((accepted.body as InvokeBody).value)).toContain('Accepted');
    await waitForCalls('the joined message', (calls) =>
      postedTo(calls, waiting.conversationId).some((call) => textOf(call)?.startsWith("You're now chatting")),
    );
  });

  it('stops cleanly on SIGTERM, and the file holds the documents', async () => {
    expect(await running!.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    running = undefined;
    const store = openStore({
      store: 'sqlite',
      sqlitePath: env['SQLITE_PATH']!,
      databaseUrl: '',
      databasePoolSize: 1,
    });
    try {
      await store.ready();
      stored = await readStored(store, [
        `agent/${alex.aadObjectId}`,
        `workitem/${busyItem}`,
        `workitem/${focusedItem}`,
        `workitem/${waitingItem}`,
        `customer/${customerIdOf(busy)}`,
        'queue/default',
      ]);
    } finally {
      await store.close();
    }
    storedStream = (stored[`workitem/${busyItem}`] as WorkItemWithTranscript).transcript
      .map((message) => message.text)
      .filter((text) => text.startsWith('Stream message'));
    expect(stored[`customer/${customerIdOf(busy)}`] as CustomerDocument).toMatchObject({
      latestWorkItemId: busyItem,
    });
  });

  it('every message acknowledged with 200 (before and after the kill) is in the store, once', () => {
    const counts = new Map<string, number>();
    for (const text of storedStream) counts.set(text, (counts.get(text) ?? 0) + 1);
    expect(acked.map(streamText).filter((text) => counts.get(text) !== 1)).toEqual([]);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('every acknowledged message reached the agent; repeats only for sends in flight at the kill', () => {
    const seen = new Map<string, number>();
    for (const text of relayedStream()) seen.set(text, (seen.get(text) ?? 0) + 1);
    const lost = acked.map(streamText).filter((text) => !seen.has(text));
    const duplicated = [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
    const storedButUnacked = unacked.map(streamText).filter((text) => storedStream.includes(text)).length;
    recordReliabilityRow({
      scenario: '6b. SIGKILL mid-stream, restart on the same file',
      load: `${TOTAL} messages, ${IN_FLIGHT} in flight, real process, sqlite; killed after ${ackedBeforeKill} acks`,
      faults: `connector slow from ${SLOW_BEFORE_KILL} acks before the kill, SIGKILL with ${inFlightAtKill} requests in flight, restart`,
      sent: TOTAL,
      delivered: acked.length - lost.length,
      lost: lost.length,
      duplicated,
      note: `${undeliveredAtKill} acknowledged but undelivered at the kill; ${acked.length} acknowledged, ${unacked.length} not (${storedButUnacked} of those stored and delivered anyway); at most ${recipientsBeforeKill} send(s) in flight at the kill (one per recipient)`,
    });
    expect(undeliveredAtKill).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    // The outbox sends to each recipient one at a time: at most one send per recipient was on its way.
    expect(duplicated).toBeLessThanOrEqual(recipientsBeforeKill);
  });

  it('sessions, the focus, the draft and the unread count resumed; the offer was neither lost nor doubled', () => {
    const agent = stored[`agent/${alex.aadObjectId}`] as AgentDocument;
    expect(agent.panel.sessions.map((session) => session.id)).toEqual([busyItem, focusedItem, waitingItem]);
    expect(agent.panel.sessions.find((session) => session.id === focusedItem)?.draft.reply).toBe(DRAFT);
    const unread = agent.panel.sessions.find((session) => session.id === busyItem)!.unread;
    // Every acknowledged message was counted before its 200; one stored under the kill may have missed its count.
    expect(unread).toBeGreaterThanOrEqual(acked.length);
    expect(unread).toBeLessThanOrEqual(storedStream.length);
    for (const id of [busyItem, focusedItem, waitingItem]) {
      expect((stored[`workitem/${id}`] as WorkItemDocument).item).toMatchObject({
        state: 'active',
        assignedAgentId: alex.aadObjectId,
      });
    }
    expect((stored['queue/default'] as WorkQueue | undefined)?.entries ?? []).toEqual([]);
  });
});
