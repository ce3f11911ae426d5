import type restify from 'restify';
import { z } from 'zod';
import { ensureAgent } from '../app/agents';
import type { Logger } from '../app/ports';
import { isSupervisor, readFloor, type SupervisionPorts } from '../app/supervision';
import { LIVE_STATES, type Floor, type LiveState } from '../domain/floor';
import { MAX_ID_CHARS } from '../cards/verb-table';
import { sendError, type AgentHandler, type WithAgent } from './agent-api-guard';
import type { SignedInAgent } from './agent-auth';
import { sendJson } from './responses';
import { refusalOf, runSupervisorAction, supervisorActionBody } from './supervisor-actions';

export type {
  AssignResponse,
  ForceCloseResponse,
  MonitorResponse,
  TransferResponse,
} from './supervisor-actions';

/**
 * The supervisor's API (JSON under /api/supervisor), for the tab's Floor view. Signed in as on the agent API;
 * a member of staff who is not in SUPERVISOR_IDS is answered 403 on every route, and nothing changes.
 *
 *   GET  /api/supervisor/floor?state=<open|active|waiting|wrap-up>&agent=<agent key>   → Floor
 *   POST /api/supervisor/actions  { verb, workItemId, … }: forceClose, monitor, stopMonitor, join, assign, transfer
 *                                 (the verbs and their answers: src/web/supervisor-actions.ts)
 *
 * The supervisors' downloads (a transcript, the conversations as CSV) are in src/web/export-routes.ts.
 */
export const SUPERVISOR_API = {
  floor: '/api/supervisor/floor',
  actions: '/api/supervisor/actions',
} as const;

export type FloorResponse = Floor;

const id = z.string().trim().min(1, { error: 'must be a non-empty string' }).max(MAX_ID_CHARS);

const floorQuery = z.strictObject({
  state: z.enum(LIVE_STATES as [LiveState, ...LiveState[]]).optional(),
  agent: id.optional(),
});

export function problemOf(error: z.ZodError): string {
  const [issue] = error.issues;
  if (!issue) return 'the request could not be read';
  return issue.path.length > 0 ? `"${issue.path.join('.')}" ${issue.message}` : issue.message;
}

/** Refuses (403, logged) anyone who is not a supervisor; true when the caller is one. */
export function supervisorOnly(
  ports: SupervisionPorts,
  logger: Logger,
  req: restify.Request,
  res: restify.Response,
  agent: SignedInAgent,
  refusal = 'Only supervisors can see the floor and act on it.',
): boolean {
  if (isSupervisor(ports, agent.agentId)) return true;
  logger.info({ route: req.path(), agentId: agent.agentId }, 'supervisor api refused: not a supervisor');
  sendError(res, 403, 'Forbidden', refusal);
  return false;
}

export function queryOf(req: restify.Request): Record<string, string> {
  const raw = req.getQuery();
  return typeof raw === 'string' ? Object.fromEntries(new URLSearchParams(raw)) : {};
}

function floorRoute(ports: SupervisionPorts, logger: Logger): AgentHandler {
  return async (req, res, agent) => {
    if (!supervisorOnly(ports, logger, req, res, agent)) return;
    const query = floorQuery.safeParse(queryOf(req));
    if (!query.success) {
      const reason = problemOf(query.error);
      logger.info({ supervisorId: agent.agentId, reason }, 'floor read refused: malformed filter');
      sendError(res, 400, 'BadRequest', `floor: ${reason}`);
      return;
    }
    const { state, agent: agentId } = query.data;
    const floor: FloorResponse = await readFloor(ports, agent.agentId, {
      ...(state !== undefined ? { state } : {}),
      ...(agentId !== undefined ? { agentId } : {}),
    });
    sendJson(res, 200, floor);
  };
}

function actionRoute(ports: SupervisionPorts, logger: Logger): AgentHandler {
  return async (req, res, agent) => {
    if (!supervisorOnly(ports, logger, req, res, agent)) return;
    const body = supervisorActionBody.safeParse(req.body);
    if (!body.success) {
      logger.info({ agentId: agent.agentId, reason: problemOf(body.error) }, 'malformed supervisor action');
      sendError(res, 400, 'BadRequest', `The action could not be read: ${problemOf(body.error)}.`);
      return;
    }
    await ensureAgent(ports, agent.agentId, agent.name);
    try {
      sendJson(res, 200, await runSupervisorAction(ports, agent.agentId, body.data));
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      const { verb, workItemId } = body.data;
      logger.info(
        { supervisorId: agent.agentId, verb, workItemId, reason: refusal.code },
        'supervisor action refused',
      );
      const { status, ...answer } = refusal;
      sendJson(res, status, answer);
    }
  };
}

export function registerSupervisorApi(
  server: restify.Server,
  options: { readonly ports: SupervisionPorts; readonly withAgent: WithAgent; readonly logger: Logger },
): void {
  const { ports, withAgent } = options;
  const logger = options.logger.child({ component: 'supervisor-api' });
  server.get(SUPERVISOR_API.floor, withAgent(floorRoute(ports, logger)));
  server.post(SUPERVISOR_API.actions, withAgent(actionRoute(ports, logger)));
}
