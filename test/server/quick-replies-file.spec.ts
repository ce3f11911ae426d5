import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelaydesk } from '../../src/app-host';
import { loadQuickRepliesFile } from '../../src/host/quick-replies-file';
import { parseAgentCommand } from '../../src/teams/agent-commands';
import { collectingLogger, configFrom } from '../support/harness';

describe('the team’s quick replies file (QUICK_REPLIES_FILE)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-qr-file-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const fileWith = (content: unknown) => {
    const path = join(dir, 'quick-replies.json');
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const load = (path: string) => loadQuickRepliesFile(path, collectingLogger().logger);

  it('reads the repository’s sample set, every entry valid and every id distinct', () => {
    const sample = load(join(__dirname, '..', '..', 'quick-replies.json'));
    expect(sample.length).toBeGreaterThanOrEqual(10);
    expect(new Set(sample.map((reply) => reply.id)).size).toBe(sample.length);
    expect(sample.every((reply) => reply.scope === 'shared' && reply.tags.length > 0)).toBe(true);
  });

  it('reads entries with their tags normalised, and no tags as none', () => {
    const path = fileWith([
      { id: 'hi', title: 'Hi', text: 'Hi {customerName}', tags: ['#Opening'] },
      { id: 'bye', title: 'Bye', text: 'Bye' },
    ]);
    expect(load(path)).toEqual([
      { id: 'hi', title: 'Hi', text: 'Hi {customerName}', tags: ['opening'], scope: 'shared' },
      { id: 'bye', title: 'Bye', text: 'Bye', tags: [], scope: 'shared' },
    ]);
  });

  it('reads nothing when turned off, and only warns when the file is missing', () => {
    expect(load('')).toEqual([]);
    const { logger, lines } = collectingLogger();
    expect(loadQuickRepliesFile(join(dir, 'missing.json'), logger)).toEqual([]);
    expect(lines.find((line) => line.msg.startsWith('shared quick replies not readable'))).toBeDefined();
  });

  it.each([
    ['not JSON', '{ "id": ', /: not valid JSON \(/],
    ['not an array', { id: 'x' }, /: must hold a JSON array of quick replies$/],
    [
      'an entry without text',
      [
        { id: 'ok', title: 'Ok', text: 'Ok' },
        { id: 'refund', title: 'Refund' },
      ],
      /: entry 2 \("refund"\): "text" must be a string of 1 to 2000 characters$/,
    ],
    [
      'an id that cannot be sent back on a card',
      [{ id: 'a b', title: 'T', text: 'T' }],
      /: entry 1 \("a b"\): "id" must be 1 to 64 letters, digits, - or _/,
    ],
    [
      'an unknown field',
      [{ id: 'x', title: 'T', text: 'T', body: 'T' }],
      /: entry 1 \("x"\): unknown field "body" \(a quick reply has id, title, text and tags\)$/,
    ],
    [
      'an id twice',
      [
        { id: 'x', title: 'T', text: 'T' },
        { id: 'x', title: 'U', text: 'U' },
      ],
      /: entry 2 \("x"\): the id is taken by entry 1 already$/,
    ],
    ['an entry that is not an object', ['hello'], /: entry 1: each entry must be an object/],
  ])('refuses a file with %s, naming the file and the entry', (_name, content, message) => {
    const path = fileWith(content);
    expect(() => load(path)).toThrow(message);
    expect(() => load(path)).toThrow(`QUICK_REPLIES_FILE: ${path}: `);
  });

  it('stops the start on a broken file, with the message naming the entry', async () => {
    const path = fileWith([{ id: 'greeting', title: '', text: 'Hi' }]);
    const starting = startRelaydesk(
      configFrom({ PORT: '0', HOST: '127.0.0.1', STORE: 'memory', QUICK_REPLIES_FILE: path }),
      collectingLogger().logger,
      { sweepIntervalMs: 0 },
    );
    await expect(starting).rejects.toThrow(
      `QUICK_REPLIES_FILE: ${path}: entry 1 ("greeting"): "title" must be a string of 1 to 80 characters`,
    );
  });
});

describe('the /q chat command', () => {
  it.each([
    ['/q', ''],
    ['/Q refund', 'refund'],
    ['  /q   #billing  refund ', '#billing  refund'],
    ['/q\nrefund', 'refund'],
  ])('"%s" searches quick replies for "%s"', (text, query) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'quickReplies', query });
  });

  it.each(['/quit', '/qr code', 'q refund', 'see /q'])('"%s" is text for the focused session', (text) => {
    expect(parseAgentCommand(text)).toEqual({ kind: 'text', text });
  });
});
