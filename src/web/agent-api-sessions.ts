import type restify from 'restify';
import type { Logger } from '../app/ports';
import { MAX_ID_CHARS } from '../cards/verb-table';
import { isObject } from '../shared/json';
import type { SignedInAgent } from './agent-auth';
import { sendError } from './agent-api-guard';

/** The :sessionId route parameter, or undefined once a 400 has been answered. */
export function sessionIdOf(req: restify.Request, res: restify.Response): string | undefined {
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
export function noSuchSession(
  logger: Logger,
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
