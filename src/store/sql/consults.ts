import type { ConsultRepository } from '../../app/repositories';
import type { Consultant } from '../../domain/consult';
import type { Note } from '../../domain/notes';
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

/** The consult thread's lines: appended, never changed, the latest first when read back. */
function createConsultThread(database: SqlDatabase): Pick<ConsultRepository, 'addNote' | 'latestNotes'> {
  return {
    addNote: async (note) => {
      await database.db
        .insertInto('consult_notes')
        .values({
          id: note.id,
          work_item_id: note.workItemId,
          author_id: note.authorId,
          author_name: note.authorName,
          at: note.at,
          text: note.text,
        })
        .execute();
    },

    latestNotes: async (workItemId, limit) => {
      const rows = await database.db
        .selectFrom('consult_notes')
        .selectAll()
        .where('work_item_id', '=', workItemId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map((row): Note => ({
        id: row.id,
        workItemId: row.work_item_id,
        authorId: row.author_id,
        authorName: row.author_name,
        at: row.at,
        text: row.text,
      }));
    },
  };
}
