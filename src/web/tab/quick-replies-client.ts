import {
  QUICK_REPLIES_API,
  type OwnQuickReplies,
  type QuickReplyAnswer,
  type QuickReplyBody,
  type QuickReplyEdit,
  type QuickReplyHit,
  type QuickReplySearch,
} from '../quick-replies-api';

/** The one call of the agent API client the quick replies need: any route, with its sign-in and its errors. */
export interface AgentApiCaller {
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** The agent API's quick replies (src/web/quick-replies-api.ts), over the tab's signed-in client. */
export class QuickRepliesClient {
  constructor(private readonly api: AgentApiCaller) {}

  /** The best matches, filled for `sessionId`. */
  async search(query: string, sessionId?: string): Promise<readonly QuickReplyHit[]> {
    const answer = await this.api.call<QuickReplySearch>('GET', QUICK_REPLIES_API.search(query, sessionId));
    return answer.quickReplies;
  }

  mine(): Promise<OwnQuickReplies> {
    return this.api.call<OwnQuickReplies>('GET', QUICK_REPLIES_API.mine);
  }

  add(body: QuickReplyBody): Promise<QuickReplyAnswer> {
    return this.api.call<QuickReplyAnswer>('POST', QUICK_REPLIES_API.collection, body);
  }

  edit(quickReplyId: string, body: QuickReplyEdit): Promise<QuickReplyAnswer> {
    return this.api.call<QuickReplyAnswer>('PUT', QUICK_REPLIES_API.one(quickReplyId), body);
  }

  async remove(quickReplyId: string): Promise<void> {
    await this.api.call<undefined>('DELETE', QUICK_REPLIES_API.one(quickReplyId));
  }
}
