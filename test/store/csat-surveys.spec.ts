import { createCsatSurveys } from '../../src/store/sql/csat-surveys';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

/** The post-conversation surveys' rows on each backend: asked once, answered once, counted by day. */
describe.each(EDGE_BACKENDS)('the survey rows on $name', (backend) => {
  let database: EdgeDatabase;
  let surveys: ReturnType<typeof createCsatSurveys>;
  let other: ReturnType<typeof createCsatSurveys>;

  const asked = (workItemId: string, askedAt = T0, workstream = 'default') => ({
    workItemId,
    surveyId: `survey-${workItemId}`,
    customerId: `webchat:${workItemId}`,
    workstream,
    agentId: 'aad-alex',
    askedAt,
  });

  beforeAll(async () => {
    database = await backend.create();
    surveys = createCsatSurveys(database.connect());
    other = createCsatSurveys(database.connect());
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it('keeps one survey per conversation: asking again writes nothing', async () => {
    expect(await surveys.ask(asked('wi-1'))).toBe(true);
    expect(await other.ask({ ...asked('wi-1'), surveyId: 'another', askedAt: T0 + 5 })).toBe(false);
    expect(await surveys.get('wi-1')).toEqual(asked('wi-1'));
    expect(await surveys.get('wi-none')).toBeUndefined();
  });

  it('writes the first answer only, and only with the survey’s own id', async () => {
    expect(await surveys.answer('wi-1', 'forged', { rating: 1, answeredAt: T0 + 1 })).toBe(false);
    expect(await surveys.get('wi-1')).toEqual(asked('wi-1'));
    const answers = await Promise.all([
      surveys.answer('wi-1', 'survey-wi-1', { rating: 4, comment: 'Quick and kind', answeredAt: T0 + 10 }),
      other.answer('wi-1', 'survey-wi-1', { rating: 2, answeredAt: T0 + 11 }),
    ]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    const stored = await surveys.get('wi-1');
    expect([4, 2]).toContain(stored?.answer?.rating);
    expect(await surveys.answer('wi-1', 'survey-wi-1', { rating: 5, answeredAt: T0 + 20 })).toBe(false);
    expect(await surveys.get('wi-1')).toEqual(stored);
  });

  it('refuses a rating outside 1–5 in the database itself', async () => {
    await surveys.ask(asked('wi-range'));
    // The driver's error may come from another realm than the test's (better-sqlite3 is loaded once per worker):
    // matched by its message, not by `instanceof Error`.
    const refused = await surveys.answer('wi-range', 'survey-wi-range', { rating: 6, answeredAt: T0 }).then(
      () => 'written',
      (error: unknown) => String((error as { message?: unknown }).message),
    );
    expect(refused).toMatch(/check constraint/i);
    expect((await surveys.get('wi-range'))?.answer).toBeUndefined();
  });

  it('reads several at once, and counts a workstream’s answers since a moment with their ratings’ sum', async () => {
    await surveys.ask(asked('wi-2'));
    await surveys.ask(asked('wi-3', T0, 'other'));
    await surveys.answer('wi-2', 'survey-wi-2', { rating: 5, answeredAt: T0 + 4_000_000_000 });
    await surveys.answer('wi-3', 'survey-wi-3', { rating: 1, answeredAt: T0 + 30 });
    const many = await surveys.getMany(['wi-1', 'wi-2', 'wi-none', 'wi-2']);
    expect([...many.keys()].sort()).toEqual(['wi-1', 'wi-2']);
    expect(many.get('wi-2')?.answer).toEqual({ rating: 5, answeredAt: T0 + 4_000_000_000 });
    expect(await surveys.getMany([])).toEqual(new Map());
    const rating = (await surveys.get('wi-1'))?.answer?.rating ?? 0;
    expect(await surveys.answeredSince('default', T0)).toEqual({ answers: 2, ratingSum: rating + 5 });
    expect(await surveys.answeredSince('default', T0 + 15)).toEqual({ answers: 1, ratingSum: 5 });
    expect(await surveys.answeredSince('nowhere', 0)).toEqual({ answers: 0, ratingSum: 0 });
  });
});
