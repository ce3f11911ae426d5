import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { showPanel } from '../../src/app/panel-actions';
import {
  addQuickReply,
  deleteQuickReply,
  editQuickReply,
  quickRepliesCard,
  sendQuickReply,
} from '../../src/app/quick-replies';
import { saveReplyDraft } from '../../src/app/reply-actions';
import { focus } from '../../src/app/session-actions';
import { openCase } from '../../src/app/work-item-actions';
import type { QuickReply } from '../../src/domain/quick-replies';
import { createDesk } from './desk-harness';

const TEAM: readonly QuickReply[] = [
  {
    id: 'greeting',
    title: 'Greeting',
    text: 'Hi {customerName}, {agentName} here.',
    tags: ['opening'],
    scope: 'shared',
  },
  {
    id: 'order',
    title: 'Order',
    text: 'Order {orderNumber} is on its way.',
    tags: ['orders'],
    scope: 'shared',
  },
];

/** Alice has accepted one conversation (Visitor 1), focused; the team's set is TEAM. */
async function aliceInAConversation(options: Parameters<typeof createDesk>[0] = {}) {
  const harness = createDesk({ agents: ['alice'], agentNames: { alice: 'Alice Agent' }, ...options });
  const ports = { ...harness.ports, settings: { ...harness.ports.settings, quickReplies: TEAM } };
  await showPanel(ports, 'alice', 'Alice Agent');
  const outcome = await receiveCustomerMessage(ports, {
    customerId: 'emulator:c1',
    channelId: 'emulator',
    text: 'Hello',
  });
  const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
  if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
  await accept(ports, { agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
  harness.notifier.clear();
  return { ...harness, ports, item: outcome.workItemId };
}

const draftOf = async (harness: Awaited<ReturnType<typeof aliceInAConversation>>, sessionId: string) =>
  (await harness.tables.agentRecords.get('alice'))?.panel.sessions.find((session) => session.id === sessionId)
    ?.draft.reply;

describe('quick reply use cases', () => {
  it('lists the agent’s own before the team’s on `/q`, for the focused conversation', async () => {
    const desk = await aliceInAConversation();
    const added = await addQuickReply(desk.ports, 'alice', {
      title: 'Thanks',
      text: 'Thanks, {customerName}!',
    });
    if (!added.ok) throw new Error(added.message);

    const card = await quickRepliesCard(desk.ports, 'alice', '');
    expect(card).toMatchObject({ sessionId: desk.item, sessionTitle: 'Visitor 1' });
    expect(card.results.map((hit) => [hit.id, hit.text])).toEqual([
      [added.reply.id, 'Thanks, Visitor 1!'],
      ['greeting', 'Hi Visitor 1, Alice Agent here.'],
      ['order', 'Order {orderNumber} is on its way.'],
    ]);
  });

  it('inserts below a draft already typed, and caps the draft at MAX_TEXT_CHARS', async () => {
    const desk = await aliceInAConversation({ maxTextChars: 40 });
    await saveReplyDraft(desk.ports, 'alice', desk.item, { reply: 'Hello!  ' });
    const view = await sendQuickReply(desk.ports, 'alice', {
      sessionId: desk.item,
      quickReplyId: 'greeting',
      insert: true,
    });
    expect(view).toMatchObject({
      kind: 'quick-replies',
      inserted: 'Greeting',
      draft: 'Hello!\nHi Visitor 1, Alice Agent here.',
    });
    await sendQuickReply(desk.ports, 'alice', { sessionId: desk.item, quickReplyId: 'order', insert: true });
    expect(await draftOf(desk, desk.item)).toBe('Hello!\nHi Visitor 1, Alice Agent here.\nO');
    expect(desk.notifier.textsTo('emulator:c1')).toEqual([]);
  });

  it('refuses a quick reply deleted since the card showed it, and one changed is sent as it is now', async () => {
    const desk = await aliceInAConversation();
    const added = await addQuickReply(desk.ports, 'alice', { title: 'Soon', text: 'Soon!' });
    if (!added.ok) throw new Error(added.message);
    await editQuickReply(desk.ports, 'alice', {
      quickReplyId: added.reply.id,
      version: 1,
      fields: { title: 'Soon', text: 'Very soon, {customerName}!' },
    });
    await sendQuickReply(desk.ports, 'alice', { sessionId: desk.item, quickReplyId: added.reply.id });
    expect(desk.notifier.textsTo('emulator:c1')).toEqual(['Very soon, Visitor 1!']);

    expect(await deleteQuickReply(desk.ports, 'alice', added.reply.id)).toBe(true);
    const refused = await sendQuickReply(desk.ports, 'alice', {
      sessionId: desk.item,
      quickReplyId: added.reply.id,
    });
    expect(refused).toMatchObject({ kind: 'notice', text: expect.stringContaining('no such quick reply') });
    expect(desk.notifier.textsTo('emulator:c1')).toEqual(['Very soon, Visitor 1!']);
  });

  it('sends nothing to a case session, and `/q` there only lists', async () => {
    const desk = await aliceInAConversation();
    await openCase(desk.ports, 'alice', desk.item);
    const caseSession = `case:${desk.item}`;
    await focus(desk.ports, 'alice', caseSession);

    const card = await quickRepliesCard(desk.ports, 'alice', 'greeting');
    expect(card.sessionId).toBeUndefined();
    const refused = await sendQuickReply(desk.ports, 'alice', {
      sessionId: caseSession,
      quickReplyId: 'greeting',
    });
    expect(refused).toMatchObject({
      kind: 'notice',
      text: 'Quick replies go to a conversation: select one first.',
    });
    expect(desk.notifier.textsTo('emulator:c1')).toEqual([]);
  });

  it('refuses fields that break the rules, naming the first problem', async () => {
    const desk = await aliceInAConversation();
    expect(await addQuickReply(desk.ports, 'alice', { title: 'x', text: ' ' })).toEqual({
      ok: false,
      problem: 'invalid',
      message: '"text" must be a string of 1 to 2000 characters',
    });
    expect(
      await editQuickReply(desk.ports, 'alice', {
        quickReplyId: 'qr-none',
        version: 1,
        fields: { title: 'x', text: 'y' },
      }),
    ).toMatchObject({ ok: false, problem: 'missing' });
  });
});
