import type { ConversationSummary, CreatedCursor } from '../../src/app/repositories';
import { openWorkItem } from '../../src/domain/work-item';
import { createCsatSurveys } from '../../src/store/sql/csat-surveys';
import { createWorkItemRepository } from '../../src/store/sql/work-item-repository';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

describe.each(EDGE_BACKENDS)('conversations by creation time, a page at a time, on $name', (backend) => {
  let database: EdgeDatabase;
  let repository: ReturnType<typeof createWorkItemRepository>;

  beforeAll(async () => {
    database = await backend.create();
    repository = createWorkItemRepository(database.connect());
    const create = async (id: string, createdAt: number, workstream = 'default') => {
      const item = openWorkItem({
        id,
        workstream,
        customerId: `webchat:${id}`,
        channelId: 'webchat',
        customer: {},
        title: `Title ${id}`,
        now: createdAt,
      });
      await repository.update(id, () => ({ item, prechat: [], waitingSince: createdAt }));
    };
    // Three created in the same millisecond: the id settles their order, and no page loses or repeats one.
    for (const id of ['c', 'a', 'b']) await create(id, T0 + 1_000);
    await create('before', T0 - 1);
    await create('first', T0);
    await create('last', T0 + 59_999);
    await create('after', T0 + 60_000);
    await create('elsewhere', T0 + 5, 'other');
    const write = (id: string, agentId: string, at: number) =>
      repository.record(id, (current) =>
        current ? { doc: current, message: { from: 'agent', text: 'hello', at, agentId } } : undefined,
      );
    await write('a', 'aad-bea', T0 + 9_000);
    await write('a', 'aad-alex', T0 + 5_000);
    await write('a', 'aad-bea', T0 + 4_000_000_000);
    await repository.record('a', (current) =>
      current ? { doc: current, message: { from: 'customer', text: 'hi', at: T0 + 2_000 } } : undefined,
    );
    // Surveys: b's answered 4, c's asked and not answered.
    const surveys = createCsatSurveys(database.connect());
    for (const id of ['b', 'c']) {
      const asked = {
        surveyId: `s-${id}`,
        customerId: `webchat:${id}`,
        workstream: 'default',
        askedAt: T0 + 50,
      };
      await surveys.ask({ workItemId: id, ...asked });
    }
    await surveys.answer('b', 's-b', { rating: 4, answeredAt: T0 + 60 });
    // b was taken from the queue (kept since 0026); a, like rows written before it, keeps no take.
    await repository.update('b', (current) =>
      current
        ? { ...current, item: { ...current.item, answered: { at: T0 + 7_000, waitedMs: 6_000 } } }
        : current,
    );
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function readAll(pageSize: number): Promise<ConversationSummary[][]> {
    const pages: ConversationSummary[][] = [];
    let after: CreatedCursor | undefined;
    for (;;) {
      const page = await repository.createdBetween('default', { from: T0, to: T0 + 60_000 }, after, pageSize);
      pages.push(page);
      const last = page.at(-1);
      if (!last || page.length < pageSize) return pages;
      after = { createdAt: last.createdAt, workItemId: last.workItemId };
    }
  }

  it('lists those created in [from, to) of the workstream, oldest first, ties by id, across pages', async () => {
    const pages = await readAll(2);
    expect(pages.map((page) => page.map((summary) => summary.workItemId))).toEqual([
      ['first', 'a'],
      ['b', 'c'],
      ['last'],
    ]);
  });

  it('gives each conversation’s row fields and the agents who wrote in it with their first line, earliest first', async () => {
    const [[first, a]] = (await readAll(2)) as [[ConversationSummary, ConversationSummary]];
    expect(a).toEqual({
      workItemId: 'a',
      channelId: 'webchat',
      title: 'Title a',
      state: 'open',
      createdAt: T0 + 1_000,
      stateChangedAt: T0 + 1_000,
      writers: [
        { agentId: 'aad-alex', firstAt: T0 + 5_000 },
        { agentId: 'aad-bea', firstAt: T0 + 9_000 },
      ],
    });
    expect(first.writers).toEqual([]);
  });

  it('gives when an agent took it from the queue and the wait, as kept; none when not kept', async () => {
    const all = (await readAll(10)).flat();
    expect(all.map((summary) => [summary.workItemId, summary.answered])).toEqual([
      ['first', undefined],
      ['a', undefined],
      ['b', { at: T0 + 7_000, waitedMs: 6_000 }],
      ['c', undefined],
      ['last', undefined],
    ]);
  });

  it('gives the survey’s rating as CSAT once answered, none when unanswered or not asked', async () => {
    const all = (await readAll(10)).flat();
    expect(all.map((summary) => [summary.workItemId, summary.csat])).toEqual([
      ['first', undefined],
      ['a', undefined],
      ['b', 4],
      ['c', undefined],
      ['last', undefined],
    ]);
  });
});
