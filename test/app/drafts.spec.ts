import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { showPanel } from '../../src/app/panel-actions';
import { agentText, reply, saveReplyDraft } from '../../src/app/reply-actions';
import { focus } from '../../src/app/session-actions';
import { end, finish } from '../../src/app/wrap-up';
import { open } from '../../src/app/work-item-actions';
import type { ActiveConversationView, AgentView } from '../../src/app/views';
import { CardRenderer } from '../../src/cards/render-card';
import type { AdaptiveCardJson } from '../../src/cards/render-card';
import { VerbTable } from '../../src/cards/verb-table';
import { actionsWithVerb, dataOf, objectsOfType, type CardObject } from '../support/cards';
import { createDesk } from './desk-harness';

const customer = (id: string, text: string) => ({
  customerId: `emulator:${id}`,
  channelId: 'emulator',
  text,
});

/** Alice has accepted two conversations, A (Visitor 1) then B (Visitor 2); B is focused. */
async function aliceWithTwoSessions(options: Parameters<typeof createDesk>[0] = {}) {
  const harness = createDesk({ agents: ['alice'], ...options });
  const { ports, notifier } = harness;
  await showPanel(ports, 'alice', 'Alice');
  const ids: string[] = [];
  for (const who of ['c1', 'c2']) {
    const outcome = await receiveCustomerMessage(ports, customer(who, `Hello from ${who}`));
    const offer = notifier.viewsTo('alice', 'offer').at(-1);
    if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
    await accept(ports, { agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
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
    const { ports, notifier, a, b } = await aliceWithTwoSessions();
    await saveReplyDraft(ports, 'alice', a, { reply: 'Let me check your order' });

    expect(await focus(ports, 'alice', b)).toMatchObject({ kind: 'panel', focusedTitle: 'Visitor 2' });
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: b, draft: '', readOnly: false }),
    ]);

    notifier.clear();
    expect(await focus(ports, 'alice', a)).toMatchObject({ kind: 'panel', focusedTitle: 'Visitor 1' });
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: a, draft: 'Let me check your order', state: 'active' }),
    ]);
    expect(notifier.lastPanel('alice')).toMatchObject({ focusedTitle: 'Visitor 1' });
  });

  it('focusing Home sends no Active Conversation view', async () => {
    const { ports, notifier } = await aliceWithTwoSessions();
    expect(await focus(ports, 'alice', 'home')).toMatchObject({ kind: 'panel', focusedTitle: 'Home' });
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([]);
  });

  it('a sent reply clears the draft, so the next focus shows an empty reply box', async () => {
    const { ports, notifier, tables, a } = await aliceWithTwoSessions();
    await saveReplyDraft(ports, 'alice', a, { reply: 'Your parcel left today' });
    expect(await reply(ports, 'alice', a, 'Your parcel left today')).toMatchObject({
      kind: 'notice',
      tone: 'good',
    });
    expect(await draftOf(tables, a)).toBe('');
    notifier.clear();
    await focus(ports, 'alice', a);
    expect(notifier.viewsTo('alice', 'active-conversation')[0]).toMatchObject({ sessionId: a, draft: '' });
  });

  it('plain text to the focused session clears its draft too', async () => {
    const { ports, tables, a } = await aliceWithTwoSessions();
    await focus(ports, 'alice', a);
    await saveReplyDraft(ports, 'alice', a, { reply: 'Half a thought' });
    await agentText(ports, 'alice', 'The whole thought');
    expect(await draftOf(tables, a)).toBe('');
  });

  it('a refused reply keeps the draft', async () => {
    const { ports, tables, a } = await aliceWithTwoSessions();
    await saveReplyDraft(ports, 'alice', a, { reply: 'Keep me' });
    expect(await reply(ports, 'alice', a, '   ')).toMatchObject({ kind: 'notice', tone: 'warning' });
    expect(await draftOf(tables, a)).toBe('Keep me');
  });

  it('a customer message to a session with a draft carries the draft in its customer-message view', async () => {
    const { ports, notifier, a, b } = await aliceWithTwoSessions();
    await saveReplyDraft(ports, 'alice', a, { reply: 'Draft for A' });
    await receiveCustomerMessage(ports, customer('c1', 'Any news?'));
    await receiveCustomerMessage(ports, customer('c2', 'Hello?'));
    expect(notifier.viewsTo('alice', 'customer-message')).toEqual([
      expect.objectContaining({ sessionId: a, text: 'Any news?', draft: 'Draft for A' }),
      expect.objectContaining({ sessionId: b, text: 'Hello?', draft: '' }),
    ]);
  });

  it('accept loads the Active Conversation view with an empty draft', async () => {
    const harness = createDesk({ agents: ['alice'] });
    await showPanel(harness.ports, 'alice', 'Alice');
    const outcome = await receiveCustomerMessage(harness.ports, customer('c1', 'hi'));
    const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
    if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer');
    await accept(harness.ports, { agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
    expect(harness.notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: outcome.workItemId, draft: '' }),
    ]);
  });

  it('"open" on the agent\'s own Active item focuses it and shows its draft', async () => {
    const { ports, notifier, a } = await aliceWithTwoSessions();
    await saveReplyDraft(ports, 'alice', a, { reply: 'Still here' });
    await open(ports, 'alice', a);
    expect(notifier.viewsTo('alice', 'active-conversation').at(-1)).toMatchObject({
      sessionId: a,
      draft: 'Still here',
    });
  });

  it('a closed item opened read-only is shown read-only on focus', async () => {
    const { ports, notifier, a } = await aliceWithTwoSessions();
    await end(ports, 'alice', a);
    await finish(ports, 'alice', a, { outcome: 'Resolved' });
    await open(ports, 'alice', a);
    notifier.clear();
    await focus(ports, 'alice', a);
    expect(notifier.viewsTo('alice', 'active-conversation')).toEqual([
      expect.objectContaining({ sessionId: a, readOnly: true, state: 'closed' }),
    ]);
  });

  it('a draft longer than MAX_TEXT_CHARS is cut there', async () => {
    const { ports, tables, a } = await aliceWithTwoSessions({ maxTextChars: 10 });
    await saveReplyDraft(ports, 'alice', a, { reply: 'x'.repeat(9) + '😀tail' });
    expect(await draftOf(tables, a)).toBe('x'.repeat(9));
  });

  it('a draft for a session the agent does not have is refused and changes nothing', async () => {
    const { ports, a } = await aliceWithTwoSessions();
    expect(await saveReplyDraft(ports, 'alice', 'nope', { reply: 'x' })).toMatchObject({
      kind: 'notice',
      tone: 'attention',
    });
    expect(await saveReplyDraft(ports, 'alice', 'home', { reply: 'x' })).toMatchObject({ kind: 'notice' });
    expect(await saveReplyDraft(ports, 'alice', a, { reply: 'ok' })).toMatchObject({ kind: 'panel' });
  });
});

describe('switching sessions from the chat cards keeps the typed reply', () => {
  const renderer = new CardRenderer();
  const table = new VerbTable();

  function actionData(card: AdaptiveCardJson, verb: string): CardObject {
    const [action] = actionsWithVerb(card, verb);
    if (!action) throw new Error(`no ${verb} action`);
    return dataOf(action);
  }

  const replyBoxValue = (card: AdaptiveCardJson) => objectsOfType(card, 'Input.Text')[0]?.['value'];

  it("Open session on A's message card with text typed, then the panel to B and back to A: A's card is pre-filled", async () => {
    const { ports, notifier, tables, a, b } = await aliceWithTwoSessions();
    await receiveCustomerMessage(ports, customer('c1', 'Where is my parcel?'));
    const messageCard = renderer.renderAgentView(
      notifier.viewsTo('alice', 'customer-message')[0] as AgentView,
    );
    const typed = 'It left ${warehouse} "today"\nTracking follows';

    // Teams submits the card's inputs with the action's data.
    const focusA = { ...actionData(messageCard, 'focus'), text: typed };
    expect(focusA).toMatchObject({ sessionId: a, cardSessionId: a });
    await table.dispatch(ports, { agentId: 'alice' }, 'focus', focusA);
    expect(await draftOf(tables, a)).toBe(typed);

    await table.dispatch(ports, { agentId: 'alice' }, 'focus', { sessionId: b });
    notifier.clear();
    await table.dispatch(ports, { agentId: 'alice' }, 'focus', { sessionId: a });
    const shown = notifier.viewsTo('alice', 'active-conversation');
    expect(shown).toHaveLength(1);
    const active = shown[0] as ActiveConversationView;
    expect(active.draft).toBe(typed);
    expect(replyBoxValue(renderer.renderAgentView(active))).toBe(typed);

    // Reply from that card sends the text and clears the draft.
    const reply = { ...actionData(renderer.renderAgentView(active), 'reply'), text: typed };
    await table.dispatch(ports, { agentId: 'alice' }, 'reply', reply);
    expect(await draftOf(tables, a)).toBe('');
    expect(notifier.textsTo('emulator:c1')).toContain(typed);
  });

  it("Close on B's card with text typed saves it to B first; cancelling keeps it", async () => {
    const { ports, notifier, tables, b } = await aliceWithTwoSessions();
    await focus(ports, 'alice', b);
    const card = renderer.renderAgentView(
      notifier.viewsTo('alice', 'active-conversation').at(-1) as AgentView,
    );
    const close = { ...actionData(card, 'close'), text: 'unsent' };
    expect(await table.dispatch(ports, { agentId: 'alice' }, 'close', close)).toMatchObject({
      ok: true,
      view: { kind: 'close-confirm', sessionId: b },
    });
    expect(await draftOf(tables, b)).toBe('unsent');
    await table.dispatch(ports, { agentId: 'alice' }, 'closeCancel', { sessionId: b });
    expect(await draftOf(tables, b)).toBe('unsent');
  });
});
