import {
  DIRECT_LINE_PATHS,
  type ActivitySet,
  type ChatActivity,
  type ConversationStarted,
} from '../../src/web/webchat/directline-contract';

/** A customer of the local Direct Line channel (/v3/directline on the desk), as a web chat client calls it. */

export interface CallResult<T = unknown> {
  readonly status: number;
  readonly body: T;
}

async function call<T>(
  url: string,
  init: { method: string; token?: string | undefined; body?: unknown; headers?: Record<string, string> },
): Promise<CallResult<T>> {
  const response = await fetch(url, {
    method: init.method,
    headers: {
      ...(init.token !== undefined ? { Authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined
      ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
      : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body: body as T };
}

export class WebchatCustomer {
  watermark = '0';

  private constructor(
    readonly baseUrl: string,
    readonly conversationId: string,
    public token: string,
    readonly started: ConversationStarted,
  ) {}

  /** POST /v3/directline/conversations; throws unless 201. */
  static async start(baseUrl: string): Promise<WebchatCustomer> {
    const result = await startConversation(baseUrl);
    if (result.status !== 201) throw new Error(`starting a conversation answered ${result.status}`);
    return new WebchatCustomer(baseUrl, result.body.conversationId, result.body.token, result.body);
  }

  get activitiesUrl(): string {
    return `${this.baseUrl}${DIRECT_LINE_PATHS.activities(this.conversationId)}`;
  }

  /** Posts an activity with this customer's token, or with the one given (`null`: no token at all). */
  post(body: unknown, token: string | null = this.token): Promise<CallResult<{ id?: string }>> {
    return call(this.activitiesUrl, { method: 'POST', token: token ?? undefined, body });
  }

  /** Says something; throws unless the channel answered 200. */
  async say(text: string, from?: Record<string, unknown>): Promise<string> {
    const result = await this.post({ type: 'message', text, ...(from ? { from } : {}) });
    if (result.status !== 200 || typeof result.body.id !== 'string') {
      throw new Error(`posting a message answered ${result.status}: ${JSON.stringify(result.body)}`);
    }
    return result.body.id;
  }

  /** GET activities after `watermark` (the last one seen by default), without moving it; `null` token: none. */
  read(
    watermark: string = this.watermark,
    token: string | null = this.token,
  ): Promise<CallResult<ActivitySet>> {
    return call(`${this.activitiesUrl}?watermark=${encodeURIComponent(watermark)}`, {
      method: 'GET',
      token: token ?? undefined,
    });
  }

  /** The activities new since the last call, and moves the watermark past them. */
  async news(): Promise<ChatActivity[]> {
    const result = await this.read();
    if (result.status !== 200) throw new Error(`reading activities answered ${result.status}`);
    this.watermark = result.body.watermark;
    return [...result.body.activities];
  }

  /** Texts of the desk's new activities since the last call. */
  async deskSays(): Promise<string[]> {
    return (await this.news())
      .filter((activity) => activity.from.role === 'bot')
      .map((activity) => activity.text ?? '');
  }

  refresh(token: string = this.token): Promise<CallResult<ConversationStarted>> {
    return call(`${this.baseUrl}${DIRECT_LINE_PATHS.refresh}`, { method: 'POST', token });
  }
}

export function startConversation(baseUrl: string): Promise<CallResult<ConversationStarted>> {
  return call(`${baseUrl}${DIRECT_LINE_PATHS.conversations}`, { method: 'POST' });
}

/** A call to the channel's connector side, as the desk makes it. */
export function connectorCall(
  baseUrl: string,
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
): Promise<CallResult<{ id?: string; error?: { code: string } }>> {
  return call(`${baseUrl}/webchat-connector${path}`, { method, body });
}
