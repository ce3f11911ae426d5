import {
  AGENT_API,
  type ActionResponse,
  type ApiError,
  type DevSignInRequest,
  type DevSignInResponse,
  type DraftChange,
  type KbArticle,
  type SessionDetail,
  type TranscriptPage,
  type WorkspaceState,
} from '../agent-api';
import { isObject, parseJson } from '../../shared/json';
import { EXPORT_PATHS } from '../../shared/export-paths';
import { AgentApiError } from './api-error';
import { fileNameOf, saveFile } from './save-file';

export { AgentApiError };

/** Where the bearer token comes from: Teams SSO in Teams, the dev sign-in in a plain browser. */
export interface TokenSource {
  token(): Promise<string>;
  /** A new token after the server refused the last one (401). */
  refresh(): Promise<string>;
}

/** The API's paths resolved against the folder the tab page is served from (so a path prefix is kept). */
export function apiUrl(root: URL, path: string): URL {
  return new URL(path.replace(/^\//, ''), root);
}

/** The agent workspace API (src/web/agent-api.ts) over fetch; a 401 gets one retry with a fresh token. */
export class AgentApiClient {
  constructor(
    private readonly root: URL,
    private readonly tokens: TokenSource,
  ) {}

  workspace(): Promise<WorkspaceState> {
    return this.request<WorkspaceState>('GET', AGENT_API.workspace);
  }

  session(sessionId: string): Promise<SessionDetail> {
    return this.request<SessionDetail>('GET', AGENT_API.session(sessionId));
  }

  earlier(sessionId: string, before: number): Promise<TranscriptPage> {
    return this.request<TranscriptPage>('GET', AGENT_API.earlier(sessionId, before));
  }

  kbArticle(articleId: string): Promise<KbArticle> {
    return this.request<KbArticle>('GET', AGENT_API.kbArticle(articleId));
  }

  /** The same verbs and data as the chat cards' Action.Execute. */
  action(verb: string, data: Readonly<Record<string, unknown>>): Promise<ActionResponse> {
    return this.request<ActionResponse>('POST', AGENT_API.actions, { ...data, verb });
  }

  /** Any other route of the agent API (the quick replies' ones), with the same sign-in and errors. */
  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.request<T>(method, path, body);
  }

  /** A file of the API (a transcript, a CSV), fetched with the token and handed to the browser to save. */
  async download(path: string, fallbackName: string): Promise<void> {
    const response = await this.fetchSignedIn('GET', path, undefined, false, '*/*');
    if (!response.ok) await readJson(response);
    saveFile(await response.blob(), fileNameOf(response.headers.get('Content-Disposition')) ?? fallbackName);
  }

  /** The transcript of one of the agent's sessions, as a text file. */
  transcript(sessionId: string): Promise<void> {
    return this.download(EXPORT_PATHS.agentTranscript(sessionId), 'relaydesk-transcript.txt');
  }

  async saveDraft(sessionId: string, change: DraftChange, keepalive = false): Promise<void> {
    await this.request<undefined>('PUT', AGENT_API.draft(sessionId), change, keepalive);
  }

  /** EventSource cannot send headers, so the token rides in the query; `fresh` after the last one was refused. */
  async eventsUrl(fresh = false): Promise<string> {
    const url = apiUrl(this.root, AGENT_API.events);
    url.searchParams.set('access_token', await (fresh ? this.tokens.refresh() : this.tokens.token()));
    return url.toString();
  }

  private async request<T>(method: string, path: string, body?: unknown, keepalive = false): Promise<T> {
    return readJson<T>(await this.fetchSignedIn(method, path, body, keepalive, 'application/json'));
  }

  private async fetchSignedIn(
    method: string,
    path: string,
    body: unknown,
    keepalive: boolean,
    accept: string,
  ): Promise<Response> {
    const response = await this.send(method, path, body, keepalive, accept, await this.tokens.token());
    if (response.status !== 401) return response;
    return this.send(method, path, body, keepalive, accept, await this.tokens.refresh());
  }

  private send(
    method: string,
    path: string,
    body: unknown,
    keepalive: boolean,
    accept: string,
    token: string,
  ) {
    return fetch(apiUrl(this.root, path), {
      method,
      headers: {
        Accept: accept,
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      keepalive,
      cache: 'no-store',
    });
  }
}

/** POST /api/agent/dev-sign-in: anonymous mode only, for ids in AGENT_IDS; `name` is what customers read. */
export async function devSignIn(root: URL, agentId: string, name?: string): Promise<DevSignInResponse> {
  const request: DevSignInRequest = name === undefined ? { agentId } : { agentId, name };
  const response = await fetch(apiUrl(root, AGENT_API.devSignIn), {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
    cache: 'no-store',
  });
  return readJson<DevSignInResponse>(response);
}

async function readJson<T>(response: Response): Promise<T> {
  const parsed = parseJson(await response.text());
  if (!response.ok) {
    const error = isApiError(parsed) ? parsed : undefined;
    throw new AgentApiError(
      response.status,
      error?.code ?? `HTTP${response.status}`,
      error?.message ?? (response.statusText || `The server answered ${response.status}.`),
    );
  }
  return parsed as T;
}

function isApiError(value: unknown): value is ApiError {
  return isObject(value) && typeof value['code'] === 'string' && typeof value['message'] === 'string';
}
