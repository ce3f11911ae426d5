import type { TestAgent, TestCustomer } from './activities';
import { customerIdOf, type ReliabilityScene } from './reliability-scene';

/** Where the teamwork authority scenarios start: each customer's conversation Active with its own agent. */
export interface TeamworkStart {
  /** Work item ids, in the order of the pairs. */
  readonly items: readonly string[];
  /** The stored rows a refused action must leave as they were: the agents, the items, the customers, the panels. */
  readonly guarded: readonly string[];
}

/**
 * Every agent says hi, then each customer's first message goes to the agent paired with them (the others are set
 * away while it is offered), and everyone ends Available.
 */
export async function conversationsFor(
  scene: ReliabilityScene,
  agents: readonly TestAgent[],
  pairs: readonly (readonly [TestAgent, TestCustomer, string])[],
): Promise<TeamworkStart> {
  for (const agent of agents) await scene.tell(agent, 'hi');
  const items: string[] = [];
  for (const [owner, customer, text] of pairs) {
    for (const agent of agents)
      await scene.tell(agent, agent === owner ? 'presence available' : 'presence away');
    items.push(await scene.activeSession(owner, customer, text));
  }
  for (const agent of agents) await scene.tell(agent, 'presence available');
  return {
    items,
    guarded: [
      ...agents.map((agent) => `agent/${agent.aadObjectId}`),
      ...items.map((item) => `workitem/${item}`),
      ...pairs.map(([, customer]) => `customer/${customerIdOf(customer)}`),
      ...agents.map((agent) => `card/${agent.aadObjectId}:panel`),
    ],
  };
}
