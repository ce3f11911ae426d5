import { OverCapacityError } from '../domain/assign';
import { DomainError } from '../domain/errors';
import { NoLongerAvailableError } from './action-guards';
import {
  NotSupervisorError,
  forceClose,
  isSupervisor,
  readFloor,
  staffName,
  type SupervisionPorts,
} from './supervision';
import { assignToAgent, type AssignRequest } from './supervisor-assign';
import { join, monitor, stopMonitoring } from './supervisor-monitor';
import { notice } from './view-builders';
import type { AgentView, FloorCardView, NoticeView } from './views';

/**
 * The supervisor's floor in chat: the `floor` command's card and the actions on it (Monitor, Join, Stop monitoring,
 * Assign, Force close), each through the same use case as the tab's Floor, so the rules are the same. Anyone who
 * is not a supervisor is refused before anything is read or changed, and the refusal is logged with its ids.
 */

/** Active conversations the card lists with their actions, the longest Active first: the card stays small. */
export const FLOOR_CARD_ACTIVE_ROWS = 5;

/** An Assign pressed before an agent was chosen on the card. */
export const CHOOSE_AGENT = 'Choose an agent in “Agent for Assign”, then press Assign on the conversation.';

type FloorExtras = Pick<FloorCardView, 'notice' | 'confirm'>;

/** What a refused action on a conversation is named by in the log. */
interface ChatAction {
  readonly verb: 'floor' | 'monitor' | 'join' | 'stopMonitor' | 'assign' | 'forceClose';
  readonly workItemId?: string;
}

function notSupervisor(deps: SupervisionPorts, agentId: string, action: ChatAction): NoticeView {
  const { verb, workItemId } = action;
  deps.logger.info(
    { agentId, action: verb, ...(workItemId !== undefined ? { workItemId } : {}), reason: 'not-supervisor' },
    'agent action refused',
  );
  return notice('For supervisors', new NotSupervisorError().message, 'warning');
}

/** `floor` typed in chat (or Refresh): the counts, the longest waits, the longest Active and the staff. */
export async function floorCard(
  deps: SupervisionPorts,
  agentId: string,
  extras: FloorExtras = {},
): Promise<AgentView> {
  if (!isSupervisor(deps, agentId)) return notSupervisor(deps, agentId, { verb: 'floor' });
  const floor = await readFloor(deps, agentId);
  return {
    kind: 'floor',
    counts: floor.counts,
    longestWaits: floor.longestWaits,
    agents: floor.agents,
    csatToday: floor.csatToday,
    active: floor.conversations.filter((row) => row.state === 'active').slice(0, FLOOR_CARD_ACTIVE_ROWS),
    ...extras,
  };
}

function said(text: string): FloorExtras {
  return { notice: { text, tone: 'good' } };
}

/** A refusal in the use case's words; a conversation gone is said as the tab says it. */
function refusedText(error: DomainError): string {
  return error instanceof NoLongerAvailableError
    ? 'That conversation is closed already, or there is none with that id.'
    : error.message;
}

/**
 * Runs a supervisor's action from the floor card; the answer is the floor read again with a line on what happened.
 * A domain refusal (stale, not allowed now) changes nothing, is logged, and is that line; `asked` turns one refusal
 * into a question instead (Assign over capacity).
 */
async function onFloor(
  deps: SupervisionPorts,
  agentId: string,
  action: ChatAction,
  run: () => Promise<FloorExtras>,
  asked?: (error: DomainError) => Promise<FloorExtras | undefined>,
): Promise<AgentView> {
  if (!isSupervisor(deps, agentId)) return notSupervisor(deps, agentId, action);
  let extras: FloorExtras;
  try {
    extras = await run();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const { verb, workItemId } = action;
    deps.logger.info(
      { supervisorId: agentId, verb, workItemId, reason: error.code, from: 'chat' },
      'supervisor action refused',
    );
    extras = (await asked?.(error)) ?? { notice: { text: refusedText(error), tone: 'attention' } };
  }
  return floorCard(deps, agentId, extras);
}

/** Monitor or Join from the floor card: the conversation opens on the supervisor's panel, as from the tab. */
export function superviseFromChat(
  deps: SupervisionPorts,
  agentId: string,
  workItemId: string,
  verb: 'monitor' | 'join',
): Promise<AgentView> {
  return onFloor(deps, agentId, { verb, workItemId }, async () => {
    if (verb === 'monitor') {
      const { title } = await monitor(deps, agentId, workItemId);
      return said(`You are monitoring ${title}: it is open on your panel, read-only, and nobody is told.`);
    }
    const { title } = await join(deps, agentId, workItemId);
    return said(`You joined ${title}: it is open on your panel, and your replies reach the customer.`);
  });
}

/** Stop monitoring: the supervisor's session on the conversation closes (a joined supervisor's leaving is said). */
export function stopMonitoringFromChat(
  deps: SupervisionPorts,
  agentId: string,
  workItemId: string,
): Promise<AgentView> {
  return onFloor(deps, agentId, { verb: 'stopMonitor', workItemId }, async () => {
    const { title } = await stopMonitoring(deps, agentId, workItemId);
    return said(`You stopped monitoring ${title}.`);
  });
}

/** Assign from the floor card: an offer to the agent chosen; over their capacity the card asks first, saying by how much. */
export function assignFromChat(
  deps: SupervisionPorts,
  agentId: string,
  request: Omit<AssignRequest, 'agentId'> & { readonly agentId?: string },
): Promise<AgentView> {
  const { workItemId, agentId: toAgentId } = request;
  const run = async (): Promise<FloorExtras> => {
    if (toAgentId === undefined) return { notice: { text: CHOOSE_AGENT, tone: 'warning' } };
    const assigned = await assignToAgent(deps, agentId, { ...request, agentId: toAgentId });
    const over = assigned.overCapacity ? ', over their capacity' : '';
    return said(`${assigned.title} offered to ${assigned.agentName}${over}.`);
  };
  const asked = async (error: DomainError): Promise<FloorExtras | undefined> => {
    if (!(error instanceof OverCapacityError) || toAgentId === undefined) return undefined;
    const title = (await deps.workItems.get(workItemId))?.item.title ?? workItemId;
    const { agentName } = error;
    return {
      confirm: {
        kind: 'assign',
        workItemId,
        title,
        agentId: toAgentId,
        agentName,
        text: error.message,
      },
    };
  };
  return onFloor(deps, agentId, { verb: 'assign', workItemId }, run, asked);
}

/** Force close from the floor card: asks first; `confirmed` closes it, and the customer and the agent are told. */
export function forceCloseFromChat(
  deps: SupervisionPorts,
  agentId: string,
  workItemId: string,
  confirmed: boolean,
): Promise<AgentView> {
  return onFloor(deps, agentId, { verb: 'forceClose', workItemId }, async () => {
    if (confirmed) {
      const closed = await forceClose(deps, agentId, workItemId);
      return said(`${closed.title} is closed; the customer was told.`);
    }
    const doc = await deps.workItems.get(workItemId);
    if (!doc || doc.item.state === 'closed') throw new NoLongerAvailableError();
    const heldBy = doc.item.assignedAgentId;
    const agentName = heldBy !== undefined ? await staffName(deps, heldBy) : undefined;
    return {
      confirm: {
        kind: 'forceClose',
        workItemId,
        title: doc.item.title,
        ...(agentName !== undefined ? { agentName } : {}),
      },
    };
  });
}
