import { usedCapacityUnits } from '../../src/domain/agent-sessions';
import { createDeskRepositories } from '../../src/store/sql/desk-repositories';
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
import { cardOf, textBlocks } from './cards';
import { FakeConnector, type RecordedCall } from './fake-connector';
import { ASYNC_OUTBOX, startTestDesk, type TestDesk } from './harness';

interface InvokeBody {
  readonly statusCode: number;
  readonly type: string;
  readonly value: unknown;
}

/** Calls that posted to a conversation (updates in place left out). */
export const saidTo = (calls: readonly RecordedCall[], conversationId: string) =>
  calls.filter((call) => call.conversationId === conversationId && call.kind !== 'update');

/** The text blocks of every card posted to an agent's chat. */
export const cardTexts = (calls: readonly RecordedCall[], agent: TestAgent) =>
  saidTo(calls, agent.conversationId).flatMap((call) => textBlocks(cardOf(call)));

/**
 * The HTTP journeys of the teamwork features: a desk with its agents in Teams and the fake Bot Connector, the
 * outbox as in production; what each step posts is read back from the connector.
 */
export class TeamworkDesk {
  connector!: FakeConnector;
  desk!: TestDesk;

  async start(agents: readonly TestAgent[], env: Record<string, string>): Promise<void> {
    this.connector = await FakeConnector.start();
    this.desk = await startTestDesk(
      {
        AGENT_IDS: agents.map((agent) => agent.aadObjectId).join(','),
        RATE_LIMIT_PER_MINUTE: '0',
        ...env,
      },
      { outbox: ASYNC_OUTBOX },
    );
  }

  async stop(): Promise<void> {
    await this.desk?.app.close();
    await this.connector?.close();
  }

  /** Posts an activity, expects 200, and returns what it caused at the connector. */
  async send(activity: ActivityJson): Promise<PostResult & { calls: RecordedCall[] }> {
    const mark = this.connector.calls.length;
    const result = await postActivity(this.desk.app.url, activity);
    expect(result.status).toBe(200);
    return { ...result, calls: this.connector.calls.slice(mark) };
  }

  tell(agent: TestAgent, text: string) {
    return this.send(agentMessage(this.connector.serviceUrl, agent, text));
  }

  say(customer: TestCustomer, text: string) {
    return this.send(customerMessage(this.connector.serviceUrl, customer, text));
  }

  /** A card button pressed by `agent`: the card the invoke answers with, its texts, and the calls it caused. */
  async press(agent: TestAgent, verb: string, data: Record<string, unknown>) {
    const result = await this.send(agentInvoke(this.connector.serviceUrl, agent, verb, data));
    const body = result.body as InvokeBody;
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    return { card: body.value, texts: textBlocks(body.value), calls: result.calls };
  }

  tables() {
    return createDeskRepositories(this.desk.app.database);
  }

  async sessionsOf(agent: TestAgent) {
    return (await this.tables().agentRecords.get(agent.aadObjectId))?.panel.sessions ?? [];
  }

  /** Conversations waiting in the default workstream's queue. */
  async queueLength(): Promise<number> {
    return (await this.tables().queue.get('default')).entries.length;
  }

  /** Capacity units the agent's sessions use (one per conversation); -1 for an agent not seen yet. */
  async capacityOf(agent: TestAgent): Promise<number> {
    const record = await this.tables().agentRecords.get(agent.aadObjectId);
    return record ? usedCapacityUnits(record.panel, 1) : -1;
  }
}

/**
 * One teamwork desk per describe block: started before its tests (after the hooks registered before this call, so
 * `env` may be a function of what they made), stopped after.
 */
export function useTeamworkDesk(
  agents: readonly TestAgent[],
  env: Record<string, string> | (() => Record<string, string>) = {},
): TeamworkDesk {
  const desk = new TeamworkDesk();
  beforeAll(() => desk.start(agents, typeof env === 'function' ? env() : env));
  afterAll(() => desk.stop());
  return desk;
}
