import { HOME_SESSION_ID, togglePanelMode } from '../domain/agent-sessions';
import { SessionNotFoundError } from '../domain/errors';
import { SELECTABLE_PRESENCE, isPresenceStatus } from '../domain/presence';
import { guarded, threshold, type ActionPorts } from './action-guards';
import { ensureAgent, refreshPanel, updateAgent } from './agents';
import type { DeskPorts } from './desk-context';
import { dispatchOffers, type OfferPorts } from './offers';
import { dashboardView, notice, panelView } from './view-builders';
import type { AgentView } from './views';
import { readWorkItemIndex } from './work-item-index';

export async function showPanel(
  deps: ActionPorts & Pick<DeskPorts, 'notifier'>,
  agentId: string,
  name?: string,
): Promise<AgentView> {
  const agent = await ensureAgent(deps, agentId, name);
  await refreshPanel(deps, agent);
  return panelView(agent, threshold(deps));
}

export async function showDashboard(
  deps: Pick<DeskPorts, 'workItems' | 'settings'>,
  agentId: string,
): Promise<AgentView> {
  return dashboardView(await readWorkItemIndex(deps), agentId);
}

export function togglePanel(
  deps: ActionPorts & Pick<DeskPorts, 'notifier'>,
  agentId: string,
): Promise<AgentView> {
  return guarded(deps, { agentId, action: 'togglePanel' }, async () => {
    await ensureAgent(deps, agentId);
    const agent = await updateAgent(deps, agentId, (current) => ({
      ...current,
      panel: togglePanelMode(current.panel),
    }));
    await refreshPanel(deps, agent);
    return panelView(agent, threshold(deps));
  });
}

export function setPresence(deps: OfferPorts, agentId: string, status: unknown): Promise<AgentView> {
  return guarded(deps, { agentId, action: 'presence', status }, async () => {
    if (!isPresenceStatus(status) || !SELECTABLE_PRESENCE.includes(status)) {
      return notice('Unknown presence', `Choose one of: ${SELECTABLE_PRESENCE.join(', ')}.`, 'warning');
    }
    await ensureAgent(deps, agentId);
    // The agent's own choice is kept as is; the capacity rule applies again at the next session start or end.
    const agent = await deps.agentRecords.update(agentId, (current) =>
      current ? { ...current, presence: status } : current,
    );
    if (!agent) throw new SessionNotFoundError(HOME_SESSION_ID);
    deps.logger.info({ agentId, presence: status }, 'presence set');
    await refreshPanel(deps, agent);
    await dispatchOffers(deps);
    return panelView(agent, threshold(deps));
  });
}
