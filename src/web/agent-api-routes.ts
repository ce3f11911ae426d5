import type restify from 'restify';
import type { Notifier } from '../app/desk-context';
import type { Logger } from '../app/ports';
import { TAB_VERB_HANDLERS, VerbTable, type VerbPorts } from '../cards/verb-table';
import type { AgentAuth } from './agent-auth';
import type { AgentEventHub } from './agent-events';
import { AGENT_API } from './agent-api';
import { actionRoute, draftRoute } from './agent-api-actions';
import { devSignInRoute } from './agent-api-dev-sign-in';
import { agentGuard } from './agent-api-guard';
import { registerExportRoutes } from './export-routes';
import { registerQuickReplyRoutes } from './agent-api-quick-replies';
import { registerSupervisorApi } from './supervisor-api';
import { earlierMessagesRoute, kbArticleRoute, sessionRoute, workspaceRoute } from './agent-api-reads';

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

/**
 * The agent workspace API of src/web/agent-api.ts on the restify server. Every route but the dev sign-in
 * authenticates first; an agent reads and acts only through their own id, which the use cases hold to their
 * own panel. Actions go through the very verb table the chat cards use.
 */
export function registerAgentApi(server: restify.Server, options: AgentApiOptions): AgentApi {
  const { ports, auth, events, notifier, maxTextChars } = options;
  const logger = options.logger.child({ component: 'agent-api' });
  const verbs = options.verbs ?? new VerbTable(TAB_VERB_HANDLERS);
  const withAgent = agentGuard(auth, logger);

  server.post(AGENT_API.devSignIn, devSignInRoute(auth, logger));
  server.get(AGENT_API.workspace, withAgent(workspaceRoute(ports)));
  server.get(SESSION_ROUTE, withAgent(sessionRoute(ports, logger)));
  server.get(`${SESSION_ROUTE}/messages`, withAgent(earlierMessagesRoute(ports, logger)));
  server.post(AGENT_API.actions, withAgent(actionRoute({ ports, verbs, notifier, logger })));
  server.get('/api/agent/kb/:articleId', withAgent(kbArticleRoute(ports)));
  server.put(`${SESSION_ROUTE}/draft`, withAgent(draftRoute({ ports, logger, maxTextChars })));
  registerQuickReplyRoutes(server, { ports, withAgent, logger });
  registerSupervisorApi(server, { ports, withAgent, logger });
  registerExportRoutes(server, { ports, withAgent, logger });
  server.get(
    AGENT_API.events,
    withAgent((req, res, agent) => events.serve(agent.agentId, req, res, { expiresAt: agent.expiresAt }), {
      queryToken: true,
    }),
  );

  return { close: () => events.close() };
}
