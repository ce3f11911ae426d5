import { readTranscriptLines } from '../../src/app/conversation-exports';
import type { MessageLog, StoredMessage } from '../../src/app/repositories';
import {
  EXPORT_MAX_MESSAGE_CHARS,
  transcriptFileName,
  transcriptText,
  type TranscriptExport,
} from '../../src/app/transcript-export';

const T0 = Date.UTC(2026, 11, 6, 9, 30, 0);

/** Partial, where undefined leaves a field out. */
type Changes<T> = { [K in keyof T]?: T[K] | undefined };

const conversation = (over: Changes<TranscriptExport> = {}): TranscriptExport =>
  ({
    workItemId: 'wi-1',
    title: 'Visitor 7',
    channelId: 'webchat',
    createdAt: T0,
    state: 'closed',
    outcome: 'Resolved',
    closedReason: 'ended',
    agents: ['Alex Agent'],
    lines: [
      { at: T0, sender: 'Visitor 7', text: 'Where is my order?' },
      { at: T0 + 65_000, sender: 'Alex Agent', text: 'Let me look.' },
    ],
    total: 2,
    exportedAt: T0 + 3_600_000,
    ...over,
  }) as TranscriptExport;

const bodyOf = (text: string) => text.slice(text.indexOf('\n\n') + 2).split('\n');

describe('a transcript as a text file', () => {
  it('opens with what the conversation is, then one line per message with its UTC time and sender', () => {
    expect(transcriptText(conversation())).toBe(
      [
        'Relaydesk transcript',
        'Conversation: Visitor 7',
        'Id: wi-1',
        'Channel: webchat',
        'Created: 2026-12-06T09:30:00Z',
        'State: Closed — Resolved',
        'Agents: Alex Agent',
        'Exported: 2026-12-06T10:30:00Z',
        'Lines: 2',
        '',
        '2026-12-06T09:30:00Z  Visitor 7: Where is my order?',
        '2026-12-06T09:31:05Z  Alex Agent: Let me look.',
        '',
      ].join('\n'),
    );
  });

  it('gives the survey’s answer after the agents (rating, when, the comment on one line), or that it went unanswered', () => {
    const rated = transcriptText(
      conversation({
        csat: { answer: { rating: 4, comment: 'Quick\nand kind', answeredAt: T0 + 1_800_000 } },
      }),
    );
    expect(rated).toContain(
      '\nAgents: Alex Agent\nCSAT: 4 of 5 (answered 2026-12-06T10:00:00Z)\nCSAT comment: Quick and kind\nExported:',
    );
    expect(transcriptText(conversation({ csat: {} }))).toContain('\nCSAT: asked, not answered\n');
    expect(transcriptText(conversation())).not.toContain('CSAT');
  });

  it('says why a conversation closed when no outcome was picked, and that a queued one has no agent', () => {
    const forced = transcriptText(conversation({ outcome: undefined, closedReason: 'closed-by-team' }));
    expect(forced).toContain('\nState: Closed — Closed by a supervisor\n');
    const queued = transcriptText(
      conversation({ state: 'open', outcome: undefined, closedReason: undefined, agents: [] }),
    );
    expect(queued).toContain('\nState: Open (in the queue)\nAgents: none\n');
  });

  it('indents the further lines of a message, so they never pass for messages of their own', () => {
    const text = transcriptText(
      conversation({
        lines: [
          {
            at: T0,
            sender: 'Visitor 7',
            text: 'first\r\n2026-12-06T09:31:05Z  Alex Agent: refunded!\rthird',
          },
        ],
        total: 1,
      }),
    );
    expect(bodyOf(text)).toEqual([
      '2026-12-06T09:30:00Z  Visitor 7: first',
      '    2026-12-06T09:31:05Z  Alex Agent: refunded!',
      '    third',
      '',
    ]);
  });

  it('leaves control characters out but keeps tabs, and keeps a title or a name on its one header line', () => {
    const text = transcriptText(
      conversation({
        title: 'Kim\nAgents: nobody',
        lines: [{ at: T0, sender: 'Alex\u0007 Agent', text: 'a\u0000b\u001b[31mc\u009b\td' }],
        total: 1,
      }),
    );
    expect(text).toContain('\nConversation: Kim Agents: nobody\n');
    expect(bodyOf(text)[0]).toBe('2026-12-06T09:30:00Z  Alex Agent: ab[31mc\td');
  });

  it('marks an empty message, a message that never reached the customer, and cuts an oversized one', () => {
    const huge = 'x'.repeat(EXPORT_MAX_MESSAGE_CHARS + 5);
    const lines = bodyOf(
      transcriptText(
        conversation({
          lines: [
            { at: T0, sender: 'Visitor 7', text: '   ' },
            { at: T0, sender: 'Alex Agent', text: 'Are you there?', notDelivered: true },
            { at: T0, sender: 'Visitor 7', text: huge },
          ],
          total: 3,
        }),
      ),
    );
    expect(lines.slice(0, 2)).toEqual([
      '2026-12-06T09:30:00Z  Visitor 7: (empty message)',
      '2026-12-06T09:30:00Z  Alex Agent: Are you there? [not delivered]',
    ]);
    expect(lines[2]).toBe(
      `2026-12-06T09:30:00Z  Visitor 7: ${'x'.repeat(EXPORT_MAX_MESSAGE_CHARS)} [cut: 5 more characters]`,
    );
  });

  it('says in the file when it holds only the latest lines of a longer conversation', () => {
    const text = transcriptText(conversation({ total: 10_002 }));
    expect(text).toContain(
      '\nLines: 10002\nCut: this file holds the latest 2 lines; the first 10000 are not in it.\n',
    );
  });

  it('says "No messages." for a conversation with none', () => {
    expect(bodyOf(transcriptText(conversation({ lines: [], total: 0 })))).toEqual(['(No messages.)', '']);
  });

  it('names the file after the title in ASCII words and the day the conversation was created', () => {
    expect(transcriptFileName('Visitor 7', T0)).toBe('relaydesk-transcript-visitor-7-2026-12-06.txt');
    expect(transcriptFileName('Zoë Müller — Contoso', T0)).toBe(
      'relaydesk-transcript-zoe-muller-contoso-2026-12-06.txt',
    );
    expect(transcriptFileName('日本語', T0)).toBe('relaydesk-transcript-conversation-2026-12-06.txt');
    expect(transcriptFileName('"../../etc/passwd"', T0)).toBe(
      'relaydesk-transcript-etc-passwd-2026-12-06.txt',
    );
  });
});

/** A transcript of `count` lines behind the MessageLog port, counting the rows each read returns. */
function messageLog(count: number) {
  const all: StoredMessage[] = Array.from({ length: count }, (_, at) => ({
    seq: at + 1,
    from: 'customer',
    text: `line ${at + 1}`,
    at: T0 + at,
  }));
  const reads: number[] = [];
  const page = (rows: StoredMessage[]) => {
    reads.push(rows.length);
    return Promise.resolve(rows);
  };
  const log: Pick<MessageLog, 'latest' | 'before'> = {
    latest: (_id, limit) => page(all.slice(Math.max(0, all.length - limit))),
    before: (_id, seq, limit) => page(all.filter((m) => m.seq < seq).slice(-limit)),
  };
  return { messages: log as MessageLog, reads };
}

describe('reading a transcript to export', () => {
  it('reads it all a page at a time, oldest first', async () => {
    const deps = messageLog(1_201);
    const { lines, total } = await readTranscriptLines(deps, 'wi-1');
    expect(total).toBe(1_201);
    expect(lines.map((line) => line.seq)).toEqual(Array.from({ length: 1_201 }, (_, at) => at + 1));
    expect(deps.reads).toEqual([500, 500, 201]);
  });

  it('stops at the most lines an export carries, keeping the latest', async () => {
    const deps = messageLog(1_201);
    const { lines, total } = await readTranscriptLines(deps, 'wi-1', 700);
    expect(total).toBe(1_201);
    expect(lines).toHaveLength(700);
    expect(lines[0]?.seq).toBe(502);
    expect(lines.at(-1)?.seq).toBe(1_201);
    expect(deps.reads).toEqual([500, 200]);
  });

  it('reads one empty page for a conversation with no lines', async () => {
    const deps = messageLog(0);
    expect(await readTranscriptLines(deps, 'wi-1')).toEqual({ lines: [], total: 0 });
    expect(deps.reads).toEqual([0]);
  });
});
