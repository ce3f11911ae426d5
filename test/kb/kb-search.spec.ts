import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KbSearch, type KnowledgeBase } from '../../src/kb/kb-search';

const kb = new KbSearch();

const ids = (query: string, limit?: number) => kb.search(query, limit).map((hit) => hit.id);

const ARTICLE_IDS = [
  'billing-and-invoices',
  'cancel-subscription',
  'change-delivery-address',
  'contact-support',
  'damaged-items',
  'delete-account-gdpr',
  'reset-password',
  'returns-and-refunds',
  'shipping-times-and-costs',
  'track-order',
  'two-factor-sign-in',
  'update-payment-details',
];

describe('knowledge base articles', () => {
  it('loads the twelve sample articles from kb/ by default', () => {
    expect(kb.size).toBe(12);
    expect(ARTICLE_IDS.filter((id) => kb.article(id) === undefined)).toEqual([]);
  });

  it('takes each title from the first "# Heading" and keeps it out of the body', () => {
    expect(kb.article('reset-password')?.title).toBe('Resetting your password');
    for (const id of ARTICLE_IDS) {
      const article = kb.article(id);
      expect(article?.title).toMatch(/^[A-Z]/);
      expect(article?.body.startsWith('# ')).toBe(false);
    }
  });

  it('gives every article 120–300 words of body', () => {
    const words = ARTICLE_IDS.map(
      (id) => (kb.article(id)?.body.match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu) ?? []).length,
    );
    expect(words.filter((count) => count < 120 || count > 300)).toEqual([]);
  });

  it('returns undefined for an unknown article id', () => {
    expect(kb.article('no-such-article')).toBeUndefined();
    expect(kb.article('')).toBeUndefined();
  });
});

describe('KB search', () => {
  it('answers a query asked again (every read of a session asks one) the same, whatever callers did with the list', () => {
    const first = kb.search('I forgot my password', 3);
    first.pop();
    const again = kb.search('I forgot my password', 3);
    expect(again).toHaveLength(3);
    expect(again).toEqual(new KbSearch().search('I forgot my password', 3));
    expect(kb.search('I forgot my password', 1)).toEqual([again[0]]);
  });

  it('finds the password article first for "I forgot my password"', () => {
    expect(ids('I forgot my password')[0]).toBe('reset-password');
  });

  it('finds order tracking in the top 3 for "where is my parcel"', () => {
    expect(ids('where is my parcel', 3)).toContain('track-order');
  });

  it('finds both the returns and the damaged-items articles for "refund for broken item"', () => {
    const top = ids('refund for broken item', 3);
    expect(top).toEqual(expect.arrayContaining(['returns-and-refunds', 'damaged-items']));
    expect(['returns-and-refunds', 'damaged-items']).toContain(top[0]);
  });

  it('still finds the password article with the typo "pasword"', () => {
    expect(ids('pasword')[0]).toBe('reset-password');
  });

  it('matches word beginnings: "subscr" finds the cancellation article', () => {
    expect(ids('cancel subscr')[0]).toBe('cancel-subscription');
  });

  it('ranks an article whose title matches above ones that only mention the term', () => {
    expect(ids('invoices')[0]).toBe('billing-and-invoices');
    expect(ids('GDPR')[0]).toBe('delete-account-gdpr');
  });

  it('ignores case and punctuation in the query', () => {
    expect(ids('WHERE IS MY PARCEL?!')).toEqual(ids('where is my parcel'));
  });

  it.each([[''], ['   '], ['\n\t']])('returns nothing for an empty or blank query (%j)', (query) => {
    expect(kb.search(query)).toEqual([]);
  });

  it.each([['the and of to is'], ['Where is it? Is that you?'], ['?!... ,;:'], ['- * # ( )']])(
    'returns nothing for a query made only of stop-words or punctuation (%j)',
    (query) => {
      expect(kb.search(query)).toEqual([]);
    },
  );

  it('returns at most five hits by default and honours a given limit', () => {
    const broad = 'order account payment delivery refund password';
    expect(kb.search(broad)).toHaveLength(5);
    expect(kb.search(broad, 2)).toHaveLength(2);
    expect(kb.search(broad, 1)[0]).toEqual(kb.search(broad)[0]);
    expect(kb.search(broad, 50).length).toBeLessThanOrEqual(12);
    expect(kb.search(broad, 0)).toEqual([]);
    expect(kb.search(broad, -3)).toEqual([]);
  });

  it('returns hits with the article id, its title and a snippet', () => {
    const [hit] = kb.search('forgot password');
    expect(hit).toEqual({
      id: 'reset-password',
      title: 'Resetting your password',
      snippet: expect.stringContaining('password'),
    });
  });

  it('cuts snippets of plain text of at most 200 characters around the first matched term', () => {
    const queries = [
      'password',
      'parcel',
      'refund',
      'VAT number',
      'customs duties',
      'backup codes',
      'chargeback',
    ];
    for (const query of queries) {
      for (const { snippet } of kb.search(query, 12)) {
        expect(snippet.length).toBeGreaterThan(0);
        expect(snippet.length).toBeLessThanOrEqual(200);
        expect(snippet).not.toMatch(/[#*`|]|\]\(|\n/);
      }
    }
    const [vat] = kb.search('VAT number');
    expect(vat?.snippet).toMatch(/VAT number/);
    expect(vat?.snippet.startsWith('…')).toBe(true);
  });

  it('handles a 10 000-character query without throwing, reading only its first 500 characters', () => {
    const long = 'password '.repeat(1200);
    expect(long.length).toBeGreaterThan(10_000);
    expect(() => kb.search(long)).not.toThrow();
    expect(kb.search(long)[0]?.id).toBe('reset-password');
    expect(kb.search(`${' '.repeat(500)}password`)).toEqual([]);
    expect(() => kb.search('x'.repeat(10_000))).not.toThrow();
  });

  it('serves as the KnowledgeBase port', () => {
    const port: KnowledgeBase = kb;
    expect(port.search('track my order')[0]?.id).toBe('track-order');
  });
});

describe('KB folder', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-kb-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails with a clear error naming a missing folder', () => {
    const missing = join(dir, 'no-such-kb');
    expect(() => new KbSearch({ articlesDir: missing })).toThrow(
      `Knowledge base folder not found: ${missing}`,
    );
  });

  it('fails with a clear error naming a folder without articles', () => {
    writeFileSync(join(dir, 'notes.txt'), 'not an article');
    expect(() => new KbSearch({ articlesDir: dir })).toThrow(
      `Knowledge base folder has no *.md articles: ${dir}`,
    );
  });

  it('reads only top-level *.md files, names them by file name, and falls back to the id as title', () => {
    writeFileSync(
      join(dir, 'gift-cards.md'),
      'Intro line.\n\n# Gift **cards**\n\nRedeem a gift card at checkout.\n',
    );
    writeFileSync(join(dir, 'untitled.md'), 'Just text about vouchers.\n');
    writeFileSync(join(dir, 'readme.txt'), '# Not an article');
    mkdirSync(join(dir, 'drafts'));
    writeFileSync(join(dir, 'drafts', 'draft.md'), '# Draft\n\nvouchers');
    const small = new KbSearch({ articlesDir: dir });
    expect(small.size).toBe(2);
    expect(small.article('gift-cards')).toEqual({
      id: 'gift-cards',
      title: 'Gift cards',
      body: 'Intro line.\n\nRedeem a gift card at checkout.',
    });
    expect(small.article('untitled')?.title).toBe('untitled');
    expect(small.search('vouchers')).toEqual([
      { id: 'untitled', title: 'untitled', snippet: 'Just text about vouchers.' },
    ]);
  });

  it('shows a link’s text, not its address, and drops Markdown syntax from snippets', () => {
    writeFileSync(
      join(dir, 'links.md'),
      '# Links\n\n## Where to go\n\n1. Open [Account settings](https://example.com/account) and `Security`.\n> Tip: use ~~old~~ **new** codes.\n',
    );
    const [hit] = new KbSearch({ articlesDir: dir }).search('settings');
    expect(hit?.snippet).toBe('Where to go. Open Account settings and Security. Tip: use old new codes.');
  });

  it('keeps snippets of long articles within 200 characters around a match near the end', () => {
    const filler = 'Lorem ipsum dolor sit amet consectetur adipiscing elit. '.repeat(20);
    writeFileSync(join(dir, 'long.md'), `# Long\n\n${filler}\n\nThe **secret** word is *zebra*.\n`);
    const [hit] = new KbSearch({ articlesDir: dir }).search('zebra');
    expect(hit?.snippet.length).toBeLessThanOrEqual(200);
    expect(hit?.snippet).toMatch(/^….*The secret word is zebra\.$/);
  });
});
