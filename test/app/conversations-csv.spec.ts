import { conversationsCsv, type ExportPorts } from '../../src/app/conversation-exports';
import {
  acceptedAt,
  conversationFields,
  csvField,
  csvRecord,
  endedAt,
} from '../../src/app/conversations-csv';
import type { ConversationSummary } from '../../src/app/repositories';
import { NotSupervisorError } from '../../src/app/supervision';

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);
const MIN = 60_000;

/** Partial, where undefined leaves a field out. */
type Changes<T> = { [K in keyof T]?: T[K] | undefined };

const summary = (over: Changes<ConversationSummary> = {}): ConversationSummary =>
  ({
    workItemId: 'wi-1',
    channelId: 'webchat',
    title: 'Visitor 1',
    state: 'closed',
    createdAt: T0,
    stateChangedAt: T0 + 20 * MIN,
    outcome: 'Resolved',
    closedReason: 'ended',
    writers: [
      { agentId: 'aad-alex', firstAt: T0 + 2 * MIN },
      { agentId: 'aad-bea', firstAt: T0 + 9 * MIN },
    ],
    ...over,
  }) as ConversationSummary;

const NAMES = new Map([
  ['aad-alex', 'Alex Agent'],
  ['aad-bea', 'Bea Agent'],
]);

describe('CSV fields (RFC 4180)', () => {
  it('leaves a plain field as it is', () => {
    expect(csvField('Visitor 1')).toBe('Visitor 1');
    expect(csvField('')).toBe('');
  });

  it('quotes a field with a comma, a quote or a line break, doubling its quotes', () => {
    expect(csvField('Smith, Jo')).toBe('"Smith, Jo"');
    expect(csvField('the "best" desk')).toBe('"the ""best"" desk"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it('puts an apostrophe before a field a spreadsheet would take for a formula', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'].map(csvField)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      '"\'\rx"',
    ]);
    expect(csvField('=HYPERLINK("http://evil.example","click")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""click"")"',
    );
    expect(csvField('a=b')).toBe('a=b');
  });

  it('ends each record with CRLF', () => {
    expect(csvRecord(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });
});

describe('a conversation as a CSV row', () => {
  it('lists who wrote, the times in UTC, the wait to the first answer and the handle time to its close', () => {
    expect(conversationFields(summary(), NAMES)).toEqual([
      'wi-1',
      'webchat',
      'Visitor 1',
      'Alex Agent; Bea Agent',
      '2026-12-06T09:00:00Z',
      '2026-12-06T09:02:00Z',
      '2026-12-06T09:20:00Z',
      '120',
      '1080',
      'Resolved',
      '',
    ]);
  });

  it('takes accepted and the wait as kept when the agent took it from the queue, though their first line came later', () => {
    const taken = summary({ answered: { at: T0 + MIN, waitedMs: 45_500 } });
    expect(acceptedAt(taken)).toBe(T0 + MIN);
    expect(conversationFields(taken, NAMES).slice(5, 9)).toEqual([
      '2026-12-06T09:01:00Z',
      '2026-12-06T09:20:00Z',
      '46',
      '1140',
    ]);
  });

  it('takes the kept wait as it is, not created to accepted (the customer began waiting after the pre-chat)', () => {
    const taken = summary({ answered: { at: T0 + 3 * MIN, waitedMs: 30_000 } });
    expect(conversationFields(taken, NAMES).slice(5, 9)).toEqual([
      '2026-12-06T09:03:00Z',
      '2026-12-06T09:20:00Z',
      '30',
      '1020',
    ]);
  });

  it('infers accepted from the first agent line for a row written before the take was kept (no answered)', () => {
    const old = summary({ answered: undefined });
    expect(acceptedAt(old)).toBe(T0 + 2 * MIN);
    expect(conversationFields(old, NAMES).slice(5, 9)).toEqual([
      '2026-12-06T09:02:00Z',
      '2026-12-06T09:20:00Z',
      '120',
      '1080',
    ]);
  });

  it('gives the customer’s survey rating as CSAT, and leaves it empty when none was given', () => {
    expect(conversationFields(summary({ csat: 4 }), NAMES).at(-1)).toBe('4');
    expect(conversationFields(summary({ csat: undefined }), NAMES).at(-1)).toBe('');
  });

  it('takes when an Active conversation went Active while no agent has written in it', () => {
    const active = summary({ state: 'active', stateChangedAt: T0 + MIN, writers: [], outcome: undefined });
    expect(acceptedAt(active)).toBe(T0 + MIN);
    expect(endedAt(active)).toBeUndefined();
    const resumed = summary({ state: 'active', stateChangedAt: T0 + 30 * MIN });
    expect(acceptedAt(resumed)).toBe(T0 + 2 * MIN);
  });

  it('leaves accepted, ended and both times empty for a conversation still in the queue', () => {
    const queued = summary({
      state: 'open',
      stateChangedAt: T0,
      writers: [],
      outcome: undefined,
      closedReason: undefined,
    });
    expect(conversationFields(queued, NAMES).slice(3)).toEqual([
      '',
      '2026-12-06T09:00:00Z',
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  });

  it('says why a conversation closed without an outcome, and ends one in wrap-up when it was ended', () => {
    const left = summary({ writers: [], outcome: undefined, closedReason: 'customer-left' });
    expect(conversationFields(left, NAMES).slice(5)).toEqual([
      '',
      '2026-12-06T09:20:00Z',
      '',
      '',
      'Abandoned',
      '',
    ]);
    const wrapping = summary({ state: 'wrap-up', outcome: undefined, closedReason: undefined });
    expect(endedAt(wrapping)).toBe(T0 + 20 * MIN);
  });

  it('guards a name or title that starts like a formula', () => {
    const row = csvRecord(
      conversationFields(summary({ title: '=cmd|"/c calc"!A1' }), new Map([['aad-alex', '@Alex']])),
    );
    expect(row).toContain(`,"'=cmd|""/c calc""!A1",'@Alex; aad-bea,`);
  });
});

describe('the conversations CSV, read a page at a time', () => {
  const ports = (all: ConversationSummary[], supervisors = ['aad-sam']) => {
    const pages: (string | undefined)[] = [];
    const deps = {
      settings: { workstream: { name: 'default' }, supervisors: new Set(supervisors) },
      agentRecords: { getMany: () => Promise.resolve(new Map()) },
      workItems: {
        createdBetween: (
          _ws: string,
          _range: unknown,
          after: { workItemId: string } | undefined,
          limit: number,
        ) => {
          pages.push(after?.workItemId);
          const start = after ? all.findIndex((s) => s.workItemId === after.workItemId) + 1 : 0;
          return Promise.resolve(all.slice(start, start + limit));
        },
      },
    } as unknown as ExportPorts;
    return { deps, pages };
  };
  const items = ['a', 'b', 'c', 'd', 'e'].map((id, at) =>
    summary({ workItemId: id, createdAt: T0 + at, writers: [{ agentId: 'aad-alex', firstAt: T0 + MIN }] }),
  );

  async function chunks(deps: ExportPorts, pageSize: number): Promise<string[]> {
    const out: string[] = [];
    for await (const chunk of conversationsCsv(deps, 'aad-sam', { from: T0, to: T0 + MIN }, pageSize)) {
      out.push(chunk);
    }
    return out;
  }

  it('sends the header with the first page, then a page at a time, each after the last one read', async () => {
    const { deps, pages } = ports(items);
    const out = await chunks(deps, 2);
    expect(pages).toEqual([undefined, 'b', 'd']);
    expect(out).toHaveLength(3);
    expect(out[0]!.split('\r\n')[0]).toBe(
      'id,channel,title,agents,created,accepted,ended,wait s,handle s,outcome,CSAT',
    );
    expect(
      out
        .join('')
        .split('\r\n')
        .map((record) => record.split(',')[0]),
    ).toEqual(['id', 'a', 'b', 'c', 'd', 'e', '']);
  });

  it('reads once more after a full last page, and sends only the header when there is nothing', async () => {
    const { deps, pages } = ports(items.slice(0, 4));
    expect(await chunks(deps, 2)).toHaveLength(3);
    expect(pages).toEqual([undefined, 'b', 'd']);
    const empty = ports([]);
    expect(await chunks(empty.deps, 2)).toEqual([
      'id,channel,title,agents,created,accepted,ended,wait s,handle s,outcome,CSAT\r\n',
    ]);
  });

  it('is for supervisors only', async () => {
    const { deps, pages } = ports(items, []);
    await expect(chunks(deps, 2)).rejects.toBeInstanceOf(NotSupervisorError);
    expect(pages).toEqual([]);
  });
});
