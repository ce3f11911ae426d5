import { SUMMARY_MAX_LINES } from '../../src/cards/card-data';
import { CardRenderer } from '../../src/cards/render-card';
import {
  actionsWithVerb,
  dataOf,
  executeActions,
  objectsOfType,
  textBlocks,
  visibleTexts,
} from '../support/cards';
import {
  NOTES,
  NOW,
  T0,
  activeConversationView,
  closeConfirmView,
  customerMessageView,
  dashboardView,
  floorCardView,
  helpView,
  kbSearchView,
  noticeView,
  readOnlyVisitorConversation,
} from '../support/fixtures';

const renderer = new CardRenderer();

function verbsAndData(card: ReturnType<CardRenderer['renderAgentView']>) {
  return executeActions(card).map((action) => [action['verb'], dataOf(action)]);
}

describe('the customer message card', () => {
  const card = renderer.renderAgentView(customerMessageView(), { now: NOW });

  it('is compact: icon, "!", title, sentiment and time, then the text', () => {
    expect(textBlocks(card)).toEqual([
      'Ke',
      '!',
      'Kenny Smith',
      'Slightly negative · 14:06 UTC',
      'The router still blinks red after the reset.',
    ]);
  });

  it('shows no "!" without an alert', () => {
    const calm = renderer.renderAgentView(customerMessageView({ alert: false }), { now: NOW });
    expect(textBlocks(calm)).not.toContain('!');
  });

  it('shows the visible " (truncated)" note the app put on capped text, once', () => {
    const cut = renderer.renderAgentView(
      customerMessageView({ text: 'Long story (truncated)', truncated: true }),
    );
    expect(textBlocks(cut).filter((text) => text.includes('(truncated)'))).toEqual([
      'Long story (truncated)',
    ]);
    expect(textBlocks(card).some((text) => text.includes('(truncated)'))).toBe(false);
  });

  it('has a multiline reply box "text", Reply and Open session for its session, each naming the card\'s session', () => {
    expect(objectsOfType(card, 'Input.Text')).toEqual([
      expect.objectContaining({ id: 'text', isMultiline: true, value: '' }),
    ]);
    expect(verbsAndData(card)).toEqual([
      ['reply', { sessionId: 'wi-kenny', cardSessionId: 'wi-kenny' }],
      ['focus', { sessionId: 'wi-kenny', cardSessionId: 'wi-kenny' }],
    ]);
  });

  it("pre-fills the reply box with the session's saved draft", () => {
    const drafted = renderer.renderAgentView(customerMessageView({ draft: 'Let me check that for you' }));
    expect(objectsOfType(drafted, 'Input.Text')).toEqual([
      expect.objectContaining({ id: 'text', value: 'Let me check that for you' }),
    ]);
  });
});

describe('the active conversation card', () => {
  const card = renderer.renderAgentView(activeConversationView(), { now: NOW });

  it('shows customer, account, case, channel, start, sentiment and status as facts', () => {
    expect(objectsOfType(card, 'FactSet')[0]?.['facts']).toEqual([
      { title: 'Customer', value: 'Kenny Smith' },
      { title: 'Account', value: 'Contoso Ltd' },
      { title: 'Case', value: 'Broken router' },
      { title: 'Channel', value: 'Microsoft Teams' },
      { title: 'Started', value: '14:05 UTC' },
      { title: 'Sentiment', value: 'Slightly negative' },
      { title: 'Status', value: 'Active' },
    ]);
  });

  it('shows the pre-chat answers as facts', () => {
    expect(objectsOfType(card, 'FactSet')[1]?.['facts']).toEqual([{ title: 'Topic', value: 'Hardware' }]);
  });

  it('shows the conversation summary as "Customer:" and "You:" lines', () => {
    expect(textBlocks(card)).toEqual(
      expect.arrayContaining([
        'Conversation summary',
        '**Customer:** My router is broken.',
        '**You:** Sorry to hear that. Did you try a reset?',
        '**Customer:** Yes, it still blinks red.',
      ]),
    );
  });

  it(`keeps the last ${SUMMARY_MAX_LINES} lines of a long summary`, () => {
    const summary = Array.from({ length: 30 }, (_, index) => ({
      from: 'customer' as const,
      text: `message ${index}`,
      at: T0 + index,
    }));
    const long = renderer.renderAgentView(activeConversationView({ summary }), { now: NOW });
    const lines = textBlocks(long).filter((text) => text.startsWith('**Customer:**'));
    expect(lines).toHaveLength(SUMMARY_MAX_LINES);
    expect(lines[0]).toBe('**Customer:** message 10');
    expect(lines.at(-1)).toBe('**Customer:** message 29');
  });

  it("has the reply box and Reply, End, Close, Notes and Transfer for its session, each naming the card's session", () => {
    expect(objectsOfType(card, 'Input.Text').map((input) => input['id'])).toEqual(['text']);
    expect(verbsAndData(card)).toEqual([
      ['reply', { sessionId: 'wi-kenny', cardSessionId: 'wi-kenny' }],
      ['end', { sessionId: 'wi-kenny', cardSessionId: 'wi-kenny' }],
      ['close', { sessionId: 'wi-kenny', cardSessionId: 'wi-kenny' }],
      ['note', { sessionId: 'wi-kenny', keepCard: true }],
      ['transfer', { sessionId: 'wi-kenny', cardSessionId: 'wi-kenny', keepCard: true }],
    ]);
  });

  it('opens the notes without submitting the reply box, which would otherwise be taken for the note', () => {
    const notes = executeActions(card).find((action) => action['verb'] === 'note');
    expect(notes?.['associatedInputs']).toBe('none');
  });

  it('says a transfer is pending, offers no second Transfer, and shows the latest notes', () => {
    const pending = renderer.renderAgentView(
      activeConversationView({ notes: NOTES, transferPendingTo: 'Grace Hopper' }),
      { now: NOW },
    );
    expect(textBlocks(pending)).toContain(
      'Transfer to Grace Hopper pending: the conversation stays yours until they accept.',
    );
    expect(verbsAndData(pending).map(([verb]) => verb)).not.toContain('transfer');
    expect(textBlocks(pending)).toContain('Customer prefers email follow-up');
    expect(executeActions(pending).find((action) => action['verb'] === 'note')?.['title']).toBe('Notes (2)');
  });

  it("pre-fills the reply box with the session's saved draft", () => {
    const drafted = renderer.renderAgentView(activeConversationView({ draft: 'Try unplugging it' }), {
      now: NOW,
    });
    expect(objectsOfType(drafted, 'Input.Text')).toEqual([
      expect.objectContaining({ id: 'text', value: 'Try unplugging it' }),
    ]);
    expect(objectsOfType(card, 'Input.Text')[0]?.['value']).toBe('');
  });

  it('read only: says "Closed — read only" and has no reply box and no actions', () => {
    const readOnly = renderer.renderAgentView(readOnlyVisitorConversation(), { now: NOW });
    expect(textBlocks(readOnly)).toContain('Closed — read only');
    expect(objectsOfType(readOnly, 'Input.Text')).toEqual([]);
    expect(executeActions(readOnly)).toEqual([]);
    expect(textBlocks(card)).not.toContain('Closed — read only');
  });

  it('for an unnamed visitor shows the title as the customer, dashes for account and case, and no pre-chat', () => {
    const visitor = renderer.renderAgentView(readOnlyVisitorConversation(), { now: NOW });
    const facts = objectsOfType(visitor, 'FactSet');
    expect(facts).toHaveLength(1);
    expect(facts[0]?.['facts']).toEqual([
      { title: 'Customer', value: 'Visitor 2' },
      { title: 'Account', value: '—' },
      { title: 'Case', value: '—' },
      { title: 'Channel', value: 'Web chat' },
      { title: 'Started', value: '2025-11-22 14:05 UTC' },
      { title: 'Sentiment', value: 'Neutral' },
      { title: 'Status', value: 'Closed' },
    ]);
    expect(textBlocks(visitor)).toContain('No messages yet.');
  });
});

describe('the KB search card', () => {
  it('has the "query" input with the current query and a kbSearch action for the session', () => {
    const card = renderer.renderAgentView(kbSearchView());
    expect(objectsOfType(card, 'Input.Text')).toEqual([
      expect.objectContaining({ id: 'query', value: 'router reset' }),
    ]);
    expect(verbsAndData(card)).toEqual([['kbSearch', { sessionId: 'wi-kenny' }]]);
  });

  it('lists the articles found', () => {
    const card = renderer.renderAgentView(kbSearchView());
    expect(textBlocks(card)).toEqual(
      expect.arrayContaining([
        'Reset a router',
        'Hold the reset button for 10 seconds.',
        'Router lights',
        'A red light means no connection.',
      ]),
    );
  });

  it('says when nothing matched, and prompts before any search', () => {
    const none = renderer.renderAgentView(kbSearchView({ query: 'warranty', results: [] }));
    expect(textBlocks(none)).toContain('No articles match “warranty”.');
    const fresh = renderer.renderAgentView(kbSearchView({ query: '', results: [] }));
    expect(textBlocks(fresh)).toContain('Type keywords and select Search.');
    expect(textBlocks(fresh).some((text) => text.startsWith('No articles'))).toBe(false);
  });
});

describe('the Home dashboard card', () => {
  const card = renderer.renderAgentView(dashboardView(), { now: NOW });

  it('has the four sections with their counts', () => {
    expect(textBlocks(card)).toEqual(
      expect.arrayContaining([
        'My work items (1)',
        'Open work items (2)',
        'Waiting work items (1)',
        'Closed work items (1)',
      ]),
    );
  });

  it('offers Pick on open work items and Open on my, waiting and closed ones, carrying {workItemId}', () => {
    expect(executeActions(card).map((action) => [action['title'], action['verb'], dataOf(action)])).toEqual([
      ['Open', 'open', { workItemId: 'wi-kenny' }],
      ['Pick', 'pick', { workItemId: 'wi-visitor-8' }],
      ['Pick', 'pick', { workItemId: 'wi-visitor-9' }],
      ['Open', 'open', { workItemId: 'wi-lee' }],
      ['Open', 'open', { workItemId: 'wi-old' }],
    ]);
  });

  it('describes each row with channel, state and since when', () => {
    expect(textBlocks(card)).toEqual(
      expect.arrayContaining([
        'Visitor 8',
        'Web chat · Open since 14:05 UTC',
        'Lee Gu',
        'Facebook · Waiting since 2025-11-21 14:05 UTC',
      ]),
    );
  });

  it('shows an empty-state line per empty section', () => {
    const empty = renderer.renderAgentView(
      dashboardView({ myItems: [], openItems: [], waitingItems: [], closedItems: [] }),
    );
    expect(textBlocks(empty)).toEqual(
      expect.arrayContaining([
        'Nothing is assigned to you.',
        'The queue is empty.',
        'No conversation is waiting.',
        'No closed conversations.',
      ]),
    );
    expect(executeActions(empty)).toEqual([]);
    expect(textBlocks(card)).not.toContain('The queue is empty.');
  });
});

describe('the close confirmation card', () => {
  const card = renderer.renderAgentView(closeConfirmView);

  it('asks "Close <title>?" and explains Close versus End', () => {
    expect(textBlocks(card)).toEqual([
      'Close Kenny Smith?',
      'The conversation moves to Waiting; the customer can come back to it within the waiting period. Use End to finish it.',
    ]);
  });

  it('has closeConfirm and closeCancel for the session', () => {
    expect(verbsAndData(card)).toEqual([
      ['closeConfirm', { sessionId: 'wi-kenny' }],
      ['closeCancel', { sessionId: 'wi-kenny' }],
    ]);
  });
});

describe('the notice card', () => {
  it('shows the title in the tone colour and the text', () => {
    const card = renderer.renderAgentView(noticeView);
    expect(objectsOfType(card, 'TextBlock')).toEqual([
      expect.objectContaining({ text: 'Maximum sessions reached', color: 'Warning' }),
      expect.objectContaining({ text: 'Maximum sessions reached. Close a session before opening another.' }),
    ]);
    expect(executeActions(card)).toEqual([]);
  });

  it.each([
    ['default', 'Default'],
    ['good', 'Good'],
    ['warning', 'Warning'],
    ['attention', 'Attention'],
  ] as const)('maps the %s tone to the %s colour', (tone, color) => {
    const card = renderer.renderAgentView({ ...noticeView, tone });
    expect(objectsOfType(card, 'TextBlock')[0]?.['color']).toBe(color);
  });
});

describe('the floor card', () => {
  it('shows the counts, the longest waits with their place in the queue, and the team with presence and load', () => {
    const card = renderer.renderAgentView(floorCardView(), { now: NOW });
    expect(visibleTexts(card)).toEqual(
      expect.arrayContaining([
        'The floor',
        'Open 2 · Active 1 · Waiting 0 · Wrap-up 1',
        'Visitor 7',
        '1 h 23 min',
        '#1',
        '45 s',
        'Ada Lovelace',
        'Busy',
        '1 / 3',
        'Sam Supervisor (supervisor)',
      ]),
    );
    expect(JSON.stringify(card)).not.toContain('<b>');
  });

  it('says so when nobody is waiting', () => {
    const card = renderer.renderAgentView(floorCardView({ longestWaits: [] }), { now: NOW });
    expect(visibleTexts(card)).toContain('Nobody is waiting in the queue.');
  });
});

describe('the help card', () => {
  it('lists the chat commands with one-line explanations', () => {
    const card = renderer.renderAgentView(helpView);
    const facts = objectsOfType(card, 'FactSet')[0]?.['facts'];
    expect(Array.isArray(facts) && facts.map((fact) => (fact as { title: string }).title)).toEqual([
      'sessions',
      'presence available|busy|dnd|away|offline',
      'end',
      'close',
      '/q words or #tag',
      '/t',
      '/c',
      '/note text',
      'help',
      'floor',
    ]);
    expect(visibleTexts(card)).toContain('Any other text is sent to the customer of the focused session.');
    expect(actionsWithVerb(card, 'focus')).toEqual([]);
  });
});
