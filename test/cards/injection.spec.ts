import type { AgentView } from '../../src/app/views';
import { escapeCardText } from '../../src/cards/escape';
import { CardRenderer } from '../../src/cards/render-card';
import {
  emptyAgentSessions,
  focusSession,
  openSession,
  panelRows,
  recordCustomerMessage,
} from '../../src/domain/agent-sessions';
import { sessionIcon } from '../../src/domain/session-icon';
import {
  adaptiveCardProblems,
  allObjects,
  allStrings,
  executeActions,
  structureOf,
  visibleTexts,
} from '../support/cards';
import {
  NOW,
  activeConversationView,
  closeConfirmView,
  customerMessageView,
  dashboardView,
  kbSearchView,
  noticeView,
  offerView,
  panelView,
} from '../support/fixtures';

const renderer = new CardRenderer();

const HOSTILE: ReadonlyArray<[string, string]> = [
  ['a markdown link', '[click](http://evil)'],
  ['an image link', '![x](http://evil/pixel.png)'],
  ['bold', '**bold**'],
  ['a mention', '<at>Agent</at>'],
  ['a script tag', '<script>alert(1)</script>'],
  ['card JSON', '{"type":"Action.OpenUrl","title":"Pay","url":"http://evil"}'],
  ['a template expression', '${evil}'],
  ['a template expression reaching the root', '${$root.workItemId} ${$root.sessionId}'],
  ['a date function', '{{DATE(2017-02-14T06:08:39Z, SHORT)}}'],
  ['block markdown', '# Heading\n- item\n1. first\n> quote'],
  ['control characters', 'a\u0000b\u001b[31mred\u202Eevil'],
];

const BENIGN = 'Plain words';

/** A panel whose session is titled by the customer, built with the domain rules like the real one. */
function panelTitled(title: string): AgentView {
  let sessions = emptyAgentSessions();
  sessions = openSession(sessions, { id: 'wi-x', kind: 'conversation', title }, { maxSessions: 10, now: 0 });
  sessions = focusSession(sessions, 'home');
  for (let index = 0; index < 3; index++) sessions = recordCustomerMessage(sessions, 'wi-x', 'Very negative');
  return panelView({
    rows: panelRows(sessions, 'slightly-negative'),
    focusedTitle: title,
    agentName: title,
    notice: title,
  });
}

/** Every customer-provided (or outside) string of each view kind set to `text`. */
const POISONED: ReadonlyArray<[string, (text: string) => AgentView]> = [
  ['panel', panelTitled],
  [
    'offer',
    (text) =>
      offerView('pending', {
        title: text,
        icon: sessionIcon(text),
        channel: text,
        firstMessage: text,
        prechat: [{ question: text, answer: text }],
      }),
  ],
  [
    'customer message',
    (text) => customerMessageView({ title: text, icon: sessionIcon(text), text, truncated: true }),
  ],
  [
    'active conversation',
    (text) =>
      activeConversationView({
        title: text,
        contactName: text,
        accountName: text,
        caseTitle: text,
        channel: text,
        prechat: [{ question: text, answer: text }],
        summary: [
          { from: 'customer', text, at: NOW },
          { from: 'agent', text, at: NOW },
        ],
        state: 'closed',
        readOnly: true,
        csat: { rating: 2, comment: text, answeredAt: NOW },
      }),
  ],
  [
    'kb search',
    (text) => kbSearchView({ query: text, results: [{ id: 'kb-1', title: text, snippet: text }] }),
  ],
  [
    'dashboard',
    (text) =>
      dashboardView({
        openItems: [{ workItemId: 'wi-1', title: text, channel: text, state: 'open', since: NOW }],
      }),
  ],
  ['close confirm', (text) => ({ ...closeConfirmView, title: text })],
  ['notice', (text) => ({ ...noticeView, title: text, text })],
];

/** Strings a client shows: markdown texts and facts, plus plain-text tooltips (not input values or action data). */
function renderedStrings(card: ReturnType<CardRenderer['renderAgentView']>): string[] {
  const tooltips = allObjects(card)
    .map((object) => object['tooltip'])
    .filter((tooltip): tooltip is string => typeof tooltip === 'string');
  return [...visibleTexts(card), ...tooltips];
}

describe.each(POISONED)('customer text on the %s card', (_kind, poisoned) => {
  const benign = renderer.renderAgentView(poisoned(BENIGN), { now: NOW });

  it.each(HOSTILE)('stays inert when it is %s', (_what, hostile) => {
    const card = renderer.renderAgentView(poisoned(hostile), { now: NOW });

    expect(structureOf(card)).toEqual(structureOf(benign));
    expect(executeActions(card)).toHaveLength(executeActions(benign).length);
    expect(adaptiveCardProblems(card)).toEqual([]);

    for (const shown of visibleTexts(card)) {
      const text = shown.replace(/^\*\*(Customer|You):\*\* /, ''); // the summary's own bold label
      expect(text).not.toMatch(/(^|[^\\])\]\(/);
      expect(text).not.toMatch(/(^|[^\\])\*\*/);
      expect(text).not.toContain('{{');
    }
    for (const text of renderedStrings(card)) {
      expect(text).not.toContain('<');
      // eslint-disable-next-line no-control-regex -- no control character may reach the card
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    }
    for (const text of allStrings(card)) expect(text).not.toMatch(/<at/i);
  });
});

describe('customer text through templating', () => {
  it('comes out literally, not evaluated against the card data', () => {
    const card = renderer.renderAgentView(
      offerView('pending', { firstMessage: '${$root.workItemId} ${evil}' }),
    );
    expect(visibleTexts(card)).toContain(escapeCardText('${$root.workItemId} ${evil}'));
    expect(visibleTexts(card).some((text) => text.includes('wi-visitor-8'))).toBe(false);
  });

  it('shows the escaped text exactly where the customer text goes', () => {
    const hostile = '[click](http://evil) **bold** <at>Agent</at>';
    const card = renderer.renderAgentView(customerMessageView({ text: hostile }));
    expect(visibleTexts(card)).toContain('\\[click\\](http://evil) \\*\\*bold\\*\\* ＜at＞Agent＜/at＞');
  });

  it('keeps the kb query input value as typed, minus control characters and angle brackets', () => {
    const card = renderer.renderAgentView(kbSearchView({ query: 'reset *router*\u0000 <at>' }));
    const input = allObjects(card).find((object) => object['id'] === 'query');
    expect(input?.['value']).toBe('reset *router* ＜at＞');
  });
});

/** The agent's own saved reply draft: literal in the reply box (it is sent back as typed), never markup. */
const DRAFTED: ReadonlyArray<[string, (draft: string) => AgentView]> = [
  ['customer message', (draft) => customerMessageView({ draft })],
  ['active conversation', (draft) => activeConversationView({ draft })],
];

function replyBox(card: ReturnType<CardRenderer['renderAgentView']>) {
  const boxes = allObjects(card).filter((object) => object['type'] === 'Input.Text');
  expect(boxes).toHaveLength(1);
  return boxes[0]!;
}

describe.each(DRAFTED)('a reply draft on the %s card', (_kind, drafted) => {
  const benign = renderer.renderAgentView(drafted(BENIGN), { now: NOW });

  it.each([
    ...HOSTILE,
    ['a template expression', '${x}'],
    ['quotes', `He said "it's broken" \\" '`],
    ['newlines', 'line one\nline two\r\nline three\rline four'],
    ['JSON punctuation', '"}]}, {"type": "Action.OpenUrl"'],
  ])('keeps the card structure when it is %s', (_what, draft) => {
    const card = renderer.renderAgentView(drafted(draft), { now: NOW });
    expect(structureOf(card)).toEqual(structureOf(benign));
    expect(executeActions(card)).toEqual(executeActions(benign));
    expect(visibleTexts(card)).toEqual(visibleTexts(benign));
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(replyBox(card)['id']).toBe('text');
  });

  it('puts it in the reply box literally: `${x}`, quotes, newlines and markdown survive', () => {
    const draft = 'Hi ${x} and ${$root.sessionId}, "quoted" \'single\'\nnext line **not bold** <at>me</at>';
    expect(replyBox(renderer.renderAgentView(drafted(draft), { now: NOW }))['value']).toBe(draft);
  });

  it('only strips control characters (CR LF becomes LF, a tab a space)', () => {
    const card = renderer.renderAgentView(drafted('a\u0000b\u001b[31m\r\nc\td\u202Ee'), { now: NOW });
    expect(replyBox(card)['value']).toBe('ab[31m\nc de');
  });
});

it('a read-only Active Conversation has no reply box, so no draft anywhere', () => {
  const card = renderer.renderAgentView(activeConversationView({ readOnly: true, draft: 'secret draft' }), {
    now: NOW,
  });
  expect(allObjects(card).filter((object) => object['type'] === 'Input.Text')).toEqual([]);
  expect(allStrings(card).some((text) => text.includes('secret draft'))).toBe(false);
});
