/**
 * Who the agents are. One agent may be known by several ids — their Entra object id, their Teams user id, the id
 * the local tools use — and is one agent whichever a request carries: the first id of their AGENT_IDS entry is
 * their key everywhere (store, routing, the tab).
 */
export interface AgentIdentity {
  /** The agent's key: the first id of their AGENT_IDS entry. */
  readonly id: string;
  /** Their other ids (`id|alias|…` in AGENT_IDS). */
  readonly aliases: readonly string[];
  /** A display name from AGENT_NAMES, used until Teams or the tab's sign-in gives one. */
  readonly name?: string;
}

/** What customers read for an agent whose name nobody has given: never an id. */
export const UNNAMED_AGENT = 'Support agent';

export class AgentDirectory {
  private readonly byId = new Map<string, AgentIdentity>();

  constructor(readonly agents: readonly AgentIdentity[]) {
    for (const agent of agents) {
      for (const id of [agent.id, ...agent.aliases]) if (!this.byId.has(id)) this.byId.set(id, agent);
    }
  }

  /** The agents' keys, in AGENT_IDS order. */
  get keys(): readonly string[] {
    return this.agents.map((agent) => agent.id);
  }

  /** Every id any agent is known by (keys and aliases): ids no customer may be given. */
  get allIds(): readonly string[] {
    return [...this.byId.keys()];
  }

  /** The key of the agent known by `id`, or undefined when no agent is. */
  keyOf(id: string | undefined): string | undefined {
    return id === undefined ? undefined : this.byId.get(id)?.id;
  }

  /** The name AGENT_NAMES gives the agent with this key. */
  configuredName(key: string): string | undefined {
    return this.byId.get(key)?.name;
  }
}

/**
 * The name to show for an agent: a name a person or Teams gave, unless it is only one of their ids (as agents
 * stored before names were required have), else the configured one, else UNNAMED_AGENT.
 */
export function displayName(
  stored: string | undefined,
  identity: { readonly id: string; readonly aliases?: readonly string[]; readonly name?: string },
): string {
  const ids = new Set([identity.id, ...(identity.aliases ?? [])]);
  const given = stored?.trim();
  if (given && !ids.has(given)) return given;
  return identity.name ?? UNNAMED_AGENT;
}
