/**
 * Live updates between two real servers on 127.0.0.1 sharing one PostgreSQL database: a workspace tab open on
 * instance A hears, within a second, of what went through instance B (LISTEN/NOTIFY); an agent whose only tab is
 * on A is offered customers who arrive through B (the shared agent_tabs record); offers are made once whichever
 * instance customers reach; and one customer's messages alternating instances keep their order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryId } from 'kysely';
import type { SessionDetail, WorkspaceState } from '../../src/web/agent-api';
import { AGENT_API } from '../../src/web/agent-api';
import { WORKSPACE_EVENT } from '../../src/web/agent-events';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  postActivity,
  type ActivityJson,
  type TestCustomer,
} from '../support/activities';
import { actionData, cardOf, textOf } from '../support/cards';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';
import type { SqlDatabase } from '../../src/store/sql/open-database';
import { workItemWithTranscript } from '../support/desk-tables';
import { FakeConnector } from '../support/fake-connector';
import { startTestDesk, type TestDesk } from '../support/harness';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';
import {
  QUEUED,
  joined,
  offersTo,
  postedTo,
  relayedTextOf,
  testAgent,
  testCustomer,
  type InvokeBody,
} from '../support/reliability-scene';
import { api, devSignIn, EventStreamReader } from '../web/agent-api-support';

const alex = testAgent('Alex');
/** Works only in the workspace tab: never writes to the bot, so no chat reference. */
const tess = testAgent('Tess');
const MAX_DELAY_MS = 1000;
const SAMPLES = 5;
const AT_ONCE = 10;
const ORDERED = 200;
const WAIT_MS = 5000;
const ARTIFACT = join(__dirname, '..', '..', 'test-artifacts', 'two-instances', 'live-events.json');

interface Tab {
  readonly token: string;
  readonly reader: EventStreamReader;
}

/**
 * Resolves once `holds()` (`what`) is true after a write to agent_tabs through `desk`'s database (the desk writes
 * its open tabs there as streams open and end): checked after each such write has run, never by polling.
 * Rejects after `timeoutMs`.
 */
function afterTabWrites(
  desk: TestDesk,
  what: string,
  holds: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const database = desk.app.database as { db: SqlDatabase['db'] };
  const original = database.db;
  const tabWrites = new WeakSet<QueryId>();
  return new Promise<void>((resolve, reject) => {
    const stop = () => {
      database.db = original;
      clearTimeout(timer);
    };
    const check = () =>
      holds().then(
        (done) => {
          if (!done) return;
          stop();
          resolve();
        },
        (error: unknown) => {
          stop();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    database.db = original.withPlugin({
      transformQuery: ({ node, queryId }) => {
        if (node.kind !== 'SelectQueryNode' && JSON.stringify(node).includes('"name":"agent_tabs"')) {
          tabWrites.add(queryId);
        }
        return node;
      },
      transformResult: ({ queryId, result }) => {
        if (tabWrites.has(queryId)) void check();
        return Promise.resolve(result);
      },
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
}

describe('two instances on one PostgreSQL database: live tabs, tab-only agents, offers and order', () => {
  let database: TestDatabase;
  let connector: FakeConnector;
  let a: TestDesk;
  let b: TestDesk;
  const tabs: Tab[] = [];
  const delays = { message: [] as number[], offer: [] as number[] };

  beforeAll(async () => {
    database = await createTestDatabase();
    connector = await FakeConnector.start();
    const env = {
      STORE: 'postgres',
      DATABASE_URL: database.url,
      AGENT_IDS: `${tess.aadObjectId},${alex.aadObjectId}`,
      AGENT_NAMES: `${tess.aadObjectId}=${tess.name};${alex.aadObjectId}=${alex.name}`,
      MAX_SESSIONS: '40',
      RATE_LIMIT_PER_MINUTE: '0',
      CONTACTS_FILE: 'off',
    };
    a = await startTestDesk(env);
    b = await startTestDesk(env);
  }, 60_000);

  afterAll(async () => {
    for (const tab of tabs) tab.reader.close();
    await a?.app.close();
    await b?.app.close();
    await connector?.close();
    await database?.drop();
    mkdirSync(join(ARTIFACT, '..'), { recursive: true });
    const rounded = (list: number[]) => list.map((ms) => Math.round(ms * 10) / 10);
    const figures = {
      maxDelayMs: MAX_DELAY_MS,
      offer: rounded(delays.offer),
      message: rounded(delays.message),
    };
    writeFileSync(ARTIFACT, `${JSON.stringify(figures, null, 2)}\n`);
  });

  async function post(desk: TestDesk, activity: ActivityJson) {
    const result = await postActivity(desk.app.url, activity);
    expect(result.status).toBe(200);
    return result;
  }

  /** Signs the agent in on `desk` with a dev token and opens their event stream there. */
  async function openTab(desk: TestDesk, agentId: string): Promise<Tab> {
    const token = await devSignIn(desk.app.baseUrl, agentId);
    expect((await api(desk.app.baseUrl, 'GET', AGENT_API.workspace, { token })).status).toBe(200);
    const reader = await EventStreamReader.open(`${desk.app.baseUrl}${AGENT_API.events}`, {
      authorization: `Bearer ${token}`,
    });
    await reader.waitForEvents(WORKSPACE_EVENT, 1);
    const tab = { token, reader };
    tabs.push(tab);
    return tab;
  }

  const read = async <T>(desk: TestDesk, tab: Tab, path: string): Promise<T> => {
    const answer = await api<T>(desk.app.baseUrl, 'GET', path, { token: tab.token });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  /**
   * Runs `act` and waits for the tab's workspace events until `visible()` holds after one: the ms from the start
   * of `act` to that event's arrival. An event for an earlier change does not count.
   */
  async function delayUntilSeen(
    tab: Tab,
    act: () => Promise<unknown>,
    visible: () => Promise<boolean>,
  ): Promise<number> {
    let seen = tab.reader.named(WORKSPACE_EVENT).length;
    const start = performance.now();
    const acting = act();
    for (let event = 0; event < 20; event += 1) {
      let arrivedAt = 0;
      await tab.reader.waitFor(
        'a workspace event',
        () => {
          const count = tab.reader.named(WORKSPACE_EVENT).length;
          if (count <= seen) return false;
          arrivedAt = performance.now();
          seen = count;
          return true;
        },
        WAIT_MS,
      );
      if (await visible()) {
        await acting;
        return arrivedAt - start;
      }
    }
    throw new Error('the change never showed in the tab');
  }

  const offerFor = async (tab: Tab, desk: TestDesk, customer: TestCustomer) => {
    const workspace = await read<WorkspaceState>(desk, tab, AGENT_API.workspace);
    return workspace.offers.find((offer) => offer.firstMessage === `Hello from ${customer.userId}`);
  };

  const tabRows = async (agentId: string) =>
    (await a.app.database.db.selectFrom('agent_tabs').where('agent_key', '=', agentId).selectAll().execute())
      .length;

  it('offers a customer who arrives through B to an agent whose only tab is open on A', async () => {
    const tab = await openTab(a, tess.aadObjectId);
    const customer = testCustomer('live-tab-only');
    const delay = await delayUntilSeen(
      tab,
      () => post(b, customerMessage(connector.serviceUrl, customer, `Hello from ${customer.userId}`)),
      async () => (await offerFor(tab, a, customer)) !== undefined,
    );
    delays.offer.push(delay);
    expect(delay).toBeLessThanOrEqual(MAX_DELAY_MS);
    expect(b.lines.some((line) => line.msg === 'offered' && line['agentId'] === tess.aadObjectId)).toBe(true);
    const offer = (await offerFor(tab, a, customer))!;
    const accepted = await api<{ view: { status?: string } }>(a.app.baseUrl, 'POST', AGENT_API.actions, {
      token: tab.token,
      body: { verb: 'accept', workItemId: offer.workItemId, offerId: offer.offerId },
    });
    expect(accepted.body.view.status).toBe('accepted');
    await connector.waitFor(
      'the joined message',
      (calls) => postedTo(calls, customer.conversationId).some((call) => textOf(call) === joined(tess)),
      { timeoutMs: WAIT_MS },
    );
    expect(postedTo(connector.calls, customer.conversationId).map(textOf)).toEqual([QUEUED, joined(tess)]);

    // Closing the tab removes Tess's row at once: the next customers are not hers.
    const rowGone = afterTabWrites(
      a,
      'the closed tab’s row to go',
      async () => (await tabRows(tess.aadObjectId)) === 0,
      WAIT_MS,
    );
    tab.reader.close();
    await rowGone;
  });

  it(`a tab on A hears of offers made by B and of messages posted through B within ${MAX_DELAY_MS} ms`, async () => {
    await post(a, agentMessage(connector.serviceUrl, alex, 'hi'));
    const tab = await openTab(a, alex.aadObjectId);
    const customers = Array.from({ length: SAMPLES }, (_, index) => testCustomer(`live-offer-${index + 1}`));
    for (const customer of customers) {
      delays.offer.push(
        await delayUntilSeen(
          tab,
          () => post(b, customerMessage(connector.serviceUrl, customer, `Hello from ${customer.userId}`)),
          async () => (await offerFor(tab, a, customer)) !== undefined,
        ),
      );
    }
    const offer = (await offerFor(tab, a, customers[0]!))!;
    const accepted = await api<{ view: { status?: string } }>(a.app.baseUrl, 'POST', AGENT_API.actions, {
      token: tab.token,
      body: { verb: 'accept', workItemId: offer.workItemId, offerId: offer.offerId },
    });
    expect(accepted.body.view.status).toBe('accepted');
    for (let index = 1; index <= SAMPLES; index += 1) {
      const text = `Live message ${index}`;
      delays.message.push(
        await delayUntilSeen(
          tab,
          () => post(b, customerMessage(connector.serviceUrl, customers[0]!, text)),
          async () =>
            (await read<SessionDetail>(a, tab, AGENT_API.session(offer.workItemId))).transcript.some(
              (line) => line.text === text,
            ),
        ),
      );
    }
    expect(Math.max(...delays.offer, ...delays.message)).toBeLessThanOrEqual(MAX_DELAY_MS);
  });

  it(`offers each of ${AT_ONCE} customers arriving at once, alternating instances, exactly once`, async () => {
    const mark = connector.calls.length;
    const customers = Array.from({ length: AT_ONCE }, (_, index) => testCustomer(`live-burst-${index + 1}`));
    await Promise.all(
      customers.map((customer, index) =>
        post(
          index % 2 === 0 ? a : b,
          customerMessage(connector.serviceUrl, customer, `Hello from ${customer.userId}`),
        ),
      ),
    );
    for (const customer of customers) {
      expect(postedTo(connector.calls, customer.conversationId).map(textOf)).toEqual([QUEUED]);
    }
    const offered = offersTo(connector.calls.slice(mark), alex).map(
      (call) => actionData(cardOf(call), 'accept')['workItemId']!,
    );
    expect(offered).toHaveLength(AT_ONCE);
    expect(offered.length - new Set(offered).size).toBe(0);
    const queued = await a.app.database.db
      .selectFrom('queue_entries')
      .select(['work_item_id', 'offer_agent_id'])
      .where('work_item_id', 'in', offered)
      .execute();
    expect(queued.map((row) => row.offer_agent_id)).toEqual(Array(AT_ONCE).fill(alex.aadObjectId));
  });

  it(`stores and relays one customer's ${ORDERED} messages, posted one after another alternating A/B, in order`, async () => {
    const customer = testCustomer('live-ordered');
    const mark = connector.calls.length;
    await post(a, customerMessage(connector.serviceUrl, customer, `Hello from ${customer.userId}`));
    const offer = offersTo(connector.calls.slice(mark), alex)[0]!;
    const data = actionData(cardOf(offer), 'accept');
    const answer = await post(b, agentInvoke(connector.serviceUrl, alex, 'accept', data, offer.activityId));
    expect((answer.body as InvokeBody).statusCode).toBe(200);

    const texts = Array.from({ length: ORDERED }, (_, index) => `Ordered message ${index + 1}`);
    for (const [index, text] of texts.entries()) {
      await post(index % 2 === 0 ? a : b, customerMessage(connector.serviceUrl, customer, text));
    }
    const stored = await workItemWithTranscript(createDeskRepositories(b.app.database), data['workItemId']!);
    expect(
      stored?.transcript
        .filter((line) => line.from === 'customer' && line.text.startsWith('Ordered'))
        .map((line) => line.text),
    ).toEqual(texts);
    const relayed = postedTo(connector.calls.slice(mark), alex.conversationId)
      .map(relayedTextOf)
      .filter((text): text is string => text?.startsWith('Ordered') === true);
    expect(relayed).toEqual(texts);
  }, 120_000);

  it('logged no error on either instance', () => {
    for (const desk of [a, b]) expect(desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
