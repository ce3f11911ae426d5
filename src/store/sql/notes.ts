import type { Note } from '../../domain/notes';
import type { NoteLog } from '../../app/repositories';
import type { SqlDatabase } from './open-database';

/** The tables of agents' lines on a conversation: internal notes, and the consult thread (the same columns). */
export type NoteTable = 'notes' | 'consult_notes';

/** Lines agents write on a conversation, one row each, appended and never changed; `table` says which kind. */
export function createNoteLog(database: SqlDatabase, table: NoteTable = 'notes'): NoteLog {
  return {
    add: async (note) => {
      await database.db
        .insertInto(table)
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

    latest: async (workItemId, limit) => {
      const rows = await database.db
        .selectFrom(table)
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
