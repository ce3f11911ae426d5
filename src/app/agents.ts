import { displayName } from '../domain/agent-directory';
import { emptyAgentSessions, usedCapacityUnits } from '../domain/agent-sessions';
import { presenceAfterCapacityChange } from '../domain/presence';
import { PANEL_CARD, type DeskPorts } from './desk-context';
import type { AgentDocument } from './documents';
import type { PanelView } from './views';
import { panelView } from './view-builders';

/** The revision a panel card rendered from this agent shows. */
export function panelVersion(agent: AgentDocument): number {
  return agent.revision ?? 0;
}

/** What the edge needs to know of an agent: their name and focused session, or undefined before first contact. */
export interface AgentStatus {
  readonly name: string;
  readonly focusedSessionId: string;
}

export async function agentStatus(
  deps: Pick<DeskPorts, 'agentRecords'>,
  agentId: string,
): Promise<AgentStatus | undefined> {
  const agent = await deps.agentRecords.get(agentId);
  return agent && { name: agent.name, focusedSessionId: agent.panel.focusedSessionId };
}

export type EnsureAgentPorts = Pick<DeskPorts, 'agentRecords' | 'clock' | 'settings'>;

/**
 * The agent, created on first contact; an agent is Available from then on. Keeps their display name current and
 * sends nothing.
 */
export async function ensureAgent(
  deps: EnsureAgentPorts,
  agentId: string,
  name?: string,
): Promise<AgentDocument> {
  const now = deps.clock.now();
  const configured = deps.settings.agentNames?.get(agentId);
  // A name Teams or a sign-in gives wins; else the stored one; never an id, which customers would read.
  const bestName = (current: AgentDocument | undefined) =>
    displayName(name || current?.name, { id: agentId, ...(configured ? { name: configured } : {}) });
  // Nearly every action starts here and finds the agent as they are: a read, no write transaction.
  const known = await deps.agentRecords.get(agentId);
  if (known && bestName(known) === known.name) return known;
  const agent = await deps.agentRecords.update(agentId, (current) => {
    const best = bestName(current);
    if (current) return best !== current.name ? { ...current, name: best } : current;
    return {
      id: agentId,
      name: best,
      presence: 'available',
      panel: emptyAgentSessions(),
      firstSeenAt: now,
    };
  });
  if (!agent) throw new Error(`Agent ${agentId} was not written.`);
  return agent;
}

/**
 * Changes an agent and re-applies the capacity rule to their presence.
 * `change` may throw a domain error to refuse; it runs again on every write conflict, so it must be pure.
 */
export async function updateAgent(
  deps: Pick<DeskPorts, 'agentRecords' | 'settings'>,
  agentId: string,
  change: (agent: AgentDocument) => AgentDocument,
): Promise<AgentDocument> {
  const { capacityUnitsPerConversation, agentCapacityUnits } = deps.settings.workstream;
  const updated = await deps.agentRecords.update(agentId, (current) => {
    if (!current) throw new Error(`Unknown agent ${agentId}.`);
    const next = change(current);
    if (next === current) return current;
    const presence = presenceAfterCapacityChange(
      next.presence,
      usedCapacityUnits(next.panel, capacityUnitsPerConversation),
      agentCapacityUnits,
    );
    return presence === next.presence ? next : { ...next, presence };
  });
  if (!updated) throw new Error(`Unknown agent ${agentId}.`);
  return updated;
}

/**
 * Re-sends the agent's panel card, updated in place. It carries the agent's revision: a render from an
 * older revision that reaches the outbox after a newer one is dropped there, so the card never goes back.
 */
export async function refreshPanel(
  deps: Pick<DeskPorts, 'notifier' | 'settings'>,
  agent: AgentDocument,
  notice?: string,
): Promise<void> {
  await sendPanel(deps, agent, panelView(agent, deps.settings.workstream.sentimentThreshold, notice));
}

function sendPanel(deps: Pick<DeskPorts, 'notifier'>, agent: AgentDocument, view: PanelView): Promise<void> {
  return deps.notifier.toAgent(agent.id, view, { target: PANEL_CARD, version: panelVersion(agent) });
}

/**
 * Re-sends the agent's panel card only when it would show something other than `before` (the agent as they were
 * before a change): a session's sentiment can change without crossing the alert threshold, and the panel shows no
 * more than the alert.
 */
export async function refreshPanelIfShown(
  deps: Pick<DeskPorts, 'notifier' | 'settings'>,
  before: AgentDocument,
  agent: AgentDocument,
): Promise<void> {
  const threshold = deps.settings.workstream.sentimentThreshold;
  const view = panelView(agent, threshold);
  // Both views are made by panelView from the same fields, so their JSON compares them.
  if (JSON.stringify(panelView(before, threshold)) === JSON.stringify(view)) return;
  await sendPanel(deps, agent, view);
}

/** What the panel says to an agent the desk set Inactive after they let an offer time out. */
export const INACTIVE_AFTER_MISS =
  'You missed a conversation request, so your presence is now Inactive: choose a presence to get requests again.';

/**
 * An agent let an offer (or a colleague's transfer) time out: with MISSED_OFFER_INACTIVE (the default, as in
 * Omnichannel) they are set Inactive and get no offers until they choose a presence; their panel says why.
 */
export async function setInactiveAfterMiss(
  deps: Pick<DeskPorts, 'agentRecords' | 'settings' | 'notifier' | 'logger'>,
  agentId: string,
): Promise<void> {
  if (!deps.settings.workstream.missedOfferInactive) return;
  const before = await deps.agentRecords.get(agentId);
  if (!before || before.presence === 'inactive') return;
  const agent = await updateAgent(deps, agentId, (current) => ({ ...current, presence: 'inactive' }));
  deps.logger.info({ agentId, was: before.presence }, 'agent set Inactive after a missed offer');
  await refreshPanel(deps, agent, INACTIVE_AFTER_MISS);
}

/**
 * Holds the agents' rows until the transaction ends (PostgreSQL's row lock; SQLite's writer lock holds everything),
 * in one order, before any work item's: two transfers to one colleague, or a transfer and an accept, cannot both
 * count the same room, and a transfer and an End never wait on each other.
 */
export async function lockAgents(
  deps: Pick<DeskPorts, 'agentRecords'>,
  ids: readonly string[],
): Promise<void> {
  for (const id of [...new Set(ids)].sort()) await deps.agentRecords.update(id, (current) => current);
}
