import { findSession, restoreSession } from '../domain/agent-sessions';
import { MaxSessionsReachedError } from '../domain/errors';
import { conversationSentiment } from '../domain/sentiment';
import { refreshPanel, updateAgent } from './agents';
import type { DeskPorts } from './desk-context';
import type { WorkItemDocument } from './documents';
import { readWorkItemIndex } from './work-item-index';

/** How often the sweeper checks the agents' session lists against the work items. */
export const REPAIR_INTERVAL_MS = 60_000;

export interface RepairOutcome {
  /** Active conversations put back on their agent's session list. */
  readonly restored: readonly { readonly agentId: string; readonly workItemId: string }[];
}

/**
 * The work item is the source of truth for assignment. Every use case writes it first and the agent
 * after; a crash in between leaves the agent behind. This pass puts an Active conversation missing from its
 * agent's session list back, without moving the agent's focus. Each change is conditional on what it read, so
 * any number of instances may run it at once.
 */
export async function repairSessions(
  deps: Pick<DeskPorts, 'workItems' | 'agentRecords' | 'notifier' | 'clock' | 'logger' | 'settings'>,
): Promise<RepairOutcome> {
  const now = deps.clock.now();
  const active = (await readWorkItemIndex(deps)).filter((entry) => entry.state === 'active');
  const docs = await deps.workItems.getMany(active.map((entry) => entry.workItemId));
  const activeByAgent = new Map<string, WorkItemDocument[]>();
  for (const doc of docs.values()) {
    const { item } = doc;
    if (item.state === 'active' && item.assignedAgentId) {
      activeByAgent.set(item.assignedAgentId, [...(activeByAgent.get(item.assignedAgentId) ?? []), doc]);
    }
  }

  const restored: { agentId: string; workItemId: string }[] = [];
  const agents = await deps.agentRecords.getMany([...activeByAgent.keys()]);
  for (const [agentId, items] of activeByAgent) {
    const agent = agents.get(agentId);
    const missing = items.filter((doc) => agent && !findSession(agent.panel, doc.item.id));
    if (!agent || missing.length === 0) continue;
    try {
      const updated = await updateAgent(deps, agentId, (current) => ({
        ...current,
        panel: missing.reduce(
          (panel, doc) =>
            restoreSession(
              panel,
              {
                id: doc.item.id,
                kind: 'conversation',
                title: doc.item.title,
                sentiment: conversationSentiment(doc.item.sentimentScores),
              },
              { maxSessions: deps.settings.workstream.maxSessions, now },
            ),
          current.panel,
        ),
      }));
      for (const doc of missing) {
        deps.logger.warn({ agentId, workItemId: doc.item.id }, 'session restored from its work item');
        restored.push({ agentId, workItemId: doc.item.id });
      }
      await refreshPanel(deps, updated);
    } catch (error) {
      if (!(error instanceof MaxSessionsReachedError)) throw error;
      deps.logger.error(
        { agentId, workItemIds: missing.map((doc) => doc.item.id) },
        'session could not be restored: the agent has no free session slot',
      );
    }
  }
  return { restored };
}
