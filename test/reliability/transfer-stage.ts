import type { AgentDocument } from '../../src/app/documents';
import type { RunningRelaydesk } from '../../src/app-host';
import type { WorkQueue } from '../../src/domain/routing';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  type ActivityJson,
  type TestAgent,
  type TestCustomer,
} from '../support/activities';
import { actionData, cardOf } from '../support/cards';
import type { FakeConnector, RecordedCall } from '../support/fake-connector';
import { readStored, type WorkItemWithTranscript } from '../support/desk-tables';
import {
  offersTo,
  outboxHooksOf,
  postRaw,
  testCustomer,
  textsTo,
  type Calls,
} from '../support/reliability-scene';

/** What a race needs of the desk it runs on: where to post, how to wait for the outbox, what the connector saw. */
export interface Stage {
  readonly serviceUrl: string;
  urlFor(index: number): string;
  settle(): Promise<void>;
  calls(): readonly RecordedCall[];
}

export interface StageParts {
  readonly serviceUrl: () => string;
  /** One URL per instance; requests go to them in turn. */
  readonly urls: () => readonly string[];
  readonly apps: () => readonly RunningRelaydesk[];
  readonly connector: () => FakeConnector;
  /** The agents the races play with. */
  readonly agents: readonly TestAgent[];
}

export interface Conversation {
  readonly workItemId: string;
  readonly customer: TestCustomer;
}

/**
 * One or more desk instances on one store, the fake Bot Connector, and the moves a transfer race is set up with:
 * a conversation given to a chosen agent, a transfer offered, what the store holds afterwards.
 */
export class TransferStage implements Stage {
  private posts = 0;

  constructor(private readonly parts: StageParts) {}

  get serviceUrl(): string {
    return this.parts.serviceUrl();
  }

  async ready(): Promise<void> {
    await this.settle();
  }

  urlFor(index: number): string {
    const urls = this.parts.urls();
    return urls[index % urls.length]!;
  }

  async settle(): Promise<void> {
    for (const app of this.parts.apps()) await outboxHooksOf(app)?.drainOutbox();
  }

  calls(): readonly RecordedCall[] {
    return this.parts.connector().calls;
  }

  offersTo(calls: Calls, agent: TestAgent): RecordedCall[] {
    return offersTo(calls, agent);
  }

  textsTo(calls: Calls, conversationId: string): string[] {
    return textsTo(calls, conversationId).filter((text): text is string => text !== undefined);
  }

  /** POSTs through the next instance, waits for the outbox, and expects a 200. */
  async send(activity: ActivityJson): Promise<unknown> {
    this.posts += 1;
    const result = await postRaw(this.urlFor(this.posts), activity);
    await this.settle();
    if (result.status !== 200) throw new Error(`POST answered ${result.status}`);
    return result.body;
  }

  tell(agent: TestAgent, text: string): Promise<unknown> {
    return this.send(agentMessage(this.serviceUrl, agent, text));
  }

  /** The press of Accept (or Reject) on an offer card, as Teams posts it. */
  press(agent: TestAgent, offer: RecordedCall, verb: 'accept' | 'reject' = 'accept'): ActivityJson {
    return agentInvoke(this.serviceUrl, agent, verb, actionData(cardOf(offer), verb), offer.activityId);
  }

  private async read<T>(key: string): Promise<T | undefined> {
    return (await readStored(this.parts.apps()[0]!, [key]))[key] as T | undefined;
  }

  agentDoc(agent: TestAgent): Promise<AgentDocument | undefined> {
    return this.read<AgentDocument>(`agent/${agent.aadObjectId}`);
  }

  workItem(workItemId: string): Promise<WorkItemWithTranscript | undefined> {
    return this.read<WorkItemWithTranscript>(`workitem/${workItemId}`);
  }

  async queue(): Promise<WorkQueue['entries']> {
    return (await this.read<WorkQueue>('queue/default'))?.entries ?? [];
  }

  snapshot(workItemId: string, agents: readonly TestAgent[]): Promise<Record<string, unknown>> {
    const keys = [`workitem/${workItemId}`, ...agents.map((agent) => `agent/${agent.aadObjectId}`)];
    return readStored(this.parts.apps()[0]!, keys);
  }

  /** The agent's own conversations (not read-only looks), which take capacity. */
  async activeIds(agent: TestAgent): Promise<string[]> {
    const sessions = (await this.agentDoc(agent))?.panel.sessions ?? [];
    return sessions
      .filter((session) => session.kind === 'conversation' && !session.readOnly)
      .map((session) => session.id);
  }

  async activeCount(agent: TestAgent): Promise<number> {
    return (await this.activeIds(agent)).length;
  }

  /** A new customer's conversation, Active with `agent`: the others step away while it is offered. */
  async conversationFor(agent: TestAgent, name: string): Promise<Conversation> {
    const others = this.parts.agents.filter((other) => other !== agent);
    for (const other of others) await this.tell(other, 'presence away');
    const customer = testCustomer(`${name}-${agent.userId.slice(3)}`);
    const mark = this.calls().length;
    await this.send(customerMessage(this.serviceUrl, customer, `Hello from ${name}`));
    const offer = offersTo(this.calls().slice(mark), agent).at(-1);
    if (!offer) throw new Error(`no offer reached ${agent.name} for ${name}`);
    await this.send(this.press(agent, offer));
    for (const other of others) await this.tell(other, 'presence available');
    return { workItemId: actionData(cardOf(offer), 'accept')['workItemId']!, customer };
  }

  /** A conversation of `from`'s offered to `to`: its offer card in `to`'s chat. */
  async pendingTransfer(from: TestAgent, to: TestAgent, name: string) {
    const conversation = await this.conversationFor(from, name);
    const mark = this.calls().length;
    await this.send(
      agentInvoke(this.serviceUrl, from, 'transfer', {
        sessionId: conversation.workItemId,
        toAgentId: to.aadObjectId,
      }),
    );
    const accept = offersTo(this.calls().slice(mark), to).at(-1);
    if (!accept) throw new Error(`no transfer offer reached ${to.name}`);
    return { ...conversation, accept };
  }

  /** Gives `agent` new conversations until they hold `count`. */
  async fillTo(agent: TestAgent, count: number, name: string): Promise<string[]> {
    const ids: string[] = [];
    for (let index = await this.activeCount(agent); index < count; index += 1) {
      ids.push((await this.conversationFor(agent, `${name}-${index}`)).workItemId);
    }
    return ids;
  }

  /** Closes (to Waiting) every conversation the agents hold, so the next race starts with free capacity. */
  async closeAll(): Promise<void> {
    for (const agent of this.parts.agents) {
      for (const sessionId of await this.activeIds(agent)) {
        await this.send(agentInvoke(this.serviceUrl, agent, 'closeConfirm', { sessionId }));
      }
    }
  }

  /** Answers every offer card in `calls` made to `agent`. */
  async answerAll(agent: TestAgent, calls: Calls, verb: 'accept' | 'reject'): Promise<void> {
    for (const offer of offersTo(calls, agent)) await this.send(this.press(agent, offer, verb));
  }

  /**
   * What is wrong with the item's state, in words (none when consistent): Active with exactly the assignee's
   * panel holding it, or no panel holding it as the agent's own (a Wrap-up one, its agent's at most); a transfer
   * mark only with a live transfer; queued exactly when Open; nobody over `capacity`.
   */
  async problems(workItemId: string, capacity: number): Promise<string[]> {
    const problems: string[] = [];
    const item = (await this.workItem(workItemId))?.item;
    if (!item) return [`no work item ${workItemId}`];
    const holders: { agent: TestAgent; marked: boolean }[] = [];
    for (const agent of this.parts.agents) {
      const doc = await this.agentDoc(agent);
      const own = (doc?.panel.sessions ?? []).filter(
        (session) => session.id === workItemId && session.kind === 'conversation' && !session.readOnly,
      );
      for (const session of own) holders.push({ agent, marked: session.transferPendingTo !== undefined });
      const held = await this.activeCount(agent);
      if (held > capacity) problems.push(`${agent.name} holds ${held} conversations, over ${capacity}`);
    }
    if (holders.length > 1)
      problems.push(`two panels hold it: ${holders.map((h) => h.agent.name).join(', ')}`);
    if (item.state === 'active') {
      if (holders[0]?.agent.aadObjectId !== item.assignedAgentId)
        problems.push(
          `assigned to ${item.assignedAgentId} but held by ${holders[0]?.agent.name ?? 'nobody'}`,
        );
      if (holders.some((holder) => holder.marked) !== (item.transfer !== undefined))
        problems.push('the "Transfer pending" mark and the transfer disagree');
    } else {
      if (item.state !== 'wrap-up' && holders.length > 0) problems.push(`${item.state} yet on a panel`);
      if (item.transfer) problems.push(`a transfer outlived Active (${item.state})`);
    }
    const queued = (await this.queue()).filter((entry) => entry.workItemId === workItemId).length;
    if (queued !== (item.state === 'open' ? 1 : 0)) problems.push(`${item.state} and queued ${queued} times`);
    return problems;
  }
}
