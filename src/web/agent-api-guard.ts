import type restify from 'restify';
import type { Logger } from '../app/ports';
import type { ApiError } from './agent-api';
import { readToken, type AgentAuth, type SignedInAgent } from './agent-auth';
import { sendJson } from './responses';

export type Handler = (req: restify.Request, res: restify.Response) => Promise<void>;

/** A route's work once the caller is known to be a signed-in agent. */
export type AgentHandler = (
  req: restify.Request,
  res: restify.Response,
  agent: SignedInAgent,
) => void | Promise<void>;

/** Wraps a handler so that it runs with the signed-in agent, or not at all (the refusal is sent). */
export type WithAgent = (handler: AgentHandler, options?: { readonly queryToken?: boolean }) => Handler;

export function sendError(res: restify.Response, status: number, code: string, message: string): void {
  const error: ApiError = { code, message };
  sendJson(res, status, error);
}

/** The route guard of every agent API route but the dev sign-in. */
export function agentGuard(auth: AgentAuth, logger: Logger): WithAgent {
  return (handler, options = {}) =>
    async (req, res) => {
      const agent = await signedIn(auth, logger, req, res, options.queryToken ?? false);
      if (agent) await handler(req, res, agent);
    };
}

/** The signed-in agent, or undefined once a 401 / 403 / 503 has been answered (and logged with a reason). */
async function signedIn(
  auth: AgentAuth,
  logger: Logger,
  req: restify.Request,
  res: restify.Response,
  allowQueryToken: boolean,
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

/** `?access_token=` of the events route (EventSource cannot set headers). */
function accessTokenOf(req: restify.Request): string | undefined {
  const query = req.getQuery();
  if (typeof query !== 'string' || query === '') return undefined;
  return new URLSearchParams(query).get('access_token') ?? undefined;
}
