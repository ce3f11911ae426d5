import type { CsatSurveys } from '../../app/repositories';
import type { CsatSurvey } from '../../domain/csat';
import type { SqlDatabase } from './open-database';

/** A survey asked at the End of a conversation, and its answer once given (src/domain/csat.ts). */
export interface CsatSurveysTable {
  work_item_id: string;
  survey_id: string;
  customer_id: string;
  workstream: string;
  agent_id: string | null;
  asked_at: number;
  rating: number | null;
  comment: string | null;
  answered_at: number | null;
}

function surveyOf(row: CsatSurveysTable): CsatSurvey {
  return {
    workItemId: row.work_item_id,
    surveyId: row.survey_id,
    customerId: row.customer_id,
    workstream: row.workstream,
    ...(row.agent_id !== null ? { agentId: row.agent_id } : {}),
    askedAt: Number(row.asked_at),
    ...(row.rating !== null && row.answered_at !== null
      ? {
          answer: {
            rating: Number(row.rating),
            ...(row.comment !== null ? { comment: row.comment } : {}),
            answeredAt: Number(row.answered_at),
          },
        }
      : {}),
  };
}

/** The csat_surveys rows: one per conversation whose customer was asked. */
export function createCsatSurveys(database: SqlDatabase): CsatSurveys {
  return {
    ask: async (survey) => {
      const result = await database.db
        .insertInto('csat_surveys')
        .values({
          work_item_id: survey.workItemId,
          survey_id: survey.surveyId,
          customer_id: survey.customerId,
          workstream: survey.workstream,
          agent_id: survey.agentId ?? null,
          asked_at: survey.askedAt,
        })
        .onConflict((conflict) => conflict.column('work_item_id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    get: async (workItemId) => {
      const row = await database.db
        .selectFrom('csat_surveys')
        .selectAll()
        .where('work_item_id', '=', workItemId)
        .executeTakeFirst();
      return row ? surveyOf(row) : undefined;
    },
    getMany: async (workItemIds) => {
      if (workItemIds.length === 0) return new Map();
      const rows = await database.db
        .selectFrom('csat_surveys')
        .selectAll()
        .where('work_item_id', 'in', [...new Set(workItemIds)])
        .execute();
      return new Map(rows.map((row) => [row.work_item_id, surveyOf(row)]));
    },
    answer: async (workItemId, surveyId, answer) => {
      // Conditional: of two answers racing, one is written; the other finds it answered.
      const result = await database.db
        .updateTable('csat_surveys')
        .set({ rating: answer.rating, comment: answer.comment ?? null, answered_at: answer.answeredAt })
        .where('work_item_id', '=', workItemId)
        .where('survey_id', '=', surveyId)
        .where('answered_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    answeredSince: async (workstream, since) => {
      const row = await database.db
        .selectFrom('csat_surveys')
        .select((eb) => [eb.fn.countAll<number>().as('answers'), eb.fn.sum<number>('rating').as('total')])
        .where('workstream', '=', workstream)
        .where('answered_at', '>=', since)
        .executeTakeFirstOrThrow();
      // count() and sum() come back as text (bigint) on PostgreSQL, and sum() is null over no rows.
      return { answers: Number(row.answers), ratingSum: Number(row.total ?? 0) };
    },
  };
}
