/**
 * STORE=postgres is for several bot instances behind one endpoint. Two real servers on 127.0.0.1 share one
 * PostgreSQL database (and one fake Bot Connector); customers and agents reach either one, as a load balancer
 * would send them.
 */
import type { AgentDocument } from '../../src/app/documents';
import type { WorkQueue } from '../../src/domain/routing';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  postActivity,
  type ActivityJson,
  type TestAgent,
  type TestCustomer,
} from '../support/activities';
import { actionData, cardOf } from '../support/cards';
import { FakeConnector } from '../support/fake-connector';
import { readStored, type WorkItemWithTranscript } from '../support/desk-tables';
import { startTestDesk, type TestDesk } from '../support/harness';
import { createTestDatabase, type TestDatabase } from '../support/postgres-server';
import { offersTo, relayedTextOf, postedTo, textsTo, type InvokeBody } from '../support/reliability-scene';
import { QUEUED } from '../support/fixtures';

const alex: TestAgent = {
  aadObjectId: 'aad-alex',
  userId: '29:alex',
  name: 'Alex',
  conversationId: 'a:alex',
};
const bea: TestAgent = { aadObjectId: 'aad-bea', userId: '29:bea', name: 'Bea', conversationId: 'a:bea' };
const CUSTOMERS = 6;
const MESSAGES = 20;

describe('two bot instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let connector: FakeConnector;
  let instances: TestDesk[];
  const customers: TestCustomer[] = Array.from({ length: CUSTOMERS }, (_, index) => ({
    userId: `pg-user-${index + 1}`,
    conversationId: `pg-conv-${index + 1}`,
  }));

  beforeAll(async () => {
    database = await createTestDatabase();
    connector = await FakeConnector.start();
    const env = {
      STORE: 'postgres',
      DATABASE_URL: database.url,
      AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
      AGENT_CAPACITY: '3',
      RATE_LIMIT_PER_MINUTE: '0',
    };
    instances = [await startTestDesk(env), await startTestDesk(env)];
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances ?? []) await instance.app.close();
    await connector?.close();
    await database?.drop();
  });

  const via = (index: number) => instances[index % instances.length]!;

  async function post(index: number, activity: ActivityJson) {
    const result = await postActivity(via(index).app.url, activity);
    expect(result.status).toBe(200);
    return result;
  }

  async function read<T>(key: string): Promise<T | undefined> {
    return (await readStored(instances[0]!.app, [key]))[key] as T | undefined;
  }

  it('agents met by different instances share one state', async () => {
    await post(0, agentMessage(connector.serviceUrl, alex, 'hi'));
    await post(1, agentMessage(connector.serviceUrl, bea, 'hi'));
    expect((await read<AgentDocument>('agent/aad-alex'))?.presence).toBe('available');
    expect((await read<AgentDocument>('agent/aad-bea'))?.presence).toBe('available');
  });

  it('customers arriving at once through both instances are each queued and offered exactly once, Visitor 1–6', async () => {
    await Promise.all(
      customers.map((customer, index) =>
        post(index, customerMessage(connector.serviceUrl, customer, `Hello from ${customer.userId}`)),
      ),
    );
    for (const customer of customers) {
      expect(textsTo(connector.calls, customer.conversationId)).toEqual([QUEUED]);
    }
    const offers = [...offersTo(connector.calls, alex), ...offersTo(connector.calls, bea)];
    const items = offers.map((offer) => actionData(cardOf(offer), 'accept')['workItemId']);
    expect(items).toHaveLength(CUSTOMERS);
    expect(new Set(items).size).toBe(CUSTOMERS);
    expect(offersTo(connector.calls, alex)).toHaveLength(3);
    expect(offersTo(connector.calls, bea)).toHaveLength(3);
    const titles = await Promise.all(
      items.map(async (id) => (await read<WorkItemWithTranscript>(`workitem/${id}`))?.item.title),
    );
    expect([...titles].sort()).toEqual(
      Array.from({ length: CUSTOMERS }, (_, i) => `Visitor ${i + 1}`).sort(),
    );
  });

  it('an offer made by one instance is accepted through the other, and the customer’s messages through both reach the agent once each', async () => {
    const offer = offersTo(connector.calls, alex)[0]!;
    const data = actionData(cardOf(offer), 'accept');
    const workItemId = data['workItemId']!;
    const made = (await read<WorkQueue>('queue/default'))?.entries.find((e) => e.workItemId === workItemId);
    expect(made?.offer?.agentId).toBe(alex.aadObjectId);
    const answer = await post(1, agentInvoke(connector.serviceUrl, alex, 'accept', data, offer.activityId));
    expect((answer.body as InvokeBody).statusCode).toBe(200);
    const item = await read<WorkItemWithTranscript>(`workitem/${workItemId}`);
    expect(item?.item).toMatchObject({ state: 'active', assignedAgentId: alex.aadObjectId });
    const customer = customers.find((c) => item?.item.customerId.endsWith(c.userId))!;

    const mark = connector.calls.length;
    const texts = Array.from({ length: MESSAGES }, (_, index) => `message ${index + 1}`);
    await Promise.all(
      texts.map((text, index) => post(index, customerMessage(connector.serviceUrl, customer, text))),
    );
    const relayed = postedTo(connector.calls.slice(mark), alex.conversationId)
      .map(relayedTextOf)
      .filter((text): text is string => text !== undefined);
    expect([...relayed].sort()).toEqual([...texts].sort());
    const transcript = (await read<WorkItemWithTranscript>(`workitem/${workItemId}`))?.transcript ?? [];
    expect(
      transcript
        .filter((message) => message.from === 'customer')
        .map((message) => message.text)
        .slice(1)
        .sort(),
    ).toEqual([...texts].sort());
  });

  it('logged no error on either instance', () => {
    for (const instance of instances) {
      expect(instance.lines.filter((line) => line.level >= 50)).toEqual([]);
    }
  });
});
