import {
  PLACEHOLDER_NAMES,
  fillPlaceholders,
  normalizeTags,
  parseQuickReplyQuery,
  searchQuickReplies,
  tagProblem,
  unfilledReason,
  unknownPlaceholders,
  type QuickReply,
} from '../../src/domain/quick-replies';

const reply = (id: string, fields: Partial<QuickReply> = {}): QuickReply => ({
  id,
  title: id,
  text: `The ${id} text.`,
  tags: [],
  scope: 'shared',
  ...fields,
});

const SHELF: readonly QuickReply[] = [
  reply('greeting', { title: 'Greeting', text: 'Hi {customerName}, how can I help?', tags: ['opening'] }),
  reply('refund', {
    title: 'Refund started',
    text: 'Your refund reaches your card within 5–10 working days.',
    tags: ['billing', 'refund'],
  }),
  reply('invoice', {
    title: 'Send a copy of the invoice',
    text: 'Your invoices are under Account > Billing.',
    tags: ['billing', 'invoice'],
  }),
  reply('tracking', {
    title: 'Track an order',
    text: 'Follow your parcel under Account > Orders > Track.',
    tags: ['orders', 'shipping'],
  }),
  reply('my-refund', {
    title: 'My refund words',
    text: 'I have asked for your refund myself.',
    tags: ['refund'],
    scope: 'own',
  }),
];

const ids = (found: readonly QuickReply[]) => found.map((hit) => hit.id);

describe('placeholders', () => {
  const values = { customerName: 'Kenny Smith', agentName: 'Alex Agent', caseTitle: 'Router drops' };

  it('fills {customerName}, {agentName} and {caseTitle} wherever they are, as often as they appear', () => {
    const filled = fillPlaceholders(
      '{customerName}: {agentName} here about {caseTitle}. Bye {customerName}!',
      values,
    );
    expect(filled).toEqual({
      text: 'Kenny Smith: Alex Agent here about Router drops. Bye Kenny Smith!',
      unfilled: [],
    });
  });

  it('knows a placeholder whatever its case', () => {
    expect(fillPlaceholders('Hi {CustomerName}', values).text).toBe('Hi Kenny Smith');
  });

  it('leaves an unknown placeholder as written and names it once', () => {
    expect(fillPlaceholders('Order {orderNumber} for {customerName}, {orderNumber}', values)).toEqual({
      text: 'Order {orderNumber} for Kenny Smith, {orderNumber}',
      unfilled: ['{orderNumber}'],
    });
  });

  it('leaves {caseTitle} unfilled when the conversation has no case', () => {
    const { caseTitle: _none, ...noCase } = values;
    expect(fillPlaceholders('About {caseTitle}', noCase).unfilled).toEqual(['{caseTitle}']);
    expect(fillPlaceholders('About {caseTitle}', { ...noCase, caseTitle: '   ' }).unfilled).toEqual([
      '{caseTitle}',
    ]);
  });

  it('never reads a filled-in value as a placeholder', () => {
    const filled = fillPlaceholders('Hi {customerName}', { ...values, customerName: '{agentName}' });
    expect(filled).toEqual({ text: 'Hi {agentName}', unfilled: [] });
  });

  it('takes braces that do not hold one word for plain text', () => {
    const text = 'Use { } or {order number} or {1st} or {}';
    expect(fillPlaceholders(text, values)).toEqual({ text, unfilled: [] });
    expect(unknownPlaceholders(text)).toEqual([]);
  });

  it('lists the unknown placeholders of a text, once each', () => {
    expect(unknownPlaceholders('{a} {customerName} {a} {b}')).toEqual(['{a}', '{b}']);
  });

  it('says why a reply cannot be sent, naming what is missing and what to do', () => {
    const reason = unfilledReason(['{orderNumber}', '{caseTitle}']);
    expect(reason).toContain('{orderNumber} is not a placeholder the desk fills');
    expect(reason).toContain('{customerName}, {agentName} and {caseTitle}');
    expect(reason).toContain('{caseTitle} has nothing to fill it: no case is saved on this conversation.');
    expect(reason).toMatch(/Use Insert into reply and fill it in yourself\.$/);
    expect(PLACEHOLDER_NAMES).toEqual(['customerName', 'agentName', 'caseTitle']);
  });
});

describe('tags', () => {
  it('keeps tags lower case, without #, once each', () => {
    expect(normalizeTags(['#Billing', 'billing', ' refund ', '##VIP'])).toEqual(['billing', 'refund', 'vip']);
  });

  it('refuses an empty tag, a long one, and one with spaces or punctuation', () => {
    expect(tagProblem('#')).toBe('a tag cannot be empty');
    expect(tagProblem('x'.repeat(33))).toMatch(/longer than 32 characters/);
    expect(tagProblem('two words')).toMatch(/only letters, digits, - and _/);
    expect(tagProblem('café-2_b')).toBeUndefined();
  });

  it('reads #tags apart from the words of a query', () => {
    expect(parseQuickReplyQuery('  #Billing refund  #billing card ')).toEqual({
      words: 'refund card',
      tags: ['billing'],
    });
    expect(parseQuickReplyQuery('# #')).toEqual({ words: '', tags: [] });
  });
});

describe('searching quick replies', () => {
  it('lists every reply when nothing is asked: the agent’s own first, then the team’s in their file’s order', () => {
    const shelf = [
      reply('zebra'),
      reply('own-b', { scope: 'own' }),
      reply('apple'),
      reply('own-a', { scope: 'own' }),
    ];
    expect(ids(searchQuickReplies(shelf, '', 10))).toEqual(['own-b', 'own-a', 'zebra', 'apple']);
    expect(ids(searchQuickReplies(SHELF, '', 10))).toEqual([
      'my-refund',
      'greeting',
      'refund',
      'invoice',
      'tracking',
    ]);
    expect(ids(searchQuickReplies(SHELF, '   ', 2))).toEqual(['my-refund', 'greeting']);
  });

  it('finds by the words of the title first, then of the tags and the text', () => {
    const shelf = [
      reply('apology', { title: 'Apology', text: 'Sorry that your delivery is late.' }),
      reply('late', { title: 'Delivery is late', text: 'It is on its way.' }),
      reply('courier', { title: 'Courier', text: 'The courier has it.', tags: ['delivery'] }),
    ];
    expect(ids(searchQuickReplies(shelf, 'delivery', 10))).toEqual(['late', 'courier', 'apology']);
    expect(ids(searchQuickReplies(SHELF, 'parcel', 10))).toEqual(['tracking']);
    expect(ids(searchQuickReplies(SHELF, 'refund', 10)).sort()).toEqual(['my-refund', 'refund']);
  });

  it('finds a word by its beginning, and despite a small typo', () => {
    expect(ids(searchQuickReplies(SHELF, 'invo', 10))).toEqual(['invoice']);
    expect(ids(searchQuickReplies(SHELF, 'invoise', 10))).toEqual(['invoice']);
  });

  it('prefers the replies holding every word, and falls back to any word', () => {
    expect(ids(searchQuickReplies(SHELF, 'refund card', 10))).toEqual(['refund']);
    expect(ids(searchQuickReplies(SHELF, 'parcel invoice', 10)).sort()).toEqual(['invoice', 'tracking']);
  });

  it('narrows to the replies carrying a #tag, a tag found by its beginning too', () => {
    expect(ids(searchQuickReplies(SHELF, '#billing', 10))).toEqual(['refund', 'invoice']);
    expect(ids(searchQuickReplies(SHELF, '#bill', 10))).toEqual(['refund', 'invoice']);
    expect(ids(searchQuickReplies(SHELF, '#refund #billing', 10))).toEqual(['refund']);
    expect(ids(searchQuickReplies(SHELF, '#billing copy', 10))).toEqual(['invoice']);
  });

  it('finds nothing for words or tags no reply has', () => {
    expect(searchQuickReplies(SHELF, 'zebra', 10)).toEqual([]);
    expect(searchQuickReplies(SHELF, '#zebra', 10)).toEqual([]);
  });

  it('answers at most `limit` matches', () => {
    expect(searchQuickReplies(SHELF, 'account', 1)).toHaveLength(1);
    expect(searchQuickReplies(SHELF, 'refund', 0)).toEqual([]);
  });
});
