import { settleOutbox } from './outbox-drain';

/** Builders for the activities the Emulator (customers) and Teams (agents) post to /api/messages. */

export type ActivityJson = Record<string, unknown>;

export interface TestCustomer {
  /** Their channel user id (`from.id`); a customer is `emulator:<userId>`. */
  readonly userId: string;
  readonly conversationId: string;
  readonly channelId?: string;
}

export interface TestAgent {
  readonly aadObjectId: string;
  /** The Teams user id (`29:…`). */
  readonly userId: string;
  readonly name: string;
  /** Their 1:1 chat with the bot. */
  readonly conversationId: string;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

const BOT = { id: 'relaydesk-bot', name: 'Relaydesk' };

export function customerMessage(serviceUrl: string, customer: TestCustomer, text: string): ActivityJson {
  return {
    type: 'message',
    id: nextId('in'),
    channelId: customer.channelId ?? 'emulator',
    serviceUrl,
    from: { id: customer.userId, name: 'User', role: 'user' },
    recipient: BOT,
    conversation: { id: customer.conversationId },
    text,
  };
}

function fromAgent(agent: TestAgent) {
  return { id: agent.userId, name: agent.name, aadObjectId: agent.aadObjectId };
}

export function agentMessage(
  serviceUrl: string,
  agent: TestAgent,
  text: string | undefined,
  extra: { value?: unknown; replyToId?: string } = {},
): ActivityJson {
  return {
    type: 'message',
    id: nextId('in'),
    channelId: 'msteams',
    serviceUrl,
    from: fromAgent(agent),
    recipient: BOT,
    conversation: { id: agent.conversationId, conversationType: 'personal' },
    ...(text !== undefined ? { text } : {}),
    ...(extra.value !== undefined ? { value: extra.value } : {}),
    ...(extra.replyToId !== undefined ? { replyToId: extra.replyToId } : {}),
  };
}

/** An Action.Execute press: `adaptiveCard/action` with the verb and the action's data (inputs merged in). */
export function agentInvoke(
  serviceUrl: string,
  agent: TestAgent,
  verb: string | undefined,
  data: Record<string, unknown>,
  replyToId?: string,
): ActivityJson {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: nextId('invoke'),
    channelId: 'msteams',
    serviceUrl,
    from: fromAgent(agent),
    recipient: BOT,
    conversation: { id: agent.conversationId, conversationType: 'personal' },
    ...(replyToId !== undefined ? { replyToId } : {}),
    value: { action: { type: 'Action.Execute', ...(verb !== undefined ? { verb } : {}), data } },
  };
}

/** The same press from a customer's conversation. */
export function customerInvoke(
  serviceUrl: string,
  customer: TestCustomer,
  verb: string,
  data: Record<string, unknown>,
): ActivityJson {
  return {
    ...customerMessage(serviceUrl, customer, ''),
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: nextId('invoke'),
    text: undefined,
    value: { action: { type: 'Action.Execute', verb, data } },
  };
}

export interface PostResult {
  readonly status: number;
  readonly body: unknown;
}

/**
 * POSTs to the bot endpoint; `body` may be raw text (for malformed JSON). When the harness started the desk,
 * its outbox is drained once the answer is in, so the connector has seen what the request queued.
 */
export async function postActivity(
  url: string,
  body: ActivityJson | string,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  await settleOutbox(url);
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body: parsed };
}
