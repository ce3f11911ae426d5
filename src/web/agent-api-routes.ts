import type restify from 'restify';
import { ensureAgent } from '../app/agents';
import { offerCard, type Notifier } from '../app/desk-context';
import { kbArticle as readKbArticle } from '../app/knowledge';
import type { Logger } from '../app/ports';
import { saveReplyDraft } from '../app/reply-actions';
import { earlierMessages, sessionDetail, workspace as workspaceOf } from '../app/workspace';
import { MAX_ID_CHARS, TAB_VERB_HANDLERS, VerbTable, type VerbPorts } from '../cards/verb-table';
import { AgentAuth, readToken, type SignedInAgent } from './agent-auth';
import type { AgentEventHub } from './agent-events';
import {
  AGENT_API,
  type ActionResponse,
  type ApiError,
  type DevSignInResponse,
  type SessionDetail,
  type TranscriptPage,
  type WorkspaceState,
} from './agent-api';
import { isObject } from '../shared/json';
import { DevSignInBody, EarlierQuery, draftChangeOf, refusalOf } from './agent-api-bodies';
import { sendJson } from './responses';

/** The ports the agent API's use cases read: the tab's verbs, and the reads and drafts of the workspace. */
export type AgentApiPorts = VerbPorts;

export interface AgentApiOptions {
  readonly ports: AgentApiPorts;
  readonly auth: AgentAuth;
  readonly events: AgentEventHub;
  /** Carries a tab answer to an offer onto the offer card in chat, so that card does not keep stale buttons. */
  readonly notifier: Pick<Notifier, 'toAgent'>;
  readonly logger: Logger;
  /** MAX_TEXT_CHARS: the longest reply draft or case description kept. */
  readonly maxTextChars: number;
  /** Defaults to the cards' verbs plus the tab-only ones (TAB_VERB_HANDLERS). */
  readonly verbs?: VerbTable;
}

export interface AgentApi {
  /** Ends the open event streams; call before closing the HTTP server, which would otherwise wait for them. */
  close(): void;
}

/** AGENT_API.session / AGENT_API.draft as restify route patterns. */
const SESSION_ROUTE = '/api/agent/sessions/:sessionId';

type Handler = (req: restify.Request, res: restify.Response) => Promise<void>;

function sendError(res: restify.Response, status: number, code: string, message: string): void {
  const error: ApiError = { code, message };
  sendJson(res, status, error);
}

/**
 * The agent workspace API of src/web/agent-api.ts on the restify server. Every route but the dev sign-in
 * authenticates first; an agent reads and acts only through their own id, which the use cases hold to their
 * own panel. Actions go through the very verb table the chat cards use.
 */
export function registerAgentApi(server: restify.Server, options: AgentApiOptions): AgentApi {
  const { ports, auth, events } = options;
  const logger = options.logger.child({ component: 'agent-api' });
  const verbs = options.verbs ?? new VerbTable(TAB_VERB_HANDLERS);

  /** The signed-in agent, or undefined once a 401 / 403 / 503 has been answered (and logged with a reason). */
  async function signedIn(
    req: restify.Request,
    res: restify.Response,
    allowQueryToken = false,
  ): Promise<SignedInAgent | undefined> {
    const header = req.headers.authorization;
    const queryToken = allowQueryToken && header === undefined ? accessTokenOf(req) : undefined;
    const read =
      queryToken !== undefined ? readToken(queryToken, { bare: true }) : readToken(header, { bare: false });
    const route = req.path();
    if ('problem' in read) {
      logger.info({ route, reason: read.problem }, 'agent api refused: not authenticated');
      res.header('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'Unauthorized', 'Sign in first: a Bearer token is required.');
      return undefined;
    }
    const outcome = await auth.authenticate(read.token);
    if (outcome.ok) return outcome.agent;
    const fields = { route, status: outcome.status, reason: outcome.reason };
    if (outcome.status === 503) logger.warn(fields, 'agent api refused: sign-in unavailable');
    else logger.info(fields, 'agent api refused');
    if (outcome.status === 401) res.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    sendError(res, outcome.status, outcome.error.code, outcome.error.message);
    return undefined;
  }

  /** A route for signed-in agents only: the handler runs with the agent, or not at all (the refusal is sent). */
  function withAgent(
    handler: (req: restify.Request, res: restify.Response, agent: SignedInAgent) => void | Promise<void>,
    options: { readonly queryToken?: boolean } = {},
  ): Handler {
    return async (req, res) => {
      const agent = await signedIn(req, res, options.queryToken ?? false);
      if (agent) await handler(req, res, agent);
    };
  }

  /** The :sessionId route parameter, or undefined once a 400 has been answered. */
  function sessionIdOf(req: restify.Request, res: restify.Response): string | undefined {
    const params: unknown = req.params;
    const value = isObject(params) ? params['sessionId'] : undefined;
    if (typeof value !== 'string' || value === '' || value.length > MAX_ID_CHARS) {
      sendError(res, 400, 'BadRequest', `The session id must be 1 to ${MAX_ID_CHARS} characters.`);
      return undefined;
    }
    return value;
  }

  /**
   * 404 for a session that is not in the agent's own panel: another agent's, one that has gone, or an unknown
   * id. Logged at info, as the other refusals (the tab itself meets one when a session closes between two
   * fetches), so that an agent probing sessions leaves a trace.
   */
  function noSuchSession(
    req: restify.Request,
    res: restify.Response,
    agent: SignedInAgent,
    sessionId: string,
  ): void {
    logger.info(
      {
        route: req.path(),
        method: req.method,
        status: 404,
        reason: 'no such session',
        agentId: agent.agentId,
        sessionId,
      },
      'agent api refused: no such session',
    );
    sendError(res, 404, 'NotFound', 'You have no such session.');
  }

  const devSignIn: Handler = async (req, res) => {
    if (!auth.devSignInEnabled) {
      logger.info({ reason: 'MicrosoftAppId is set' }, 'dev sign-in refused');
      sendError(
        res,
        404,
        'NotFound',
        'Dev sign-in is only available in anonymous mode (MicrosoftAppId empty).',
      );
      return;
    }
    const parsed = DevSignInBody.safeParse(req.body);
    if (!parsed.success) {
      sendError(res, 400, 'BadRequest', refusalOf(parsed.error));
      return;
    }
    const { agentId, name } = parsed.data;
    const issued = await auth.issueDevToken(agentId, name);
    if (!issued) {
      logger.info({ reason: 'not in AGENT_IDS' }, 'dev sign-in refused');
      sendError(res, 403, 'Forbidden', 'Only an agent id listed in AGENT_IDS can sign in.');
      return;
    }
    logger.info({ agentId: issued.agentId, signedInAs: agentId }, 'dev sign-in');
    const answer: DevSignInResponse = {
      token: issued.token,
      agentId: issued.agentId,
      expiresAt: issued.expiresAt,
    };
    sendJson(res, 200, answer);
  };

  const workspace = withAgent(async (_req, res, agent) => {
    const view = await workspaceOf(ports, agent.agentId, agent.name);
    const answer: WorkspaceState = { agentId: agent.agentId, ...view };
    sendJson(res, 200, answer);
  });

  const session = withAgent(async (req, res, agent) => {
    const sessionId = sessionIdOf(req, res);
    if (sessionId === undefined) return;
    const detail = await sessionDetail(ports, agent.agentId, sessionId);
    if (!detail) {
      noSuchSession(req, res, agent, sessionId);
      return;
    }
    const answer: SessionDetail = detail;
    sendJson(res, 200, answer);
  });

  const earlier = withAgent(async (req, res, agent) => {
    const sessionId = sessionIdOf(req, res);
    if (sessionId === undefined) return;
    const query = EarlierQuery.safeParse(
      Object.fromEntries(new URLSearchParams(String(req.getQuery() ?? ''))),
    );
    if (!query.success) {
      sendError(res, 400, 'BadRequest', '`before` must be a line number of the conversation (1 or more).');
      return;
    }
    const page = await earlierMessages(ports, agent.agentId, sessionId, query.data.before);
    if (!page) {
      noSuchSession(req, res, agent, sessionId);
      return;
    }
    const answer: TranscriptPage = page;
    sendJson(res, 200, answer);
  });

  const kbArticle = withAgent((req, res) => {
    const params: unknown = req.params;
    const articleId = isObject(params) ? params['articleId'] : undefined;
    const article =
      typeof articleId === 'string' && articleId.length <= MAX_ID_CHARS
        ? readKbArticle(ports, articleId)
        : undefined;
    if (!article) {
      sendError(res, 404, 'NotFound', 'There is no such article.');
      return;
    }
    sendJson(res, 200, article);
  });

  const action = withAgent(async (req, res, agent) => {
    const body: unknown = req.body;
    if (!isObject(body)) {
      sendError(res, 400, 'BadRequest', 'The body must be a JSON object: { "verb": …, …data }.');
      return;
    }
    await ensureAgent(ports, agent.agentId, agent.name);
    const outcome = await verbs.dispatch(ports, { agentId: agent.agentId }, body['verb'], body);
    if (!outcome.ok) {
      logger.info({ agentId: agent.agentId, reason: outcome.message }, 'malformed agent action');
      sendError(res, 400, 'BadRequest', outcome.message);
      return;
    }
    if (outcome.view.kind === 'offer') {
      await options.notifier.toAgent(agent.agentId, outcome.view, {
        target: offerCard(outcome.view.offerId),
      });
    }
    const answer: ActionResponse = { view: outcome.view };
    sendJson(res, 200, answer);
  });

  const draft = withAgent(async (req, res, agent) => {
    const sessionId = sessionIdOf(req, res);
    if (sessionId === undefined) return;
    const change = draftChangeOf(req.body, options.maxTextChars);
    if (typeof change === 'string') {
      sendError(res, 400, 'BadRequest', change);
      return;
    }
    const view = await saveReplyDraft(ports, agent.agentId, sessionId, change);
    if (view.kind !== 'panel') {
      noSuchSession(req, res, agent, sessionId);
      return;
    }
    res.header('Cache-Control', 'no-store');
    res.send(204);
  });

  const eventStream = withAgent(
    async (req, res, agent) => {
      await events.serve(agent.agentId, req, res, { expiresAt: agent.expiresAt });
    },
    { queryToken: true },
  );

  server.post(AGENT_API.devSignIn, devSignIn);
  server.get(AGENT_API.workspace, workspace);
  server.get(SESSION_ROUTE, session);
  server.get(`${SESSION_ROUTE}/messages`, earlier);
  server.post(AGENT_API.actions, action);
  server.get('/api/agent/kb/:articleId', kbArticle);
  server.put(`${SESSION_ROUTE}/draft`, draft);
  server.get(AGENT_API.events, eventStream);

  return { close: () => events.close() };
}

/** `?access_token=` of the events route (EventSource cannot set headers). */
function accessTokenOf(req: restify.Request): string | undefined {
  const query = req.getQuery();
  if (typeof query !== 'string' || query === '') return undefined;
  return new URLSearchParams(query).get('access_token') ?? undefined;
}
