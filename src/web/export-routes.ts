import type restify from 'restify';
import {
  agentTranscript,
  conversationsCsv,
  supervisorTranscript,
  type ExportPorts,
} from '../app/conversation-exports';
import type { Logger } from '../app/ports';
import type { SupervisionPorts } from '../app/supervision';
import { MAX_ID_CHARS } from '../cards/verb-table';
import { isObject } from '../shared/json';
import { EXPORT_ROUTES } from '../shared/export-paths';
import { sendError, type AgentHandler, type WithAgent } from './agent-api-guard';
import { noSuchSession, sessionIdOf } from './agent-api-sessions';
import { CSV_FILE, TEXT_FILE, sendDownload, streamDownload } from './downloads';
import { ExportRangeQuery } from './export-query';
import { problemOf, queryOf, supervisorOnly } from './supervisor-api';

/** The downloads (src/shared/export-paths.ts): transcripts as text, conversations as CSV. */

type ExportRoutePorts = ExportPorts & SupervisionPorts;

const NOT_A_SUPERVISOR = 'Only supervisors can export any conversation.';

/** GET …/sessions/:sessionId/transcript.txt: one of the agent's own sessions, on the rule of GET …/:sessionId. */
function agentTranscriptRoute(ports: ExportRoutePorts, logger: Logger): AgentHandler {
  return async (req, res, agent) => {
    const sessionId = sessionIdOf(req, res);
    if (sessionId === undefined) return;
    const file = await agentTranscript(ports, agent.agentId, sessionId);
    if (!file) {
      noSuchSession(logger, req, res, agent, sessionId);
      return;
    }
    sendDownload(res, TEXT_FILE, file);
  };
}

function workItemIdOf(req: restify.Request): string | undefined {
  const params: unknown = req.params;
  const value = isObject(params) ? params['workItemId'] : undefined;
  return typeof value === 'string' && value !== '' && value.length <= MAX_ID_CHARS ? value : undefined;
}

/** GET /api/supervisor/conversations/:workItemId/transcript.txt: any conversation, for supervisors. */
function supervisorTranscriptRoute(ports: ExportRoutePorts, logger: Logger): AgentHandler {
  return async (req, res, agent) => {
    if (!supervisorOnly(ports, logger, req, res, agent, NOT_A_SUPERVISOR)) return;
    const workItemId = workItemIdOf(req);
    if (workItemId === undefined) {
      sendError(res, 400, 'BadRequest', `The conversation id must be 1 to ${MAX_ID_CHARS} characters.`);
      return;
    }
    const file = await supervisorTranscript(ports, agent.agentId, workItemId);
    if (!file) {
      logger.info(
        { supervisorId: agent.agentId, workItemId },
        'transcript export refused: no such conversation',
      );
      sendError(res, 404, 'NotFound', 'There is no conversation with that id.');
      return;
    }
    logger.info({ supervisorId: agent.agentId, workItemId }, 'transcript exported by a supervisor');
    sendDownload(res, TEXT_FILE, file);
  };
}

/** GET /api/supervisor/conversations.csv?from=&to=: the conversations created on those UTC days. */
function conversationsCsvRoute(ports: ExportRoutePorts, logger: Logger): AgentHandler {
  return async (req, res, agent) => {
    if (!supervisorOnly(ports, logger, req, res, agent, NOT_A_SUPERVISOR)) return;
    const query = ExportRangeQuery.safeParse(queryOf(req));
    if (!query.success) {
      const reason = problemOf(query.error);
      logger.info({ supervisorId: agent.agentId, reason }, 'conversations export refused: malformed range');
      sendError(res, 400, 'BadRequest', `conversations.csv: ${reason}`);
      return;
    }
    const { from, to, fromMs, toMs } = query.data;
    logger.info({ supervisorId: agent.agentId, from, to }, 'conversations exported by a supervisor');
    const chunks = conversationsCsv(ports, agent.agentId, { from: fromMs, to: toMs });
    await streamDownload(res, CSV_FILE, `relaydesk-conversations-${from}-to-${to}.csv`, chunks, logger);
  };
}

export function registerExportRoutes(
  server: restify.Server,
  options: { readonly ports: ExportRoutePorts; readonly withAgent: WithAgent; readonly logger: Logger },
): void {
  const { ports, withAgent } = options;
  const logger = options.logger.child({ component: 'export-api' });
  server.get(EXPORT_ROUTES.agentTranscript, withAgent(agentTranscriptRoute(ports, logger)));
  server.get(EXPORT_ROUTES.supervisorTranscript, withAgent(supervisorTranscriptRoute(ports, logger)));
  server.get(EXPORT_ROUTES.conversationsCsv, withAgent(conversationsCsvRoute(ports, logger)));
}
