import type { ActiveConversationView, AgentView } from '../../src/app/views';
import { CardRenderer } from '../../src/cards/render-card';
import type { AdaptiveCardJson, JsonObject } from '../../src/cards/render-card';
import { VerbTable } from '../../src/cards/verb-table';
import { actionsWithVerb, dataOf, objectsOfType } from '../cards/card-helpers';
import { createDesk } from './desk-harness';

const customer = (id: string, text: string) => ({
  customerId: `emulator:${id}`,
  channelId: 'emulator',
  text,
});

/** Alice has accepted two conversations, A (Visitor 1) then B (Visitor 2); B is focused. */
async function aliceWithTwoSessions(options: Parameters<typeof createDesk>[0] = {}) {
  const harness = createDesk({ agents: ['alice'], ...options });
  const { desk, notifier } = harness;
  await desk.showPanel('alice', 'Alice');
  const ids: string[] = [];
  for (const who of ['c1', 'c2']) {
    const outcome = await desk.customerMessage(customer(who, `Hello from ${who}`));
    const offer = notifier.viewsTo('alice', 'offer').at(-1);
    if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
    await desk.accept({ agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
    ids.push(outcome.workItemId);
  }
  notifier.clear();
  const [a, b] = ids as [string, string];
  return { ...harness, a, b };
}

async function draftOf(tables: ReturnType<typeof createDesk>['tables'], sessionId: string) {
  const agent = await tables.agentRecords.get('alice');
  return agent?.panel.sessions.find((session) => session.id === sessionId)?.draft.reply;
}

describe('reply drafts in the chat cards', () => {
  it('focusing a conversation session sends its Active Conversation view again with the saved draft', async () => {
    const { desk, notifier, a, b } = await aliceWithTwoSessions();
    await desk.saveDraft('alice', a, { reply: 'Let me check your order' });

    expect(await desk.focus('alice', b)).toMatchObject({ kind: 'panel', focusedTitle: 'Visitor 2' });
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: b, draft: '', readOnly: false }),
    ]);

    notifier.clear();
    expect(await desk.focus('alice', a)).toMatchObject({ kind: 'panel', focusedTitle: 'Visitor 1' });
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: a, draft: 'Let me check your order', state: 'active' }),
    ]);
    expect(notifier.lastPanel('alice')).toMatchObject({ focusedTitle: 'Visitor 1' });
  });

  it('focusing Home sends no Active Conversation view', async () => {
    const { desk, notifier } = await aliceWithTwoSessions();
    expect(await desk.focus('alice', 'home')).toMatchObject({ kind: 'panel', focusedTitle: 'Home' });
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([]);
  });

  it('a sent reply clears the draft, so the next focus shows an empty reply box', async () => {
    const { desk, notifier, tables, a } = await aliceWithTwoSessions();
    await desk.saveDraft('alice', a, { reply: 'Your parcel left today' });
    expect(await desk.reply('alice', a, 'Your parcel left today')).toMatchObject({
      kind: 'notice',
      tone: 'good',
    });
    expect(await draftOf(tables, a)).toBe('');
    notifier.clear();
    await desk.focus('alice', a);
    expect(notifier.viewsTo('alice', 'active-conversation')[0]).toMatchObject({ sessionId: a, draft: '' });
  });

  it('plain text to the focused session clears its draft too', async () => {
    const { desk, tables, a } = await aliceWithTwoSessions();
    await desk.focus('alice', a);
    await desk.saveDraft('alice', a, { reply: 'Half a thought' });
    await desk.agentText('alice', 'The whole thought');
    expect(await draftOf(tables, a)).toBe('');
  });

  it('a refused reply keeps the draft', async () => {
    const { desk, tables, a } = await aliceWithTwoSessions();
    await desk.saveDraft('alice', a, { reply: 'Keep me' });
    expect(await desk.reply('alice', a, '   ')).toMatchObject({ kind: 'notice', tone: 'warning' });
    expect(await draftOf(tables, a)).toBe('Keep me');
  });

  it('a customer message to a session with a draft carries the draft in its customer-message view', async () => {
    const { desk, notifier, a, b } = await aliceWithTwoSessions();
    await desk.saveDraft('alice', a, { reply: 'Draft for A' });
    await desk.customerMessage(customer('c1', 'Any news?'));
    await desk.customerMessage(customer('c2', 'Hello?'));
    expect(notifier.viewsTo('alice', 'customer-message')).toEqual([
      expect.objectContaining({ sessionId: a, text: 'Any news?', draft: 'Draft for A' }),
      expect.objectContaining({ sessionId: b, text: 'Hello?', draft: '' }),
    ]);
  });

  it('accept loads the Active Conversation view with an empty draft', async () => {
    const harness = createDesk({ agents: ['alice'] });
    await harness.desk.showPanel('alice', 'Alice');
    const outcome = await harness.desk.customerMessage(customer('c1', 'hi'));
    const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
    if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer');
    await harness.desk.accept({ agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
    expect(harness.notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: outcome.workItemId, draft: '' }),
    ]);
  });

  it('"open" on the agent\'s own Active item focuses it and shows its draft', async () => {
    const { desk, notifier, a } = await aliceWithTwoSessions();
    await desk.saveDraft('alice', a, { reply: 'Still here' });
    await desk.open('alice', a);
    expect(notifier.viewsTo('alice', 'active-conversation').at(-1)).toMatchObject({
      sessionId: a,
      draft: 'Still here',
    });
  });

  it('a closed item opened read-only is shown read-only on focus', async () => {
    const { desk, notifier, a } = await aliceWithTwoSessions();
    await desk.end('alice', a);
    await desk.open('alice', a);
    notifier.clear();
    await desk.focus('alice', a);
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: a, readOnly: true, state: 'closed' }),
    ]);
  });

  it('a draft longer than MAX_TEXT_CHARS is cut there', async () => {
    const { desk, tables, a } = await aliceWithTwoSessions({ maxTextChars: 10 });
    await desk.saveDraft('alice', a, { reply: 'x'.repeat(9) + '😀tail' });
    expect(await draftOf(tables, a)).toBe('x'.repeat(9));
  });

  it('a draft for a session the agent does not have is refused and changes nothing', async () => {
    const { desk, a } = await aliceWithTwoSessions();
    expect(await desk.saveDraft('alice', 'nope', { reply: 'x' })).toMatchObject({
      kind: 'notice',
      tone: 'attention',
    });
    expect(await desk.saveDraft('alice', 'home', { reply: 'x' })).toMatchObject({ kind: 'notice' });
    expect(await desk.saveDraft('alice', a, { reply: 'ok' })).toMatchObject({ kind: 'panel' });
  });
});

describe('switching sessions from the chat cards keeps the typed reply', () => {
  const renderer = new CardRenderer();
  const table = new VerbTable();

  function actionData(card: AdaptiveCardJson, verb: string): JsonObject {
    const [action] = actionsWithVerb(card, verb);
    if (!action) throw new Error(`no ${verb} action`);
    return dataOf(action);
  }

  const replyBoxValue = (card: AdaptiveCardJson) => objectsOfType(card, 'Input.Text')[0]?.['value'];

  it("Open session on A's message card with text typed, then the panel to B and back to A: A's card is pre-filled", async () => {
    const { desk, notifier, tables, a, b } = await aliceWithTwoSessions();
    await desk.customerMessage(customer('c1', 'Where is my parcel?'));
    const messageCard = renderer.renderAgentView(
      notifier.viewsTo('alice', 'customer-message')[0] as AgentView,
    );
    const typed = 'It left ${warehouse} "today"\nTracking follows';

    // Teams submits the card's inputs with the action's data.
    const focusA = { ...actionData(messageCard, 'focus'), text: typed };
    expect(focusA).toMatchObject({ sessionId: a, cardSessionId: a });
    await table.dispatch(desk, { agentId: 'alice' }, 'focus', focusA);
    expect(await draftOf(tables, a)).toBe(typed);

    await table.dispatch(desk, { agentId: 'alice' }, 'focus', { sessionId: b });
    notifier.clear();
    await table.dispatch(desk, { agentId: 'alice' }, 'focus', { sessionId: a });
    const shown = notifier.viewsTo('alice', 'active-conversation');
    expect(shown).toHaveLength(1);
    const active = shown[0] as ActiveConversationView;
    expect(active.draft).toBe(typed);
    expect(replyBoxValue(renderer.renderAgentView(active))).toBe(typed);

    // Reply from that card sends the text and clears the draft.
    const reply = { ...actionData(renderer.renderAgentView(active), 'reply'), text: typed };
    await table.dispatch(desk, { agentId: 'alice' }, 'reply', reply);
    expect(await draftOf(tables, a)).toBe('');
    expect(notifier.textsTo('emulator:c1')).toContain(typed);
  });

  it("Close on B's card with text typed saves it to B first; cancelling keeps it", async () => {
    const { desk, notifier, tables, b } = await aliceWithTwoSessions();
    await desk.focus('alice', b);
    const card = renderer.renderAgentView(
      notifier.viewsTo('alice', 'active-conversation').at(-1) as AgentView,
    );
    const close = { ...actionData(card, 'close'), text: 'unsent' };
    expect(await table.dispatch(desk, { agentId: 'alice' }, 'close', close)).toMatchObject({
      ok: true,
      view: { kind: 'close-confirm', sessionId: b },
    });
    expect(await draftOf(tables, b)).toBe('unsent');
    await table.dispatch(desk, { agentId: 'alice' }, 'closeCancel', { sessionId: b });
    expect(await draftOf(tables, b)).toBe('unsent');
  });
});
