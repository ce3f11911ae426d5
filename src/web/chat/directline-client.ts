import {
  DIRECT_LINE_PATHS,
  type ActivitySet,
  type ConversationStarted,
  type DirectLineError,
  type PostedActivity,
} from '../webchat/directline-contract';
import { isObject, parseJson } from '../../shared/json';

export class DirectLineCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** With 502 BotError or 503 on a post: the message the channel withdrew. */
    readonly activityId?: string,
  ) {
    super(message);
    this.name = 'DirectLineCallError';
  }

  /** The conversation is gone or the token no longer opens it: only a new conversation helps. */
  get conversationLost(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404;
  }
}

/** The local Direct Line channel (src/web/webchat/directline-contract.ts) over fetch, relative to the page. */
export class DirectLineClient {
  constructor(private readonly root: URL) {}

  start(): Promise<ConversationStarted> {
    return this.call<ConversationStarted>('POST', DIRECT_LINE_PATHS.conversations);
  }

  refresh(token: string): Promise<ConversationStarted> {
    return this.call<ConversationStarted>('POST', DIRECT_LINE_PATHS.refresh, token);
  }

  async send(conversationId: string, token: string, activity: PostedActivity): Promise<string> {
    const answer = await this.call<{ id: string }>(
      'POST',
      DIRECT_LINE_PATHS.activities(conversationId),
      token,
      activity,
    );
    return answer.id;
  }

  activities(conversationId: string, token: string, watermark: string): Promise<ActivitySet> {
    const path = `${DIRECT_LINE_PATHS.activities(conversationId)}?watermark=${encodeURIComponent(watermark)}`;
    return this.call<ActivitySet>('GET', path, token);
  }

  private async call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path.replace(/^\//, ''), this.root), {
      method,
      headers: {
        Accept: 'application/json',
        ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: 'no-store',
    });
    const parsed = parseJson(await response.text());
    if (!response.ok) {
      const failure = isDirectLineError(parsed) ? parsed : undefined;
      throw new DirectLineCallError(
        response.status,
        failure?.error.code ?? `HTTP${response.status}`,
        failure?.error.message ?? `The server answered ${response.status}.`,
        failure?.id,
      );
    }
    return parsed as T;
  }
}

function isDirectLineError(value: unknown): value is DirectLineError {
  const error = isObject(value) ? value['error'] : undefined;
  return isObject(error) && typeof error['code'] === 'string' && typeof error['message'] === 'string';
}
