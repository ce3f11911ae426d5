import type { ConsultRepository } from '../../app/repositories';
import type { Consultant } from '../../domain/consult';
import { createNoteLog } from './notes';
import type { SqlDatabase } from './open-database';

/** Who consults on a conversation, and its private consult thread (appended, never changed). */
export function createConsultRepository(database: SqlDatabase): ConsultRepository {
  return {
    of: async (workItemId) => {
      const rows = await database.db
        .selectFrom('consultants')
        .selectAll()
        .where('work_item_id', '=', workItemId)
        .orderBy('invited_at')
        .orderBy('agent_key')
        .execute();
      return rows.map((row): Consultant => ({
        agentId: row.agent_key,
        name: row.agent_name,
        invitedAt: row.invited_at,
        added: row.added === 1,
      }));
    },

    put: async (workItemId, consultant) => {
      const values = {
        agent_name: consultant.name,
        invited_at: consultant.invitedAt,
        added: consultant.added ? 1 : 0,
      };
      await database.db
        .insertInto('consultants')
        .values({ work_item_id: workItemId, agent_key: consultant.agentId, ...values })
        .onConflict((conflict) => conflict.columns(['work_item_id', 'agent_key']).doUpdateSet(values))
        .execute();
    },

    remove: async (workItemId, agentId) => {
      await database.db
        .deleteFrom('consultants')
        .where('work_item_id', '=', workItemId)
        .where('agent_key', '=', agentId)
        .execute();
    },

    removeAll: async (workItemId) => {
      await database.db.deleteFrom('consultants').where('work_item_id', '=', workItemId).execute();
    },

    ...createConsultThread(database),
  };
}

/** The consult thread's lines: the notes' log over their own table (appended, never changed). */
function createConsultThread(database: SqlDatabase): Pick<ConsultRepository, 'addNote' | 'latestNotes'> {
  const thread = createNoteLog(database, 'consult_notes');
  return {
    addNote: (note) => thread.add(note),
    latestNotes: (workItemId, limit) => thread.latest(workItemId, limit),
  };
}
