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

/**
 * The desk's staff: the agents, then each supervisor who is not one of them (known by their own ids, taking no
 * work); with the supervisors' keys, and the SUPERVISOR_IDS entries that name two different agents.
 */
export function withSupervisors(
  agents: readonly AgentIdentity[],
  supervisors: readonly AgentIdentity[],
): { staff: AgentIdentity[]; supervisorIds: string[]; ambiguous: string[] } {
  const staff = [...agents];
  const supervisorIds: string[] = [];
  const ambiguous: string[] = [];
  for (const supervisor of supervisors) {
    const ids = [supervisor.id, ...supervisor.aliases];
    const matches = agents.filter((agent) => ids.some((id) => id === agent.id || agent.aliases.includes(id)));
    if (matches.length > 1) ambiguous.push(ids.join('|'));
    const agent = matches[0];
    if (agent) {
      if (!supervisorIds.includes(agent.id)) supervisorIds.push(agent.id);
    } else {
      staff.push(supervisor);
      supervisorIds.push(supervisor.id);
    }
  }
  return { staff, supervisorIds, ambiguous };
}

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
