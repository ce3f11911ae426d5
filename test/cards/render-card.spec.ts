import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  CARD_KINDS,
  CardRenderer,
  CardTemplateError,
  DEFAULT_CARDS_DIR,
  renderAgentView,
} from '../../src/cards/render-card';
import { ALL_VERBS, isVerb } from '../../src/cards/verbs';
import {
  adaptiveCardProblems,
  allObjects,
  allStrings,
  dataOf,
  executeActions,
  fallbackOf,
  objectsOfType,
} from '../support/cards';
import { NOW, helpView, noticeView, representativeViews } from '../support/fixtures';

const renderer = new CardRenderer();

/** One whole-card snapshot per kind of card (the first view of each); the variants are pinned by structure. */
const SNAPSHOTTED = new Set(
  representativeViews()
    .filter(([, view], index, all) => all.findIndex(([, other]) => other.kind === view.kind) === index)
    .map(([name]) => name),
);

describe.each(representativeViews())('the %s card', (name, view) => {
  const card = renderer.renderAgentView(view, { now: NOW });

  it('parses with the adaptivecards library without errors or warnings', () => {
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  it('is a schema 1.5 Adaptive Card', () => {
    expect(card.type).toBe('AdaptiveCard');
    expect(card.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
    expect(card.version).toBe('1.5');
  });

  it('leaves no template expression unexpanded', () => {
    expect(allStrings(card).filter((value) => value.includes('${'))).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('$when');
    expect(JSON.stringify(card)).not.toContain('"$data"');
  });

  it('gives every Action.Execute a known verb and an Action.Submit fallback carrying the same data plus the verb', () => {
    for (const action of executeActions(card)) {
      expect(isVerb(action['verb'])).toBe(true);
      const fallback = fallbackOf(action);
      expect(fallback['type']).toBe('Action.Submit');
      expect(dataOf(fallback)).toEqual({ ...dataOf(action), verb: action['verb'] });
      expect(fallback['title']).toBe(action['title']);
    }
  });

  it('uses no action but Action.Execute, each with exactly one Action.Submit fallback', () => {
    const actionTypes = allObjects(card)
      .map((object) => String(object['type']))
      .filter((type) => type.startsWith('Action.'));
    expect(new Set(actionTypes)).toEqual(
      new Set(actionTypes.length > 0 ? ['Action.Execute', 'Action.Submit'] : []),
    );
    expect(objectsOfType(card, 'Action.Submit')).toHaveLength(executeActions(card).length);
  });

  if (SNAPSHOTTED.has(name)) {
    it('matches its snapshot (one per card kind)', () => {
      expect(card).toMatchSnapshot();
    });
  }
});

describe('card templates', () => {
  it.each(CARD_KINDS)('cards/%s.json is a schema 1.5 template whose verbs are all known', (kind) => {
    const template = JSON.parse(readFileSync(join(DEFAULT_CARDS_DIR, `${kind}.json`), 'utf8')) as unknown;
    expect(template).toMatchObject({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
    });
    const verbs = [...JSON.stringify(template).matchAll(/"verb":\s*"([^"]+)"/g)].map((match) => match[1]);
    for (const verb of verbs) expect(ALL_VERBS).toContain(verb);
  });

  it('covers every verb of the contract across the cards', () => {
    const used = new Set(
      representativeViews().flatMap(([, view]) =>
        executeActions(renderer.renderAgentView(view, { now: NOW })).map((action) => action['verb']),
      ),
    );
    expect([...used].sort()).toEqual([...ALL_VERBS].sort());
  });
});

describe('CardRenderer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-cards-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the repo cards/ by default', () => {
    expect(DEFAULT_CARDS_DIR).toBe(join(__dirname, '..', '..', 'cards'));
    expect(renderAgentView(helpView).type).toBe('AdaptiveCard');
  });

  it('reads a template once and reuses it', () => {
    writeFileSync(
      join(dir, 'notice.json'),
      JSON.stringify({
        type: 'AdaptiveCard',
        version: '1.5',
        body: [{ type: 'TextBlock', text: '${title}' }],
      }),
    );
    const own = new CardRenderer({ cardsDir: dir });
    expect(own.renderAgentView(noticeView).body).toEqual([{ type: 'TextBlock', text: noticeView.title }]);
    writeFileSync(join(dir, 'notice.json'), 'not json any more');
    expect(own.renderAgentView(noticeView).body).toEqual([{ type: 'TextBlock', text: noticeView.title }]);
  });

  it('renders each view with its own expansion (no state leaks between calls)', () => {
    const first = renderer.renderAgentView({ ...noticeView, title: 'First' });
    first.body.splice(0);
    const second = renderer.renderAgentView({ ...noticeView, title: 'Second' });
    expect(first.body).toEqual([]);
    expect(objectsOfType(second, 'TextBlock')[0]?.['text']).toBe('Second');
  });

  it('reports a missing template with its path', () => {
    expect(() => renderAgentView(helpView, { cardsDir: dir })).toThrow(CardTemplateError);
    expect(() => renderAgentView(helpView, { cardsDir: dir })).toThrow(join(dir, 'help.json'));
  });

  it('refuses a template that is not an Adaptive Card', () => {
    writeFileSync(join(dir, 'help.json'), JSON.stringify({ type: 'Message' }));
    expect(() => renderAgentView(helpView, { cardsDir: dir })).toThrow('is not an Adaptive Card');
  });

  it('names the attachment content type', () => {
    expect(ADAPTIVE_CARD_CONTENT_TYPE).toBe('application/vnd.microsoft.card.adaptive');
  });
});
