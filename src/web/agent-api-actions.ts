import { ensureAgent } from '../app/agents';
import { offerCard, type Notifier } from '../app/desk-context';
import type { Logger } from '../app/ports';
import { saveReplyDraft } from '../app/reply-actions';
import type { VerbPorts, VerbTable } from '../cards/verb-table';
import { isObject } from '../shared/json';
import type { ActionResponse } from './agent-api';
import { draftChangeOf } from './agent-api-bodies';
import { sendError, type AgentHandler } from './agent-api-guard';
import { noSuchSession, sessionIdOf } from './agent-api-sessions';
import { sendJson } from './responses';

export interface ActionRouteDeps {
  readonly ports: VerbPorts;
  readonly verbs: VerbTable;
  /** Carries a tab answer to an offer onto the offer card in chat, so that card does not keep stale buttons. */
  readonly notifier: Pick<Notifier, 'toAgent'>;
  readonly logger: Logger;
}

/** POST AGENT_API.actions: a verb of the very table the chat cards use. */
export function actionRoute({ ports, verbs, notifier, logger }: ActionRouteDeps): AgentHandler {
  return async (req, res, agent) => {
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
      await notifier.toAgent(agent.agentId, outcome.view, { target: offerCard(outcome.view.offerId) });
    }
    const answer: ActionResponse = { view: outcome.view };
    sendJson(res, 200, answer);
  };
}

export interface DraftRouteDeps {
  readonly ports: VerbPorts;
  readonly logger: Logger;
  /** MAX_TEXT_CHARS: the longest reply draft kept. */
  readonly maxTextChars: number;
}

/** PUT AGENT_API.draft: saves the reply being typed in a session. */
export function draftRoute({ ports, logger, maxTextChars }: DraftRouteDeps): AgentHandler {
  return async (req, res, agent) => {
    const sessionId = sessionIdOf(req, res);
    if (sessionId === undefined) return;
    const change = draftChangeOf(req.body, maxTextChars);
    if (typeof change === 'string') {
      sendError(res, 400, 'BadRequest', change);
      return;
    }
    const view = await saveReplyDraft(ports, agent.agentId, sessionId, change);
    if (view.kind !== 'panel') {
      noSuchSession(logger, req, res, agent, sessionId);
      return;
    }
    res.header('Cache-Control', 'no-store');
    res.send(204);
  };
}
