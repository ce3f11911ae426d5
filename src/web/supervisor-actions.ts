import { z } from 'zod';
import { NoLongerAvailableError } from '../app/action-guards';
import type { SupervisionPorts } from '../app/supervision';
import { forceClose } from '../app/supervision';
import { assignToAgent, type AssignOutcome } from '../app/supervisor-assign';
import { join, monitor, stopMonitoring, type MonitorOutcome } from '../app/supervisor-monitor';
import { supervisorTransfer, type SupervisorTransferOutcome } from '../app/supervisor-transfer';
import { MAX_ID_CHARS } from '../cards/verb-table';
import { OverCapacityError } from '../domain/assign';
import { DomainError } from '../domain/errors';
import type { LiveState } from '../domain/floor';

/**
 * The verbs of POST /api/supervisor/actions and what each answers (200). A refusal is 409 with `{code, message}`
 * (an Assign over capacity adds `overCapacity`, for the tab's confirmation); a malformed body is 400.
 *
 *   { verb: "forceClose", workItemId }                                     → ForceCloseResponse
 *   { verb: "monitor" | "join" | "stopMonitor", workItemId }               → MonitorResponse
 *   { verb: "assign", workItemId, agentId, overCapacity? }                 → AssignResponse
 *   { verb: "transfer", workItemId, toAgentId } | { …, toQueue: true }    → TransferResponse
 */
const id = z.string().trim().min(1, { error: 'must be a non-empty string' }).max(MAX_ID_CHARS);

export const supervisorActionBody = z
  .discriminatedUnion('verb', [
    z.strictObject({ verb: z.literal('forceClose'), workItemId: id }),
    z.strictObject({ verb: z.literal('monitor'), workItemId: id }),
    z.strictObject({ verb: z.literal('stopMonitor'), workItemId: id }),
    z.strictObject({ verb: z.literal('join'), workItemId: id }),
    z.strictObject({
      verb: z.literal('assign'),
      workItemId: id,
      agentId: id,
      overCapacity: z.boolean().optional(),
    }),
    z.strictObject({
      verb: z.literal('transfer'),
      workItemId: id,
      toAgentId: id.optional(),
      toQueue: z.literal(true).optional(),
    }),
  ])
  .refine(
    (action) =>
      action.verb !== 'transfer' || (action.toAgentId === undefined) !== (action.toQueue === undefined),
    { error: 'a transfer names either "toAgentId" or "toQueue": true', path: ['toAgentId'] },
  );

export type SupervisorAction = z.infer<typeof supervisorActionBody>;

export interface ForceCloseResponse {
  readonly workItemId: string;
  readonly title: string;
  /** The state it was closed from. */
  readonly closedFrom: LiveState;
}

export type MonitorResponse = MonitorOutcome;
export type AssignResponse = AssignOutcome;
export type TransferResponse = SupervisorTransferOutcome;
export type SupervisorActionResponse =
  ForceCloseResponse | MonitorResponse | AssignResponse | TransferResponse;

/** A refusal as the API answers it: the status, and the body (`overCapacity` for an Assign to confirm). */
export interface ActionRefusal {
  readonly status: 409;
  readonly code: string;
  readonly message: string;
  readonly overCapacity?: {
    readonly conversations: number;
    readonly capacity: number;
    readonly making: number;
  };
}

/** Runs the verb for the supervisor; the use cases check that they are one again, and log what they did. */
export async function runSupervisorAction(
  ports: SupervisionPorts,
  supervisorId: string,
  action: SupervisorAction,
): Promise<SupervisorActionResponse> {
  const { workItemId } = action;
  switch (action.verb) {
    case 'forceClose': {
      const closed = await forceClose(ports, supervisorId, workItemId);
      return { workItemId, title: closed.title, closedFrom: closed.state };
    }
    case 'monitor':
      return monitor(ports, supervisorId, workItemId);
    case 'join':
      return join(ports, supervisorId, workItemId);
    case 'stopMonitor':
      return stopMonitoring(ports, supervisorId, workItemId);
    case 'assign':
      return assignToAgent(ports, supervisorId, {
        workItemId,
        agentId: action.agentId,
        ...(action.overCapacity !== undefined ? { overCapacity: action.overCapacity } : {}),
      });
    case 'transfer':
      return supervisorTransfer(
        ports,
        supervisorId,
        workItemId,
        action.toAgentId !== undefined ? { toAgentId: action.toAgentId } : { toQueue: true },
      );
  }
}

/** A domain refusal as a 409 the tab can show; anything else is not a refusal (undefined). */
export function refusalOf(error: unknown): ActionRefusal | undefined {
  if (error instanceof NoLongerAvailableError) {
    return {
      status: 409,
      code: error.code,
      message: 'That conversation is closed already, or there is none with that id.',
    };
  }
  if (!(error instanceof DomainError)) return undefined;
  const base = { status: 409 as const, code: error.code, message: error.message };
  if (!(error instanceof OverCapacityError)) return base;
  const { conversations, capacity } = error;
  return { ...base, overCapacity: { conversations, capacity, making: conversations + 1 } };
}
