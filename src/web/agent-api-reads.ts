import { kbArticle } from '../app/knowledge';
import { isSupervisor } from '../app/supervision';
import type { Logger } from '../app/ports';
import { earlierMessages, sessionDetail, workspace } from '../app/workspace';
import { MAX_ID_CHARS, type VerbPorts } from '../cards/verb-table';
import { isObject } from '../shared/json';
import type { SessionDetail, TranscriptPage, WorkspaceState } from './agent-api';
import { EarlierQuery } from './agent-api-bodies';
import { sendError, type AgentHandler } from './agent-api-guard';
import { noSuchSession, sessionIdOf } from './agent-api-sessions';
import { sendJson } from './responses';

/** GET AGENT_API.workspace: the agent's own panel. */
export function workspaceRoute(ports: VerbPorts): AgentHandler {
  return async (_req, res, agent) => {
    const view = await workspace(ports, agent.agentId, agent.name);
    const answer: WorkspaceState = {
      agentId: agent.agentId,
      ...view,
      supervisor: isSupervisor(ports, agent.agentId),
    };
    sendJson(res, 200, answer);
  };
}

/** GET AGENT_API.session: one session of the agent's panel. */
export function sessionRoute(ports: VerbPorts, logger: Logger): AgentHandler {
  return async (req, res, agent) => {
    const sessionId = sessionIdOf(req, res);
    if (sessionId === undefined) return;
    const detail = await sessionDetail(ports, agent.agentId, sessionId);
    if (!detail) {
      noSuchSession(logger, req, res, agent, sessionId);
      return;
    }
    const answer: SessionDetail = detail;
    sendJson(res, 200, answer);
  };
}

/** GET …/messages?before=: the page of the transcript before a line. */
export function earlierMessagesRoute(ports: VerbPorts, logger: Logger): AgentHandler {
  return async (req, res, agent) => {
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
      noSuchSession(logger, req, res, agent, sessionId);
      return;
    }
    const answer: TranscriptPage = page;
    sendJson(res, 200, answer);
  };
}

/** GET /api/agent/kb/:articleId: one knowledge base article. */
export function kbArticleRoute(ports: VerbPorts): AgentHandler {
  return (req, res) => {
    const params: unknown = req.params;
    const articleId = isObject(params) ? params['articleId'] : undefined;
    const article =
      typeof articleId === 'string' && articleId.length <= MAX_ID_CHARS
        ? kbArticle(ports, articleId)
        : undefined;
    if (!article) {
      sendError(res, 404, 'NotFound', 'There is no such article.');
      return;
    }
    sendJson(res, 200, article);
  };
}
