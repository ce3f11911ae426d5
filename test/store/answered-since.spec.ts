import { assignWorkItem, openWorkItem } from '../../src/domain/work-item';
import { createWorkItemRepository } from '../../src/store/sql/work-item-repository';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

describe.each(EDGE_BACKENDS)('the waits of conversations taken from the queue, on $name', (backend) => {
  let database: EdgeDatabase;
  let repository: ReturnType<typeof createWorkItemRepository>;

  /** A conversation queued at `queuedAt` and, when `takenAt` is given, taken from the queue then. */
  async function conversation(id: string, queuedAt: number, takenAt?: number, workstream = 'default') {
    const item = openWorkItem({
      id,
      workstream,
      customerId: `webchat:${id}`,
      channelId: 'webchat',
      customer: {},
      title: `Title ${id}`,
      now: queuedAt,
    });
    const taken = takenAt === undefined ? item : assignWorkItem(item, 'aad-alex', takenAt, queuedAt);
    await repository.update(id, () => ({ item: taken, prechat: [], waitingSince: queuedAt }));
  }

  beforeAll(async () => {
    database = await backend.create();
    repository = createWorkItemRepository(database.connect());
    await conversation('long-ago', T0 - 3_600_000, T0 - 3_000_000);
    await conversation('one', T0, T0 + 60_000);
    await conversation('two', T0 + 1_000, T0 + 121_000);
    await conversation('three', T0 + 2_000, T0 + 2_500);
    await conversation('still-queued', T0);
    await conversation('elsewhere', T0, T0 + 900_000, 'other');
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it('counts those taken since the moment asked and averages their waits', async () => {
    const waits = await repository.answeredSince('default', T0);
    expect(waits.answered).toBe(3);
    expect(waits.averageWaitMs).toBeCloseTo((60_000 + 120_000 + 500) / 3, 3);
  });

  it('keeps the wait with the conversation as it is read back', async () => {
    expect((await repository.get('two'))?.item.answered).toEqual({ at: T0 + 121_000, waitedMs: 120_000 });
    expect((await repository.get('still-queued'))?.item.answered).toBeUndefined();
  });

  it('answers none, and no average, when nothing was taken since', async () => {
    expect(await repository.answeredSince('default', T0 + 200_000)).toEqual({
      answered: 0,
      averageWaitMs: 0,
    });
  });
});
