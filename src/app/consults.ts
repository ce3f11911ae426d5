import {
  closeSession,
  findSession,
  restoreSession,
  setConsultRole,
  type AgentSessions,
} from '../domain/agent-sessions';
import {
  MAX_CONSULTANTS,
  NotConsultantError,
  addToConversation,
  canConsult,
  inviteConsultant,
  removeConsultant,
  type Consultant,
} from '../domain/consult';
import { DomainError } from '../domain/errors';
import { PRESENCE_LABELS } from '../domain/presence';
import { NoLongerAvailableError, guarded, requireLiveSession } from './action-guards';
import { ensureAgent, lockAgents, refreshPanel, updateAgent } from './agents';
import { conversationSession } from './claims';
import { consultView, refuseConsultant } from './consult-thread';
import { customerWording } from './customer-wording';
import type { DeskPorts } from './desk-context';
import type { AgentDocument, WorkItemDocument } from './documents';
import { ownedConversation, type TransferPorts } from './transfers';
import { notice } from './view-builders';
import type { AgentView, ConsultPickerView, ConsultTarget } from './views';

/** What consulting reads and writes: the transfer's ports (agents, items, locks) and the consults. */
export type ConsultPorts = TransferPorts & Pick<DeskPorts, 'consults'>;

export class ConsultTargetFullError extends DomainError {
  readonly code = 'consult-target-full';

  constructor(readonly targetName: string) {
    super(`${targetName} has no free session slot: ask someone else, or ask them to close a session.`);
  }
}

/** The agent's own Active conversation to consult on; a consultant is refused as such (`action` says what). */
async function ownedForConsult(
  deps: ConsultPorts,
  agent: AgentDocument,
  sessionId: string,
  action: string,
): Promise<WorkItemDocument> {
  refuseConsultant(agent, sessionId, action);
  return ownedConversation(deps, agent, sessionId);
}

/** `consult` without an agent, `/c`, the tab's Consult button: who can be asked. */
export function consultPicker(deps: ConsultPorts, agentId: string, sessionId: string): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'consult' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    const doc = await ownedForConsult(deps, agent, sessionId, 'invite colleagues');
    return consultPickerView(deps, agentId, doc);
  });
}

export async function consultPickerView(
  deps: ConsultPorts,
  agentId: string,
  doc: WorkItemDocument,
): Promise<ConsultPickerView> {
  const ids = await deps.agents();
  const [records, consultants] = await Promise.all([
    deps.agentRecords.getMany(ids),
    deps.consults.of(doc.item.id),
  ]);
  const consulting = new Set(consultants.map((consultant) => consultant.agentId));
  const targets = ids
    .flatMap((id): ConsultTarget[] => {
      const agent = records.get(id);
      if (!agent || id === agentId || consulting.has(id) || !canConsult(agent.presence)) return [];
      const { presence, name } = agent;
      return [{ agentId: id, name, presence, presenceLabel: PRESENCE_LABELS[presence] }];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    kind: 'consult-picker',
    sessionId: doc.item.id,
    title: doc.item.title,
    targets,
    room: Math.max(0, MAX_CONSULTANTS - consultants.length),
  };
}

/** The consultant's session: read-only (no capacity), not focused, replacing a history view of the same item. */
function withConsultSession(
  panel: AgentSessions,
  doc: WorkItemDocument,
  limits: { maxSessions: number; now: number },
): AgentSessions {
  const existing = findSession(panel, doc.item.id);
  const base = existing && existing.consult === undefined ? closeSession(panel, doc.item.id) : panel;
  return restoreSession(base, { ...conversationSession(doc, true), consult: 'watching' }, limits);
}

/** `consult` {sessionId, agentId}: a colleague is asked to consult; the conversation stays the agent's. */
export function consult(
  deps: ConsultPorts,
  agentId: string,
  sessionId: string,
  toAgentId: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, toAgentId, action: 'consult' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    const before = await ownedForConsult(deps, agent, sessionId, 'invite colleagues');
    const now = deps.clock.now();
    const { maxSessions } = deps.settings.workstream;
    const { doc, target } = await deps.unitOfWork.run(async () => {
      await lockAgents(deps, [agent.id, toAgentId]);
      const consultants = await deps.consults.of(before.item.id);
      const known = (await deps.agents()).includes(toAgentId);
      const found = known ? await deps.agentRecords.get(toAgentId) : undefined;
      const changed = await deps.workItems.update(before.item.id, (current) => {
        if (!current) throw new NoLongerAvailableError();
        const item = inviteConsultant(current.item, {
          fromAgentId: agent.id,
          toAgentId,
          toPresence: found?.presence,
          consultants,
        });
        return { ...current, item };
      });
      if (!changed || !found) throw new NoLongerAvailableError();
      if (found.panel.sessions.length >= maxSessions && !findSession(found.panel, changed.item.id))
        throw new ConsultTargetFullError(found.name);
      const consultant: Consultant = { agentId: toAgentId, name: found.name, invitedAt: now, added: false };
      await deps.consults.put(changed.item.id, consultant);
      const opened = await updateAgent(deps, toAgentId, (current) => ({
        ...current,
        panel: withConsultSession(current.panel, changed, { maxSessions, now }),
      }));
      await refreshPanel(deps, opened, `${agent.name} asks for your help with ${changed.item.title}.`);
      return { doc: changed, target: opened };
    });
    deps.logger.info({ workItemId: doc.item.id, agentId, toAgentId }, 'consult started');
    const invite = `${agent.name} asks for your help with ${doc.item.title}.`;
    await deps.notifier.toAgent(target.id, await consultView(deps, doc, target.id, invite));
    await deps.notifier.agentChanged?.(agentId);
    return consultView(deps, doc, agentId, `${target.name} is consulting on ${doc.item.title}.`);
  });
}

/** `consultAdd` {sessionId, agentId}: the consultant may write to the customer too, who is told they joined. */
export function consultAdd(
  deps: ConsultPorts,
  agentId: string,
  sessionId: string,
  consultantId: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, consultantId, action: 'consultAdd' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    await ownedForConsult(deps, agent, sessionId, 'add a consultant to the conversation');
    const { doc, consultant, fresh } = await deps.unitOfWork.run(async () => {
      await lockAgents(deps, [agent.id, consultantId]);
      const current = await deps.workItems.get(sessionId);
      if (!current) throw new NoLongerAvailableError();
      const consultants = await deps.consults.of(sessionId);
      const added = addToConversation(current.item, agent.id, consultants, consultantId);
      const was = consultants.find((c) => c.agentId === consultantId)?.added === true;
      if (!was) {
        await deps.consults.put(sessionId, added);
        const marked = await updateAgent(deps, consultantId, (record) => ({
          ...record,
          panel: setConsultRole(record.panel, sessionId, 'added'),
        }));
        await refreshPanel(deps, marked);
      }
      return { doc: current, consultant: added, fresh: !was };
    });
    if (fresh) {
      deps.logger.info({ workItemId: sessionId, agentId, consultantId }, 'consultant added');
      await deps.notifier.toCustomer(doc.item.customerId, customerWording.consultantJoined(consultant.name), {
        kind: 'joined',
        agentName: consultant.name,
      });
      const headline = `${agent.name} added you to the conversation: your replies now reach ${doc.item.title}, signed with your name.`;
      await deps.notifier.toAgent(consultantId, await consultView(deps, doc, consultantId, headline));
    }
    return consultView(deps, doc, agentId, `${consultant.name} joined the conversation.`);
  });
}

/**
 * `consultLeave` {sessionId}: the consultant leaves. `consultLeave` {sessionId, agentId}: the conversation's agent
 * removes that consultant (a consultant naming themselves just leaves). Either way their consult session closes.
 */
export function consultLeave(
  deps: ConsultPorts,
  agentId: string,
  sessionId: string,
  consultantId?: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, consultantId, action: 'consultLeave' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    const leaving = consultantId ?? agentId;
    const self = leaving === agentId;
    if (self) {
      const session = await requireLiveSession(deps, agent, sessionId);
      if (session.consult === undefined) throw new NotConsultantError(agentId);
    } else {
      await ownedForConsult(deps, agent, sessionId, 'remove a consultant');
    }
    const { doc, gone } = await deps.unitOfWork.run(async () => {
      const consultants = await deps.consults.of(sessionId);
      const changed = await deps.workItems.update(sessionId, (current) => {
        if (!current) throw new NoLongerAvailableError();
        return {
          ...current,
          item: removeConsultant(current.item, { byAgentId: agentId, agentId: leaving, consultants }),
        };
      });
      if (!changed) throw new NoLongerAvailableError();
      await deps.consults.remove(sessionId, leaving);
      const left = await updateAgent(deps, leaving, (current) =>
        findSession(current.panel, sessionId)?.consult !== undefined
          ? { ...current, panel: closeSession(current.panel, sessionId) }
          : current,
      );
      return { doc: changed, gone: left };
    });
    deps.logger.info({ workItemId: sessionId, agentId, consultantId: leaving }, 'consult left');
    const title = doc.item.title;
    await refreshPanel(deps, gone, self ? undefined : `${agent.name} ended your consult on ${title}.`);
    const ownerId = doc.item.assignedAgentId;
    if (self && ownerId !== undefined) {
      await deps.notifier.toAgent(
        ownerId,
        await consultView(deps, doc, ownerId, `${gone.name} left the consult.`),
      );
      await deps.notifier.agentChanged?.(ownerId);
    }
    if (self) return notice('You left the consult', `${title} is no longer on your panel.`, 'good');
    return consultView(deps, doc, agentId, `${gone.name} no longer consults on ${title}.`);
  });
}
