import type restify from 'restify';
import { z } from 'zod';
import type { Logger } from '../app/ports';
import {
  MAX_RESULTS,
  addQuickReply,
  deleteQuickReply,
  editQuickReply,
  findQuickReplies,
  ownQuickReplies,
  type QuickReplyChange,
  type QuickReplyPorts,
} from '../app/quick-replies';
import type { StoredQuickReply } from '../app/repositories';
import { MAX_ID_CHARS } from '../cards/verb-table';
import { MAX_QUERY_CHARS, PLACEHOLDER_NAMES, QUICK_REPLY_LIMITS } from '../domain/quick-replies';
import { isObject } from '../shared/json';
import type { SignedInAgent } from './agent-auth';
import { sendError, type AgentHandler, type WithAgent } from './agent-api-guard';
import { noSuchSession } from './agent-api-sessions';
import type { OwnQuickReplies, OwnQuickReply, QuickReplyAnswer, QuickReplySearch } from './quick-replies-api';
import { QUICK_REPLIES_API } from './quick-replies-api';
import { sendJson } from './responses';

export interface QuickReplyRouteOptions {
  readonly ports: QuickReplyPorts & Parameters<typeof addQuickReply>[0];
  readonly withAgent: WithAgent;
  readonly logger: Logger;
}

const ONE_ROUTE = '/api/agent/quick-replies/:quickReplyId';

const SearchQuery = z.strictObject(
  {
    q: z.string().max(MAX_QUERY_CHARS, `"q" is longer than ${MAX_QUERY_CHARS} characters`).optional(),
    sessionId: z
      .string()
      .min(1, `"sessionId" must be 1 to ${MAX_ID_CHARS} characters`)
      .max(MAX_ID_CHARS, `"sessionId" must be 1 to ${MAX_ID_CHARS} characters`)
      .optional(),
    limit: z.coerce
      .number({ error: `"limit" must be a whole number from 1 to ${MAX_RESULTS}` })
      .int(`"limit" must be a whole number from 1 to ${MAX_RESULTS}`)
      .min(1, `"limit" must be a whole number from 1 to ${MAX_RESULTS}`)
      .max(MAX_RESULTS, `"limit" must be a whole number from 1 to ${MAX_RESULTS}`)
      .optional(),
  },
  { error: 'The query takes q, sessionId and limit only.' },
);

/** PUT's body: the fields (checked by the use case) and the version edited. */
const EditBody = z.looseObject(
  {
    version: z
      .number({ error: '"version" must be the version you edited (a whole number)' })
      .int('"version" must be the version you edited (a whole number)')
      .min(1, '"version" must be the version you edited (a whole number)')
      .max(2 ** 31, '"version" must be the version you edited (a whole number)'),
  },
  { error: 'The body must be a JSON object: { "title", "text", "tags"?, "version" }.' },
);

function ownOf(stored: StoredQuickReply): OwnQuickReply {
  const { id, title, text, tags, version, updatedAt } = stored;
  return { id, title, text, tags, version, updatedAt };
}

function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys')
    return `Unknown parameter "${(issue.keys[0] ?? '').slice(0, 50)}".`;
  return issue?.message ?? 'The request is not what this route takes.';
}

/** The :quickReplyId parameter; anything that cannot be an id is no quick reply of the agent's either. */
function quickReplyIdOf(req: restify.Request): string | undefined {
  const params: unknown = req.params;
  const value = isObject(params) ? params['quickReplyId'] : undefined;
  return typeof value === 'string' && value !== '' && value.length <= MAX_ID_CHARS ? value : undefined;
}

function notTheirs(logger: Logger, req: restify.Request, res: restify.Response, agent: SignedInAgent): void {
  // Logged like a session that is not theirs: an agent probing other agents' ids leaves a trace.
  logger.info(
    { route: req.path(), method: req.method, status: 404, agentId: agent.agentId },
    'agent api refused: no such quick reply',
  );
  sendError(res, 404, 'NotFound', 'You have no quick reply with this id.');
}

/** A change's answer: the quick reply, or the status its refusal calls for. */
function answerChange(
  res: restify.Response,
  change: QuickReplyChange,
  status: number,
  refuseMissing: () => void,
): void {
  if (change.ok) {
    const answer: QuickReplyAnswer = { quickReply: ownOf(change.reply) };
    sendJson(res, status, answer);
    return;
  }
  if (change.problem === 'missing') refuseMissing();
  else if (change.problem === 'invalid') sendError(res, 400, 'BadRequest', change.message);
  else if (change.problem === 'full') sendError(res, 409, 'QuickReplyLimit', change.message);
  else sendError(res, 409, 'Conflict', change.message);
}

function searchRoute({ ports, logger }: QuickReplyRouteOptions): AgentHandler {
  return async (req, res, agent) => {
    const query = SearchQuery.safeParse(
      Object.fromEntries(new URLSearchParams(String(req.getQuery() ?? ''))),
    );
    if (!query.success) {
      sendError(res, 400, 'BadRequest', firstProblem(query.error));
      return;
    }
    const { q = '', sessionId, limit } = query.data;
    const found = await findQuickReplies(ports, agent.agentId, q, {
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
    if (!found) {
      noSuchSession(logger, req, res, agent, sessionId ?? '');
      return;
    }
    const answer: QuickReplySearch = { quickReplies: found };
    sendJson(res, 200, answer);
  };
}

function mineRoute({ ports }: QuickReplyRouteOptions): AgentHandler {
  return async (_req, res, agent) => {
    const { perAgent, titleChars, textChars, tags } = QUICK_REPLY_LIMITS;
    const answer: OwnQuickReplies = {
      quickReplies: (await ownQuickReplies(ports, agent.agentId)).map(ownOf),
      limits: { perAgent, titleChars, textChars, tags },
      placeholders: PLACEHOLDER_NAMES.map((name) => `{${name}}`),
    };
    sendJson(res, 200, answer);
  };
}

function addRoute({ ports, logger }: QuickReplyRouteOptions): AgentHandler {
  return async (req, res, agent) => {
    const change = await addQuickReply(ports, agent.agentId, req.body);
    answerChange(res, change, 201, () => notTheirs(logger, req, res, agent));
  };
}

function editRoute({ ports, logger }: QuickReplyRouteOptions): AgentHandler {
  return async (req, res, agent) => {
    const quickReplyId = quickReplyIdOf(req);
    if (quickReplyId === undefined) {
      notTheirs(logger, req, res, agent);
      return;
    }
    const body = EditBody.safeParse(req.body);
    if (!body.success) {
      sendError(res, 400, 'BadRequest', firstProblem(body.error));
      return;
    }
    const { version, ...fields } = body.data;
    const change = await editQuickReply(ports, agent.agentId, { quickReplyId, version, fields });
    answerChange(res, change, 200, () => notTheirs(logger, req, res, agent));
  };
}

function deleteRoute({ ports, logger }: QuickReplyRouteOptions): AgentHandler {
  return async (req, res, agent) => {
    const quickReplyId = quickReplyIdOf(req);
    if (quickReplyId === undefined || !(await deleteQuickReply(ports, agent.agentId, quickReplyId))) {
      notTheirs(logger, req, res, agent);
      return;
    }
    res.header('Cache-Control', 'no-store');
    res.send(204);
  };
}

/** The quick reply routes of QUICK_REPLIES_API, each behind the agent API's sign-in. */
export function registerQuickReplyRoutes(server: restify.Server, options: QuickReplyRouteOptions): void {
  const { withAgent } = options;
  server.get(QUICK_REPLIES_API.collection, withAgent(searchRoute(options)));
  server.get(QUICK_REPLIES_API.mine, withAgent(mineRoute(options)));
  server.post(QUICK_REPLIES_API.collection, withAgent(addRoute(options)));
  server.put(ONE_ROUTE, withAgent(editRoute(options)));
  server.del(ONE_ROUTE, withAgent(deleteRoute(options)));
}
