/**
 * Two bot instances behind one endpoint, sharing one PostgreSQL database: every request goes to either, as a load
 * balancer would send it. Nothing may be lost, doubled or offered twice — the store's compare-and-swap and the
 * outbox's per-recipient lease are all that keep the instances apart.
 */
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  type ActivityJson,
  type TestCustomer,
} from '../support/activities';
import { actionData, cardOf, relaydeskIdOf } from '../support/cards';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { readStored, type WorkItemWithTranscript } from '../support/desk-tables';
import { startTestDesk, type TestDesk } from '../support/harness';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';
import { countDeliveries, recordReliabilityRow } from '../support/reliability-rows';
import {
  QUEUED,
  offersTo,
  postRaw,
  postedTo,
  relayedTextOf,
  runBounded,
  testAgent,
  testCustomer,
  textsTo,
  type InvokeBody,
} from '../support/reliability-scene';

const AGENTS = [testAgent('Ada'), testAgent('Ben'), testAgent('Cy')];
const CAPACITY = 3;
const CUSTOMERS = AGENTS.length * CAPACITY;
const MESSAGES_EACH = 12;
const IN_FLIGHT = 12;

describe('two bot instances on one PostgreSQL database, requests spread over both', () => {
  let database: TestDatabase;
  let connector: FakeConnector;
  let instances: TestDesk[];
  const customers: TestCustomer[] = Array.from({ length: CUSTOMERS }, (_, index) =>
    testCustomer(`pg-${index + 1}`),
  );
  const itemOf = new Map<TestCustomer, string>();
  let posts = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    connector = await FakeConnector.start();
    const env = {
      STORE: 'postgres',
      DATABASE_URL: database.url,
      AGENT_IDS: AGENTS.map((agent) => agent.aadObjectId).join(','),
      AGENT_CAPACITY: String(CAPACITY),
      RATE_LIMIT_PER_MINUTE: '0',
    };
    instances = [await startTestDesk(env), await startTestDesk(env)];
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances ?? []) await instance.app.close();
    await connector?.close();
    await database?.drop();
  });

  /** POSTs through the next instance in turn; every answer must be a 200. */
  async function post(activity: ActivityJson) {
    const instance = instances[(posts += 1) % instances.length]!;
    const result = await postRaw(instance.app.url, activity);
    expect(result.status).toBe(200);
    return result;
  }

  async function workItem(id: string): Promise<WorkItemWithTranscript | undefined> {
    return (await readStored(instances[0]!.app, [`workitem/${id}`]))[`workitem/${id}`] as
      WorkItemWithTranscript | undefined;
  }

  it('offers each of 9 customers arriving at once exactly once, and each accept (through either instance) wins once', async () => {
    for (const agent of AGENTS) await post(agentMessage(connector.serviceUrl, agent, 'hi'));
    await runBounded(customers, IN_FLIGHT, (customer) =>
      post(customerMessage(connector.serviceUrl, customer, `Hello from ${customer.userId}`)),
    );
    for (const customer of customers) {
      expect(textsTo(connector.calls, customer.conversationId)).toEqual([QUEUED]);
    }
    const offers = AGENTS.flatMap((agent) =>
      offersTo(connector.calls, agent).map((offer) => ({ agent, offer })),
    );
    const offeredItems = offers.map(({ offer }) => actionData(cardOf(offer), 'accept')['workItemId']!);
    expect(offeredItems).toHaveLength(CUSTOMERS);
    expect(new Set(offeredItems).size).toBe(CUSTOMERS);

    await runBounded(offers, IN_FLIGHT, async ({ agent, offer }) => {
      const answer = await post(
        agentInvoke(
          connector.serviceUrl,
          agent,
          'accept',
          actionData(cardOf(offer), 'accept'),
          offer.activityId,
        ),
      );
      expect((answer.body as InvokeBody).statusCode).toBe(200);
    });
    for (const [index, id] of offeredItems.entries()) {
      const doc = await workItem(id);
      expect(doc?.item.state).toBe('active');
      expect(doc?.item.assignedAgentId).toBe(offers[index]!.agent.aadObjectId);
      const customer = customers.find((c) => doc?.item.customerId.endsWith(c.userId));
      if (customer) itemOf.set(customer, id);
    }
    expect(itemOf.size).toBe(CUSTOMERS);
  });

  it('relays every customer message posted through either instance to its agent exactly once', async () => {
    const mark = connector.calls.length;
    const messages = customers.flatMap((customer) =>
      Array.from({ length: MESSAGES_EACH }, (_, index) => ({
        customer,
        text: `${customer.userId} message ${index + 1}`,
      })),
    );
    await runBounded(messages, IN_FLIGHT, ({ customer, text }) =>
      post(customerMessage(connector.serviceUrl, customer, text)),
    );
    // A POST answers once its instance's outbox run ended; when the other instance held the agent's chat then, that
    // one sends the card, a moment later. Delivered means it reaches the chat, so wait (bounded) for every card.
    const relayedSince = (all: readonly RecordedCall[]) =>
      AGENTS.flatMap((agent) => postedTo(all.slice(mark), agent.conversationId))
        .map(relayedTextOf)
        .filter((text) => text !== undefined).length;
    await connector
      .waitFor('every relayed card', (all) => relayedSince(all) >= messages.length, { timeoutMs: 10_000 })
      .catch(() => undefined);
    const calls = connector.calls.slice(mark);
    const relayed = AGENTS.flatMap((agent) => postedTo(calls, agent.conversationId))
      .map(relayedTextOf)
      .filter((text): text is string => text !== undefined);
    const counted = countDeliveries(
      messages.map((message) => message.text),
      relayed,
    );
    // Two instances never send one outbox entry twice: every posted activity carries a distinct relaydeskId.
    const ids = calls.filter((call) => call.kind !== 'update').map((call) => relaydeskIdOf(call.activity));
    const repeatedIds = ids.length - new Set(ids).size;
    recordReliabilityRow({
      scenario: '7. two instances on one PostgreSQL database',
      load: `${CUSTOMERS} customers, ${AGENTS.length} agents of capacity ${CAPACITY}; ${messages.length} messages, ${IN_FLIGHT} in flight, alternating instances`,
      faults: 'a second bot instance on the same store (PostgreSQL)',
      sent: messages.length,
      delivered: counted.delivered,
      lost: counted.lost,
      duplicated: counted.duplicated + repeatedIds,
      note: `${CUSTOMERS} offers for ${CUSTOMERS} items, ${itemOf.size} Active sessions, each for the agent offered it`,
    });
    expect(counted).toEqual({ delivered: messages.length, lost: 0, duplicated: 0 });
    expect(repeatedIds).toBe(0);
    for (const [customer, id] of itemOf) {
      const transcript =
        (await workItem(id))?.transcript.filter((message) => message.from === 'customer') ?? [];
      expect(
        transcript
          .map((message) => message.text)
          .slice(1)
          .sort(),
      ).toEqual(
        messages
          .filter((message) => message.customer === customer)
          .map((message) => message.text)
          .sort(),
      );
    }
  }, 60_000);

  it('logged no error on either instance', () => {
    for (const instance of instances) {
      expect(instance.lines.filter((line) => line.level >= 50)).toEqual([]);
    }
  });
});
