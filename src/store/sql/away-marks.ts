import type { AwayMarks } from '../../app/repositories';
import type { SqlDatabase } from './open-database';

/** When the sweeper first found an agent away with work (src/app/away-agents.ts). */
export interface AgentAwayTable {
  agent_key: string;
  since: number;
}

export function createAwayMarks(database: SqlDatabase): AwayMarks {
  return {
    all: async () => {
      const rows = await database.db.selectFrom('agent_away').selectAll().execute();
      return new Map(rows.map((row) => [row.agent_key, row.since]));
    },
    mark: async (agentId, since) => {
      await database.db
        .insertInto('agent_away')
        .values({ agent_key: agentId, since })
        .onConflict((conflict) => conflict.column('agent_key').doNothing())
        .execute();
    },
    clear: async (agentIds) => {
      if (agentIds.length === 0) return;
      await database.db.deleteFrom('agent_away').where('agent_key', 'in', agentIds).execute();
    },
  };
}
