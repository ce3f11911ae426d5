import {
  closeSession,
  findSession,
  focusSession,
  openSession,
  type AgentSessions,
} from '../domain/agent-sessions';
import { DomainError } from '../domain/errors';
import { NotMonitoringError, requireSupervisable, type SupervisingRole } from '../domain/supervising';
import type { WorkItemState } from '../domain/work-item';
import { NoLongerAvailableError } from './action-guards';
import { lockAgents, refreshPanel, updateAgent } from './agents';
import { tellSupervisorLeft } from './monitor-sessions';
import { conversationSession } from './claims';
import { customerWording } from './customer-wording';
import type { DeskPorts } from './desk-context';
import type { WorkItemDocument } from './documents';
import { requireSupervisor, staffName } from './supervision';
import { notice } from './view-builders';

/** What monitoring reads and writes: the supervisor's panel, the conversation, and who is told of a Join. */
export type MonitorPorts = Pick<
  DeskPorts,
  'agentRecords' | 'workItems' | 'notifier' | 'settings' | 'clock' | 'logger' | 'unitOfWork'
>;

export interface MonitorOutcome {
  readonly workItemId: string;
  readonly title: string;
  readonly state: WorkItemState;
  readonly role: SupervisingRole;
  /** False when the supervisor already had it so (a second press changes nothing and tells nobody). */
  readonly changed: boolean;
}

/** The supervisor consults on the conversation already: a consult and a monitor are not one session. */
export class ConsultingAlreadyError extends DomainError {
  readonly code = 'consulting-already';

  constructor() {
    super('You are consulting on this conversation: leave the consult before monitoring it.');
  }
}

/**
 * The supervisor's panel with the conversation open as `role`, focused: a history view of it is replaced, a
 * monitoring session becomes a joined one; never a session that takes capacity.
 */
function withSupervisingSession(
  panel: AgentSessions,
  doc: WorkItemDocument,
  role: SupervisingRole,
  limits: { maxSessions: number; now: number },
): AgentSessions {
  const id = doc.item.id;
  const existing = findSession(panel, id);
  if (existing?.consult !== undefined) throw new ConsultingAlreadyError();
  if (existing?.supervising === role) return focusSession(panel, id);
  const base = existing ? closeSession(panel, id) : panel;
  return openSession(base, { ...conversationSession(doc, true), supervising: role }, limits);
}

/** Opens (or upgrades) the supervisor's session on a conversation, in one transaction behind their row's lock. */
async function supervise(
  deps: MonitorPorts,
  supervisorId: string,
  workItemId: string,
  role: SupervisingRole,
): Promise<{ doc: WorkItemDocument; changed: boolean }> {
  requireSupervisor(deps, supervisorId);
  const now = deps.clock.now();
  const { maxSessions } = deps.settings.workstream;
  return deps.unitOfWork.run(async () => {
    await lockAgents(deps, [supervisorId]);
    const doc = await deps.workItems.get(workItemId);
    if (!doc) throw new NoLongerAvailableError();
    requireSupervisable(doc.item, supervisorId, role === 'monitoring' ? 'monitor' : 'join');
    let changed = false;
    const supervisor = await updateAgent(deps, supervisorId, (current) => {
      const had = findSession(current.panel, workItemId)?.supervising;
      // Joined already: a Monitor press leaves it joined.
      const wanted = had === 'joined' ? 'joined' : role;
      changed = had !== wanted;
      return {
        ...current,
        panel: withSupervisingSession(current.panel, doc, wanted, { maxSessions, now }),
      };
    });
    await refreshPanel(deps, supervisor);
    return { doc, changed };
  });
}

/**
 * Monitor: the conversation opens read-only on the supervisor's panel and follows it live (Active, Waiting or in
 * wrap-up). Nobody is told: the agent's consultants never list it, and it takes neither capacity nor a consult's
 * place. It lasts until the supervisor stops it or the conversation closes.
 */
export async function monitor(
  deps: MonitorPorts,
  supervisorId: string,
  workItemId: string,
): Promise<MonitorOutcome> {
  const { doc, changed } = await supervise(deps, supervisorId, workItemId, 'monitoring');
  const { item } = doc;
  deps.logger.info(
    { supervisorId, workItemId, state: item.state, agentId: item.assignedAgentId, changed },
    'conversation monitored by a supervisor',
  );
  return { workItemId, title: item.title, state: item.state, role: 'monitoring', changed };
}

/**
 * Join: the supervisor may write to the customer of an Active conversation (their replies signed with their name);
 * the agent and the customer are told "<name> (supervisor) joined the conversation.", once.
 */
export async function join(
  deps: MonitorPorts,
  supervisorId: string,
  workItemId: string,
): Promise<MonitorOutcome> {
  const { doc, changed } = await supervise(deps, supervisorId, workItemId, 'joined');
  const { item } = doc;
  deps.logger.info(
    { supervisorId, workItemId, agentId: item.assignedAgentId, changed },
    'conversation joined by a supervisor',
  );
  if (changed) {
    const name = await staffName(deps, supervisorId);
    const said = customerWording.supervisorJoined(name);
    if (item.customerLeftAt === undefined)
      await deps.notifier.toCustomer(item.customerId, said, { kind: 'joined', agentName: name });
    const agentId = item.assignedAgentId;
    if (agentId !== undefined) {
      await deps.notifier.toAgent(agentId, notice(`${item.title}: ${name} joined`, said, 'attention'));
      await deps.notifier.agentChanged?.(agentId);
    }
  }
  return { workItemId, title: item.title, state: item.state, role: 'joined', changed };
}

/** Stop monitoring: the supervisor's session on it closes; the agent hears of it only if the supervisor had joined. */
export async function stopMonitoring(
  deps: MonitorPorts,
  supervisorId: string,
  workItemId: string,
): Promise<MonitorOutcome> {
  requireSupervisor(deps, supervisorId);
  const { doc, role } = await deps.unitOfWork.run(async () => {
    // Behind the supervisor's row lock: of two Stops at once, the second reads the session gone (409).
    await lockAgents(deps, [supervisorId]);
    const before = await deps.agentRecords.get(supervisorId);
    const had = before && findSession(before.panel, workItemId)?.supervising;
    if (!had) throw new NotMonitoringError();
    const supervisor = await updateAgent(deps, supervisorId, (current) =>
      findSession(current.panel, workItemId)?.supervising !== undefined
        ? { ...current, panel: closeSession(current.panel, workItemId) }
        : current,
    );
    await refreshPanel(deps, supervisor);
    return { doc: await deps.workItems.get(workItemId), role: had };
  });
  deps.logger.info({ supervisorId, workItemId, role }, 'supervisor stopped monitoring');
  const item = doc?.item;
  if (role === 'joined') await tellSupervisorLeft(deps, await staffName(deps, supervisorId), workItemId);
  return {
    workItemId,
    title: item?.title ?? workItemId,
    state: item?.state ?? 'closed',
    role,
    changed: true,
  };
}
