import { displayName } from '../domain/agent-directory';
import { emptyAgentSessions, usedCapacityUnits } from '../domain/agent-sessions';
import { presenceAfterCapacityChange } from '../domain/presence';
import type { DeskContext } from './desk-context';
import { keys } from './documents';
import type { AgentDocument } from './documents';
import { panelView } from './view-builders';

/**
 * Every write of an agent document goes through here: `change` (pure, run again on each eTag conflict) returns
 * the document unchanged to write nothing, or a new one, which gets the next revision.
 */
export function writeAgent(
  ctx: DeskContext,
  agentId: string,
  change: (current: AgentDocument | undefined) => AgentDocument | undefined,
): Promise<AgentDocument | undefined> {
  return ctx.store.update<AgentDocument>(keys.agent(agentId), (current) => {
    const next = change(current);
    return next === current || next === undefined
      ? next
      : { ...next, revision: (current?.revision ?? 0) + 1 };
  });
}

/** The revision a panel card rendered from this document shows. */
export function panelVersion(agent: AgentDocument): number {
  return agent.revision ?? 0;
}

/** The agent's document, created on first contact; an agent is Available from then on. */
export async function ensureAgent(ctx: DeskContext, agentId: string, name?: string): Promise<AgentDocument> {
  const now = ctx.clock.now();
  const configured = ctx.settings.agentNames?.get(agentId);
  const agent = await writeAgent(ctx, agentId, (current) => {
    // A name Teams or a sign-in gives wins; else the stored one; never an id, which customers would read.
    const best = displayName(name || current?.name, {
      id: agentId,
      ...(configured ? { name: configured } : {}),
    });
    if (current) return best !== current.name ? { ...current, name: best } : current;
    return {
      id: agentId,
      name: best,
      presence: 'available',
      panel: emptyAgentSessions(),
      firstSeenAt: now,
    };
  });
  if (!agent) throw new Error(`The agent document for ${agentId} was not written.`);
  return agent;
}

/**
 * Changes an agent's document and re-applies the capacity rule to their presence.
 * `change` may throw a domain error to refuse; it runs again on every eTag conflict, so it must be pure.
 */
export async function updateAgent(
  ctx: DeskContext,
  agentId: string,
  change: (agent: AgentDocument) => AgentDocument,
): Promise<AgentDocument> {
  const { capacityUnitsPerConversation, agentCapacityUnits } = ctx.settings.workstream;
  const updated = await writeAgent(ctx, agentId, (current) => {
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
 * Re-sends the agent's panel card, updated in place. It carries the document's revision: a render from an
 * older revision that reaches the outbox after a newer one is dropped there, so the card never goes back.
 */
export async function refreshPanel(ctx: DeskContext, agent: AgentDocument, notice?: string): Promise<void> {
  await ctx.notifier.toAgent(agent.id, panelView(agent, ctx.settings.workstream.sentimentThreshold, notice), {
    slot: 'panel',
    version: panelVersion(agent),
  });
}
