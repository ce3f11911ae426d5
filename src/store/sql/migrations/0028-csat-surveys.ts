import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The post-conversation survey (CSAT): one row per conversation whose customer was asked, with the answer once
 * given. The rating's range is checked by the database too. The Floor counts the answers of a day by workstream.
 */
export const csatSurveys: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('csat_surveys')
      .addColumn('work_item_id', 'text', (col) => col.primaryKey())
      .addColumn('survey_id', 'text', (col) => col.notNull())
      .addColumn('customer_id', 'text', (col) => col.notNull())
      .addColumn('workstream', 'text', (col) => col.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('asked_at', 'bigint', (col) => col.notNull())
      .addColumn('rating', 'integer')
      .addColumn('comment', 'text')
      .addColumn('answered_at', 'bigint')
      .addCheckConstraint('csat_surveys_rating_range', sql`rating is null or (rating >= 1 and rating <= 5)`)
      .execute();
    await db.schema
      .createIndex('csat_surveys_by_answered')
      .on('csat_surveys')
      .columns(['workstream', 'answered_at'])
      .execute();
  },
};
