import type { AgentView } from '../../src/app/views';
import { ALL_VERBS } from '../../src/cards/verbs';
import { MAX_ID_CHARS, VERB_HANDLERS, VerbTable, type VerbDesk } from '../../src/cards/verb-table';

const VIEW: AgentView = { kind: 'help' };

/** A desk that records which use case each action reached, with which arguments. */
function recordingDesk() {
  const calls: [string, ...unknown[]][] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]): Promise<AgentView> => {
      calls.push([name, ...args]);
      return VIEW;
    };
  const desk: VerbDesk = {
    accept: record('accept'),
    reject: record('reject'),
    pick: record('pick'),
    open: record('open'),
    focus: record('focus'),
    end: record('end'),
    requestClose: record('requestClose'),
    confirmClose: record('confirmClose'),
    cancelClose: record('cancelClose'),
    togglePanel: record('togglePanel'),
    reply: record('reply'),
    setPresence: record('setPresence'),
    searchKb: record('searchKb'),
    saveDraft: record('saveDraft'),
  };
  return { desk, calls };
}

const actor = { agentId: 'aad-alex' };

describe('the verb table', () => {
  it('has exactly one handler for every verb the cards use', () => {
    expect([...new VerbTable().verbs].sort()).toEqual([...ALL_VERBS].sort());
    expect(() => new VerbTable([...VERB_HANDLERS, VERB_HANDLERS[0]!])).toThrow(/Two handlers/);
  });

  it.each([
    [
      'accept',
      { workItemId: 'w1', offerId: 'o1' },
      ['accept', { agentId: 'aad-alex', workItemId: 'w1', offerId: 'o1' }],
    ],
    [
      'reject',
      { workItemId: 'w1', offerId: 'o1' },
      ['reject', { agentId: 'aad-alex', workItemId: 'w1', offerId: 'o1' }],
    ],
    ['pick', { workItemId: 'w1' }, ['pick', 'aad-alex', 'w1']],
    ['open', { workItemId: 'w1' }, ['open', 'aad-alex', 'w1']],
    ['focus', { sessionId: 'home' }, ['focus', 'aad-alex', 'home']],
    ['end', { sessionId: 's1' }, ['end', 'aad-alex', 's1']],
    ['close', { sessionId: 's1' }, ['requestClose', 'aad-alex', 's1']],
    ['closeConfirm', { sessionId: 's1' }, ['confirmClose', 'aad-alex', 's1']],
    ['closeCancel', { sessionId: 's1' }, ['cancelClose', 'aad-alex']],
    ['togglePanel', { sessionId: 'home' }, ['togglePanel', 'aad-alex']],
    ['reply', { sessionId: 's1', text: 'Hello there' }, ['reply', 'aad-alex', 's1', 'Hello there']],
    ['reply', { sessionId: 's1' }, ['reply', 'aad-alex', 's1', undefined]],
    ['presence', { sessionId: 'home', presence: 'busy' }, ['setPresence', 'aad-alex', 'busy']],
    ['kbSearch', { sessionId: 's1', query: 'refund' }, ['searchKb', 'aad-alex', 's1', 'refund']],
  ])('"%s" with %j reaches the right use case', async (verb, data, expected) => {
    const { desk, calls } = recordingDesk();
    await expect(new VerbTable().dispatch(desk, actor, verb, data)).resolves.toEqual({
      ok: true,
      view: VIEW,
    });
    expect(calls).toEqual([expected]);
  });

  it.each([
    ['no verb', undefined, { sessionId: 's1' }, 'The action has no verb.'],
    ['an unknown verb', 'launchMissiles', { sessionId: 's1' }, 'Unknown verb "launchMissiles".'],
    ['a verb that is not a string', 42, { sessionId: 's1' }, 'Unknown verb "42".'],
    ['data that is not an object', 'focus', 'home', 'The "focus" action carries no data object.'],
    ['data that is an array', 'focus', ['home'], 'The "focus" action carries no data object.'],
    ['a missing offer id', 'accept', { workItemId: 'w1' }, 'accept: "offerId" must be a non-empty string'],
    ['a blank session id', 'end', { sessionId: '  ' }, 'end: "sessionId" must be a non-empty string'],
    ['a numeric work item id', 'pick', { workItemId: 7 }, 'pick: "workItemId" must be a non-empty string'],
    [
      'an id over the limit',
      'open',
      { workItemId: 'w'.repeat(MAX_ID_CHARS + 1) },
      `open: "workItemId" is longer than ${MAX_ID_CHARS} characters`,
    ],
    [
      'a reply that is not text',
      'reply',
      { sessionId: 's1', text: { html: '<b>' } },
      'reply: "text" must be a string',
    ],
    [
      'a presence that is not text',
      'presence',
      { sessionId: 'home', presence: 1 },
      'presence: "presence" must be a string',
    ],
  ])('refuses %s as a bad request, reaching no use case', async (_what, verb, data, message) => {
    const { desk, calls } = recordingDesk();
    await expect(new VerbTable().dispatch(desk, actor, verb, data)).resolves.toEqual({ ok: false, message });
    expect(calls).toEqual([]);
  });

  describe('typed text on a card with a reply box (data carries cardSessionId)', () => {
    it("is saved as the draft of the card's session before a focus to another session", async () => {
      const { desk, calls } = recordingDesk();
      const data = { sessionId: 'b', cardSessionId: 'a', text: 'Half a reply\nfor A' };
      await expect(new VerbTable().dispatch(desk, actor, 'focus', data)).resolves.toEqual({
        ok: true,
        view: VIEW,
      });
      expect(calls).toEqual([
        ['saveDraft', 'aad-alex', 'a', { reply: 'Half a reply\nfor A' }],
        ['focus', 'aad-alex', 'b'],
      ]);
    });

    it.each([
      ['focus', 'focus'],
      ['close', 'requestClose'],
      ['end', 'end'],
    ])(
      'is saved first on "%s" from the card itself (sessionId is the card\'s session)',
      async (verb, useCase) => {
        const { desk, calls } = recordingDesk();
        await new VerbTable().dispatch(desk, actor, verb, {
          sessionId: 's1',
          cardSessionId: 's1',
          text: 'wip',
        });
        expect(calls).toEqual([
          ['saveDraft', 'aad-alex', 's1', { reply: 'wip' }],
          [useCase, 'aad-alex', 's1'],
        ]);
      },
    );

    it.each([
      ['a reply (it sends the text instead)', 'reply', { sessionId: 's1', cardSessionId: 's1', text: 'hi' }],
      ['an empty box', 'focus', { sessionId: 's2', cardSessionId: 's1', text: '' }],
      ['a blank box', 'focus', { sessionId: 's2', cardSessionId: 's1', text: '  \n ' }],
      ['no box', 'focus', { sessionId: 's2', cardSessionId: 's1' }],
      ['no cardSessionId (not a reply-box card)', 'focus', { sessionId: 's2', text: 'hi' }],
    ])('is not saved for %s', async (_what, verb, data) => {
      const { desk, calls } = recordingDesk();
      await new VerbTable().dispatch(desk, actor, verb, data);
      expect(calls.map(([name]) => name)).toEqual([verb === 'reply' ? 'reply' : 'focus']);
    });

    it.each([
      [
        'a blank cardSessionId',
        { sessionId: 's2', cardSessionId: ' ', text: 'hi' },
        '"cardSessionId" must be a non-empty string',
      ],
      [
        'a text that is not a string',
        { sessionId: 's2', cardSessionId: 's1', text: 7 },
        '"text" must be a string',
      ],
    ])('refuses %s as a bad request, reaching no use case', async (_what, data, message) => {
      const { desk, calls } = recordingDesk();
      await expect(new VerbTable().dispatch(desk, actor, 'focus', data)).resolves.toEqual({
        ok: false,
        message: `focus: ${message}`,
      });
      expect(calls).toEqual([]);
    });
  });

  it('accepts ids of exactly the limit', async () => {
    const { desk, calls } = recordingDesk();
    const workItemId = 'w'.repeat(MAX_ID_CHARS);
    await new VerbTable().dispatch(desk, actor, 'pick', { workItemId });
    expect(calls).toEqual([['pick', 'aad-alex', workItemId]]);
  });
});
