import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { showPanel } from '../../src/app/panel-actions';
import { ALL_VERBS } from '../../src/cards/verbs';
import { MAX_ID_CHARS, VERB_HANDLERS, VerbTable } from '../../src/cards/verb-table';
import { createDesk } from '../app/desk-harness';

/**
 * A desk in memory where Alice has accepted Visitor 1 (session `a`, focused) and Visitor 2 waits in the queue
 * (`queued`) with an offer to Alice (`offerId`). The verb table reaches the real use cases on it.
 */
async function aliceAtWork() {
  const desk = createDesk({ agents: ['alice'] });
  const { ports, notifier } = desk;
  await showPanel(ports, 'alice', 'Alice');
  const queuedItems: string[] = [];
  for (const who of ['c1', 'c2']) {
    const outcome = await receiveCustomerMessage(ports, {
      customerId: `emulator:${who}`,
      channelId: 'emulator',
      text: `Hello from ${who}`,
    });
    if (outcome.kind !== 'queued') throw new Error(`expected ${who} to be queued`);
    queuedItems.push(outcome.workItemId);
  }
  const [a, queued] = queuedItems as [string, string];
  const offerOf = (workItemId: string) =>
    notifier.viewsTo('alice', 'offer').find((offer) => offer.workItemId === workItemId)?.offerId ?? '';
  await accept(ports, { agentId: 'alice', workItemId: a, offerId: offerOf(a) });
  const offerId = offerOf(queued);
  notifier.clear();
  const dispatch = (verb: unknown, data: unknown) =>
    new VerbTable().dispatch(ports, { agentId: 'alice' }, verb, data);
  const alice = async () => {
    const record = await desk.tables.agentRecords.get('alice');
    if (!record) throw new Error('Alice is not on the desk');
    return record;
  };
  const sessionIds = async () => (await alice()).panel.sessions.map((session) => session.id);
  const draftOf = async (sessionId: string) =>
    (await alice()).panel.sessions.find((session) => session.id === sessionId)?.draft.reply;
  const stateOf = async (workItemId: string) => (await desk.workItem(workItemId))?.item.state;
  return { ...desk, a, queued, offerId, dispatch, alice, sessionIds, draftOf, stateOf };
}

type Scene = Awaited<ReturnType<typeof aliceAtWork>>;

describe('the verb table', () => {
  it('has exactly one handler for every verb the cards use', () => {
    expect([...new VerbTable().verbs].sort()).toEqual([...ALL_VERBS].sort());
    expect(() => new VerbTable([...VERB_HANDLERS, VERB_HANDLERS[0]!])).toThrow(/Two handlers/);
  });

  describe('each verb reaches its use case', () => {
    let scene: Scene;
    beforeEach(async () => {
      scene = await aliceAtWork();
    });

    it('"accept" takes the offered conversation as a new session', async () => {
      const { queued, offerId } = scene;
      expect(await scene.dispatch('accept', { workItemId: queued, offerId })).toMatchObject({
        ok: true,
        view: { kind: 'offer', offerId, status: 'accepted' },
      });
      expect(await scene.sessionIds()).toContain(queued);
    });

    it('"reject" turns the offer down and leaves the conversation in the queue', async () => {
      const { queued, offerId } = scene;
      expect(await scene.dispatch('reject', { workItemId: queued, offerId })).toMatchObject({
        ok: true,
        view: { kind: 'offer', offerId, status: 'rejected' },
      });
      expect(await scene.sessionIds()).toEqual([scene.a]);
      expect(await scene.stateOf(queued)).toBe('open');
    });

    it.each(['pick', 'open'])('"%s" takes a queued conversation', async (verb) => {
      expect(await scene.dispatch(verb, { workItemId: scene.queued })).toMatchObject({
        ok: true,
        view: { kind: 'panel' },
      });
      expect(await scene.sessionIds()).toEqual([scene.a, scene.queued]);
      expect(await scene.stateOf(scene.queued)).toBe('active');
    });

    it('"focus" moves the focus to the session', async () => {
      expect(await scene.dispatch('focus', { sessionId: 'home' })).toMatchObject({
        ok: true,
        view: { kind: 'panel', focusedTitle: 'Home' },
      });
      expect((await scene.alice()).panel.focusedSessionId).toBe('home');
    });

    it('"end" ends the conversation, tells the customer, and answers with its wrap-up', async () => {
      expect(await scene.dispatch('end', { sessionId: scene.a })).toMatchObject({
        ok: true,
        view: { kind: 'wrap-up', title: 'Visitor 1', sessionId: scene.a },
      });
      expect(await scene.stateOf(scene.a)).toBe('wrap-up');
      expect(scene.notifier.textsTo('emulator:c1')).toHaveLength(1);
    });

    it('"wrapUp" finishes it with the outcome chosen; without one it is refused and stays in wrap-up', async () => {
      await scene.dispatch('end', { sessionId: scene.a });
      expect(await scene.dispatch('wrapUp', { sessionId: scene.a })).toMatchObject({
        ok: true,
        view: { kind: 'notice', tone: 'attention' },
      });
      expect(await scene.stateOf(scene.a)).toBe('wrap-up');
      expect(
        await scene.dispatch('wrapUp', { sessionId: scene.a, outcome: 'resolved', note: 'Refund sent' }),
      ).toMatchObject({
        ok: true,
        view: { kind: 'notice', title: 'Visitor 1 closed', text: 'Outcome: Resolved.' },
      });
      expect(await scene.stateOf(scene.a)).toBe('closed');
    });

    it('"close" asks to confirm, closing nothing yet', async () => {
      expect(await scene.dispatch('close', { sessionId: scene.a })).toEqual({
        ok: true,
        view: { kind: 'close-confirm', sessionId: scene.a, title: 'Visitor 1' },
      });
      expect(await scene.stateOf(scene.a)).toBe('active');
    });

    it('"closeConfirm" closes the conversation into Waiting', async () => {
      expect(await scene.dispatch('closeConfirm', { sessionId: scene.a })).toMatchObject({
        ok: true,
        view: { kind: 'notice', title: 'Visitor 1 closed' },
      });
      expect(await scene.stateOf(scene.a)).toBe('waiting');
      expect(await scene.sessionIds()).toEqual([]);
    });

    it('"closeCancel" keeps the session', async () => {
      expect(await scene.dispatch('closeCancel', { sessionId: scene.a })).toMatchObject({
        ok: true,
        view: { kind: 'panel' },
      });
      expect(await scene.stateOf(scene.a)).toBe('active');
      expect(await scene.sessionIds()).toEqual([scene.a]);
    });

    it('"togglePanel" collapses the panel', async () => {
      expect(await scene.dispatch('togglePanel', { sessionId: 'home' })).toMatchObject({
        ok: true,
        view: { kind: 'panel', mode: 'collapsed' },
      });
    });

    it('"reply" sends the text to the customer, and answers an empty box with a warning', async () => {
      expect(await scene.dispatch('reply', { sessionId: scene.a, text: 'Hello there' })).toMatchObject({
        ok: true,
        view: { kind: 'notice', tone: 'good' },
      });
      expect(scene.notifier.textsTo('emulator:c1')).toEqual(['Hello there']);
      expect(await scene.dispatch('reply', { sessionId: scene.a })).toMatchObject({
        ok: true,
        view: { kind: 'notice', title: 'Nothing to send' },
      });
    });

    it('"reply" from a message digest sends its own session’s box, not another session’s', async () => {
      const data = {
        sessionId: scene.a,
        [`text.${scene.a}`]: 'From the digest',
        'text.other-session': 'Not this',
      };
      expect(await scene.dispatch('reply', data)).toMatchObject({
        ok: true,
        view: { kind: 'notice', tone: 'good' },
      });
      expect(scene.notifier.textsTo('emulator:c1')).toEqual(['From the digest']);
      expect(await scene.dispatch('reply', { sessionId: scene.a, [`text.${scene.a}`]: 42 })).toEqual({
        ok: false,
        message: 'reply: "text" must be a string',
      });
    });

    it('"presence" sets the chosen presence', async () => {
      expect(await scene.dispatch('presence', { sessionId: 'home', presence: 'away' })).toMatchObject({
        ok: true,
        view: { kind: 'panel', presence: 'away' },
      });
      expect((await scene.alice()).presence).toBe('away');
    });

    it('"kbSearch" answers with the knowledge base’s articles', async () => {
      expect(await scene.dispatch('kbSearch', { sessionId: scene.a, query: 'password' })).toEqual({
        ok: true,
        view: {
          kind: 'kb-search',
          sessionId: scene.a,
          query: 'password',
          results: [expect.objectContaining({ id: 'reset-password' })],
        },
      });
    });

    it('accepts ids of exactly the limit', async () => {
      const workItemId = 'w'.repeat(MAX_ID_CHARS);
      expect(await scene.dispatch('pick', { workItemId })).toMatchObject({ ok: true });
    });
  });

  it.each([
    ['no verb', undefined, { sessionId: 's1' }, 'The action has no verb.'],
    ['an unknown verb', 'launchMissiles', { sessionId: 's1' }, 'Unknown verb "launchMissiles".'],
    ['a verb that is not a string', 42, { sessionId: 's1' }, 'Unknown verb "42".'],
    ['a verb that is an object', { verb: 'end' }, { sessionId: 's1' }, 'Unknown verb "{"verb":"end"}".'],
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
  ])('refuses %s as a bad request, changing nothing', async (_what, verb, data, message) => {
    const scene = await aliceAtWork();
    const before = await scene.alice();
    await expect(scene.dispatch(verb, data)).resolves.toEqual({ ok: false, message });
    expect(await scene.alice()).toEqual(before);
    expect(scene.notifier.sent).toEqual([]);
  });

  describe('typed text on a card with a reply box (data carries cardSessionId)', () => {
    let scene: Scene;
    beforeEach(async () => {
      scene = await aliceAtWork();
    });

    it("is saved as the draft of the card's session before a focus to another session", async () => {
      const data = { sessionId: 'home', cardSessionId: scene.a, text: 'Half a reply\nfor A' };
      expect(await scene.dispatch('focus', data)).toMatchObject({ ok: true, view: { focusedTitle: 'Home' } });
      expect(await scene.draftOf(scene.a)).toBe('Half a reply\nfor A');
    });

    it.each(['focus', 'close', 'closeCancel', 'kbSearch'])(
      'is saved on "%s" from the card itself (sessionId is the card\'s session)',
      async (verb) => {
        const data = { sessionId: scene.a, cardSessionId: scene.a, text: 'wip' };
        expect(await scene.dispatch(verb, data)).toMatchObject({ ok: true });
        expect(await scene.draftOf(scene.a)).toBe('wip');
      },
    );

    it('is not saved for a reply, which sends the text instead', async () => {
      await scene.dispatch('reply', { sessionId: scene.a, cardSessionId: scene.a, text: 'hi' });
      expect(await scene.draftOf(scene.a)).toBe('');
      expect(scene.notifier.textsTo('emulator:c1')).toEqual(['hi']);
    });

    it.each([
      ['an empty box', (a: string) => ({ cardSessionId: a, text: '' })],
      ['a blank box', (a: string) => ({ cardSessionId: a, text: '  \n ' })],
      ['no box', (a: string) => ({ cardSessionId: a })],
      ['no cardSessionId (not a reply-box card)', () => ({ text: 'hi' })],
    ])('is not saved for %s', async (_what, carried) => {
      const data = { sessionId: 'home', ...carried(scene.a) };
      expect(await scene.dispatch('focus', data)).toMatchObject({ ok: true, view: { focusedTitle: 'Home' } });
      expect(await scene.draftOf(scene.a)).toBe('');
    });

    it.each([
      [
        'a blank cardSessionId',
        () => ({ cardSessionId: ' ', text: 'hi' }),
        '"cardSessionId" must be a non-empty string',
      ],
      [
        'a text that is not a string',
        (a: string) => ({ cardSessionId: a, text: 7 }),
        '"text" must be a string',
      ],
    ])('refuses %s as a bad request, moving no focus', async (_what, carried, message) => {
      const data = { sessionId: 'home', ...carried(scene.a) };
      await expect(scene.dispatch('focus', data)).resolves.toEqual({
        ok: false,
        message: `focus: ${message}`,
      });
      expect((await scene.alice()).panel.focusedSessionId).toBe(scene.a);
      expect(await scene.draftOf(scene.a)).toBe('');
    });
  });
});
