import type { Logger } from '../app/ports';
import type { DevSignInResponse } from './agent-api';
import { DevSignInBody, refusalOf } from './agent-api-bodies';
import { sendError, type Handler } from './agent-api-guard';
import type { AgentAuth } from './agent-auth';
import { sendJson } from './responses';

/** POST AGENT_API.devSignIn: a token for an agent of AGENT_IDS, in anonymous mode only. */
export function devSignInRoute(auth: AgentAuth, logger: Logger): Handler {
  return async (req, res) => {
    if (!auth.devSignInEnabled) {
      logger.info({ reason: 'CLIENT_ID is set' }, 'dev sign-in refused');
      sendError(res, 404, 'NotFound', 'Dev sign-in is only available in anonymous mode (CLIENT_ID empty).');
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
}
