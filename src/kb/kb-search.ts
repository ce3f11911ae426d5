import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import MiniSearch from 'minisearch';
import type { KbArticleHit } from '../app/views';

/**
 * The knowledge base the KB Search page asks. The app layer declares a structurally identical port;
 * keep this signature exactly as it is.
 */
export interface KnowledgeBase {
  search(query: string, limit?: number): KbArticleHit[];
}

/** One article: the id is the file name without `.md`, the title its first `# Heading`. */
export interface KbArticle {
  readonly id: string;
  readonly title: string;
  /** The Markdown after the title line, trimmed. */
  readonly body: string;
}

export interface KbSearchOptions {
  /** Folder of `*.md` articles; defaults to the repository's `kb/` (works from src/ and dist/). */
  articlesDir?: string;
}

export const DEFAULT_LIMIT = 5;
export const MAX_QUERY_CHARS = 500;
export const MAX_SNIPPET_CHARS = 200;
/** How much of the snippet comes before the first matched term. */
const SNIPPET_LEAD_CHARS = 60;
/** Searches remembered with their hits (see KbSearch.recent). */
const RECENT_SEARCHES = 500;
const ELLIPSIS = '…';

/** From src/kb or dist/kb, two levels up is the repository root. */
export const DEFAULT_ARTICLES_DIR = resolve(__dirname, '..', '..', 'kb');

/**
 * English stop-words (NLTK's list, the pieces contractions split into, and chat greetings).
 * Removed from both the index and the query, so a query made only of them finds nothing.
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against ain all am an and any are aren as at be because been before being
  below between both but by can couldn d did didn do does doesn doing don down during each few for from
  further had hadn has hasn have haven having he her here hers herself him himself his how i if in into
  is isn it its itself just ll m ma me mightn more most mustn my myself needn no nor not now o of off on
  once only or other our ours ourselves out over own re s same shan she should shouldn so some such t
  than that the their theirs them themselves then there these they this those through to too under until
  up ve very was wasn we were weren what when where which while who whom why will with won wouldn y you
  your yours yourself yourselves hi hello hey please thanks thank`.split(/\s+/),
);

interface IndexedArticle extends KbArticle {
  /** The body as plain text: what is indexed and what snippets are cut from. */
  readonly text: string;
}

/** Full-text search over the Markdown articles of one folder, loaded and indexed once. */
export class KbSearch implements KnowledgeBase {
  private readonly articles: ReadonlyMap<string, IndexedArticle>;
  private readonly index: MiniSearch<IndexedArticle>;
  /**
   * The latest searches and their hits. Every read of a session suggests articles for the customer's latest
   * message, so the tab asks the same query again and again; the articles never change after loading.
   */
  private readonly recent = new Map<string, readonly KbArticleHit[]>();

  /**
   * Reads every `*.md` file of `articlesDir` (not its subfolders) and indexes it.
   * Throws, naming the folder, when it is missing or holds no articles.
   */
  constructor(options: KbSearchOptions = {}) {
    const articles = readArticles(resolve(options.articlesDir ?? DEFAULT_ARTICLES_DIR));
    this.articles = new Map(articles.map((article) => [article.id, article]));
    this.index = new MiniSearch<IndexedArticle>({
      fields: ['title', 'text'],
      processTerm,
      searchOptions: {
        boost: { title: 3 },
        prefix: true,
        fuzzy: 0.2,
        // One typo per word at most: two let longer words match other words, and took twice the time per query.
        maxFuzzy: 1,
        combineWith: 'OR',
        processTerm,
      },
    });
    this.index.addAll(articles);
  }

  /** How many articles are loaded. */
  get size(): number {
    return this.articles.size;
  }

  /** The article with this id, or undefined. */
  article(id: string): KbArticle | undefined {
    const found = this.articles.get(id);
    return found && { id: found.id, title: found.title, body: found.body };
  }

  /**
   * Best matches first, at most `limit`. The query is cut at 500 characters; an empty one, or one
   * made only of stop-words or punctuation, finds nothing.
   */
  search(query: string, limit: number = DEFAULT_LIMIT): KbArticleHit[] {
    const max = Number.isNaN(limit) ? DEFAULT_LIMIT : Math.max(0, Math.floor(limit));
    const text = typeof query === 'string' ? query.slice(0, MAX_QUERY_CHARS).trim() : '';
    if (!text || max === 0) return [];
    const key = `${max}\u0000${text}`;
    const known = this.recent.get(key);
    if (known) {
      // Most recently used last: the oldest is the first a full memo forgets.
      this.recent.delete(key);
      this.recent.set(key, known);
      return [...known];
    }
    const hits = this.find(text, max);
    if (this.recent.size >= RECENT_SEARCHES) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, hits);
    return [...hits];
  }

  private find(text: string, max: number): KbArticleHit[] {
    const hits: KbArticleHit[] = [];
    for (const result of this.index.search(text)) {
      const article = this.articles.get(String(result.id));
      if (!article) continue;
      hits.push({ id: article.id, title: article.title, snippet: snippetAround(article.text, result.terms) });
      if (hits.length >= max) break;
    }
    return hits;
  }
}

function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return lower && !STOP_WORDS.has(lower) ? lower : null;
}

function readArticles(dir: string): IndexedArticle[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`Knowledge base folder not found: ${dir} (expected a folder of *.md articles)`);
  }
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && extname(entry.name).toLowerCase() === '.md')
    .map((entry) => entry.name)
    .sort();
  if (files.length === 0) {
    throw new Error(`Knowledge base folder has no *.md articles: ${dir}`);
  }
  return files.map((file) =>
    parseArticle(basename(file, extname(file)), readFileSync(join(dir, file), 'utf8')),
  );
}

/** The first `# Heading` is the title; everything after it is the body. Without one, the id is the title. */
function parseArticle(id: string, markdown: string): IndexedArticle {
  const lines = markdown.replace(/^\uFEFF/, '').split(/\r?\n/);
  const titleAt = lines.findIndex((line) => /^\s{0,3}#\s+\S/.test(line));
  const titleLine = titleAt >= 0 ? lines[titleAt] : undefined;
  const title = titleLine
    ? inlineToPlain(titleLine.replace(/^\s{0,3}#\s+/, '').replace(/\s+#+\s*$/, ''))
    : id;
  const body = (titleAt >= 0 ? [...lines.slice(0, titleAt), ...lines.slice(titleAt + 1)] : lines)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { id, title, body, text: markdownToPlainText(body) };
}

/** Markdown to one line of plain text: no headings, list markers, emphasis, links, code marks or tables. */
function markdownToPlainText(markdown: string): string {
  const blocks: string[] = [];
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || /^(```|~~~)/.test(line) || /^([-*_])(\s*\1){2,}$/.test(line)) continue;
    if (/^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/.test(line)) continue; // table separator row
    let block: string;
    let isItem = true;
    if (/^#{1,6}\s/.test(line)) block = line.replace(/^#{1,6}\s+/, '').replace(/\s+#+$/, '');
    else if (/^>/.test(line)) block = line.replace(/^(>\s?)+/, '');
    else if (/^([-*+]|\d{1,9}[.)])\s+/.test(line)) block = line.replace(/^([-*+]|\d{1,9}[.)])\s+/, '');
    else if (line.startsWith('|')) {
      block = line
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim())
        .filter(Boolean)
        .join(', ');
    } else {
      block = line;
      isItem = false;
    }
    const plain = inlineToPlain(block);
    if (!plain) continue;
    // Headings, list items and table rows are sentences of their own once the line breaks go.
    blocks.push(isItem && !/[.!?:;,]$/.test(plain) ? `${plain}.` : plain);
  }
  return blocks.join(' ');
}

function inlineToPlain(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\p{L}\p{N}])[*_](\S(?:.*?\S)?)[*_](?![\p{L}\p{N}])/gu, '$1$2')
    .replace(/~~(.+?)~~/g, '$1')
    .replace(/`+/g, '')
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** At most 200 characters of `text`, cut at word boundaries around the earliest of `terms`. */
function snippetAround(text: string, terms: readonly string[]): string {
  if (text.length <= MAX_SNIPPET_CHARS) return text;
  const at = firstOccurrence(text, terms);
  let start = at < 0 ? 0 : Math.max(0, Math.min(at - SNIPPET_LEAD_CHARS, text.length - MAX_SNIPPET_CHARS));
  if (start > 0) {
    // Start on a whole word, but never after the match itself.
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < at) start = space + 1;
  }
  const lead = start > 0 ? ELLIPSIS : '';
  const room = MAX_SNIPPET_CHARS - lead.length;
  if (text.length - start <= room) return lead + text.slice(start);
  const window = text.slice(start, start + room - ELLIPSIS.length);
  const lastSpace = window.lastIndexOf(' ');
  const cut = (lastSpace > room / 2 ? window.slice(0, lastSpace) : window).replace(/[\s,;:.]+$/, '');
  return lead + cut + ELLIPSIS;
}

function firstOccurrence(text: string, terms: readonly string[]): number {
  let first = -1;
  for (const term of terms) {
    if (!term) continue;
    const match = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term)}`, 'iu').exec(text);
    if (match && (first < 0 || match.index < first)) first = match.index;
  }
  return first;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
