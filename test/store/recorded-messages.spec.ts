import type { WorkItemDocument } from '../../src/app/documents';
import { openWorkItem } from '../../src/domain/work-item';
import { createMessageLog } from '../../src/store/sql/message-log';
import { createWorkItemRepository } from '../../src/store/sql/work-item-repository';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);

describe.each(EDGE_BACKENDS)('messages recorded with a change of their work item, on $name', (backend) => {
  let edge: EdgeDatabase;

  beforeAll(async () => {
    edge = await backend.create();
  });
  afterAll(() => edge.dispose());
  beforeEach(() => edge.reset());

  const fresh = (id: string): WorkItemDocument => ({
    item: openWorkItem({
      id,
      workstream: 'default',
      customerId: `webchat:${id}`,
      channelId: 'webchat',
      customer: {},
      title: `Title ${id}`,
      now: T0,
    }),
    prechat: [],
    waitingSince: T0,
  });
  const withPreview = (doc: WorkItemDocument, preview: string): WorkItemDocument => ({ ...doc, preview });

  it('numbers 40 messages from two connections 1..40 and keeps the change each one made', async () => {
    const connection = edge.connect();
    const first = createWorkItemRepository(connection);
    const second = createWorkItemRepository(edge.connect());
    await first.update('wi-together', () => fresh('wi-together'));
    const recorded = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 === 0 ? first : second).record('wi-together', (current) =>
          current
            ? {
                doc: withPreview(current, `${current.preview ?? ''}|${index}`),
                message: { from: 'customer', text: `message ${index}`, at: T0 + index },
              }
            : undefined,
        ),
      ),
    );
    const seqs = recorded.map((result) => result?.seq ?? 0);
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    // Each change was made on the item as the message before it left it: the preview lists every message once,
    // in the order of their numbers.
    const preview = (await first.get('wi-together'))?.preview ?? '';
    const byNumber = recorded.map((result, index) => ({ seq: result?.seq ?? 0, index }));
    byNumber.sort((x, y) => x.seq - y.seq);
    expect(preview).toBe(byNumber.map(({ index }) => `|${index}`).join(''));
    const transcript = await createMessageLog(connection).latest('wi-together', 100);
    expect(transcript.map((message) => message.text)).toEqual(
      byNumber.map(({ index }) => `message ${index}`),
    );
  });

  it('numbers a message that changes nothing, and one that creates its work item, as the next one', async () => {
    const connection = edge.connect();
    const repository = createWorkItemRepository(connection);
    const created = await repository.record('wi-new', (current) =>
      current ? undefined : { doc: fresh('wi-new'), message: { from: 'customer', text: 'one', at: T0 } },
    );
    const unchanged = await repository.record('wi-new', (current) =>
      current ? { doc: current, message: { from: 'customer', text: 'two', at: T0 + 1 } } : undefined,
    );
    const changed = await repository.record('wi-new', (current) =>
      current
        ? { doc: withPreview(current, 'three'), message: { from: 'customer', text: 'three', at: T0 + 2 } }
        : undefined,
    );
    expect([created?.seq, unchanged?.seq, changed?.seq]).toEqual([1, 2, 3]);
    expect((await createMessageLog(connection).latest('wi-new', 10)).map((message) => message.text)).toEqual([
      'one',
      'two',
      'three',
    ]);
  });
});
