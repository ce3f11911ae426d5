import type { AgentIdentity } from '../domain/agent-directory';
import type { AgentName } from './list-schemas';

/** The Microsoft 365 Agents Playground's default user (aadObjectId, then id), so `npm start` + Playground need no edits. */
export const PLAYGROUND_AGENT_IDS: readonly string[] = ['00000000-0000-0000-0000-0000000000020', 'user-id-0'];

/** That user as one agent: both ids are theirs (the tab at /tab?agent=user-id-0 is the Playground's Alex). */
export const PLAYGROUND_AGENT: AgentIdentity = {
  id: '00000000-0000-0000-0000-0000000000020',
  aliases: ['user-id-0'],
  name: 'Alex Agent',
};

/** The agents with the names AGENT_NAMES gives them, and the ids it names that no agent has. */
export function withNames(
  agents: readonly AgentIdentity[],
  names: readonly AgentName[],
): { agents: AgentIdentity[]; unknown: string[] } {
  const unknown: string[] = [];
  const byAgent = new Map<string, string>();
  for (const { id, name } of names) {
    const agent = agents.find((candidate) => candidate.id === id || candidate.aliases.includes(id));
    if (agent) byAgent.set(agent.id, name);
    else unknown.push(id);
  }
  return {
    agents: agents.map((agent) => {
      const name = byAgent.get(agent.id);
      return name ? { ...agent, name } : agent;
    }),
    unknown,
  };
}
