/**
 * Transfer and notes over HTTP: three agents in Teams, two customers on the Emulator, the fake Bot Connector. A
 * transfer is offered to a colleague (accepted, declined, missed), or the conversation goes back to the queue;
 * notes travel with the conversation; capacity is right at every step.
 */
import { agentMessage, customerMessage, type TestCustomer } from '../support/activities';
import { actionsWithVerb, cardOf, dataOf, textBlocks, textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { alex, bea, cleo } from '../support/fixtures';
import { acceptLatestOffer, latestOffer } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';

const first: TestCustomer = { userId: 'tr-visitor-1', conversationId: 'conv-tr-1' };
const second: TestCustomer = { userId: 'tr-visitor-2', conversationId: 'conv-tr-2' };
const TIMEOUT_S = 30;
const CONNECTING = "I'm connecting you with a colleague. Your conversation history is kept.";

describe('transfer and notes over HTTP', () => {
  // A colleague who lets a transfer lapse stays Available here: the default (Inactive) is pinned in missed-offer.spec.
  const team = useTeamworkDesk([alex, bea, cleo], {
    NOTIFICATION_TIMEOUT_S: String(TIMEOUT_S),
    MISSED_OFFER_INACTIVE: 'false',
  });
  let firstItem: string;
  let secondItem: string;

  const tables = () => team.tables();
  const sessionsOf = (agent: typeof alex) => team.sessionsOf(agent);
  const send = (activity: Parameters<typeof team.send>[0]) => team.send(activity);
  const press = (agent: typeof alex, verb: string, data: Record<string, unknown>) =>
    team.press(agent, verb, data);

  it('starts with Alex holding two conversations, Bea and Cleo free', async () => {
    for (const agent of [alex, bea, cleo]) await send(agentMessage(team.connector.serviceUrl, agent, 'hi'));
    await send(agentMessage(team.connector.serviceUrl, bea, 'presence away'));
    await send(agentMessage(team.connector.serviceUrl, cleo, 'presence away'));
    await send(customerMessage(team.connector.serviceUrl, first, 'My refund never arrived'));
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    await send(customerMessage(team.connector.serviceUrl, second, 'How do I reset my password?'));
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    await send(agentMessage(team.connector.serviceUrl, bea, 'presence available'));
    await send(agentMessage(team.connector.serviceUrl, cleo, 'presence available'));
    const sessions = await sessionsOf(alex);
    expect(sessions).toHaveLength(2);
    [firstItem, secondItem] = sessions.map((session) => session.id) as [string, string];
  });

  it('keeps a note on the conversation, never sent to the customer', async () => {
    const { texts, calls } = await press(alex, 'note', {
      sessionId: firstItem,
      text: 'Refund for order 1234 approved by finance',
    });
    expect(texts[0]).toMatch(/^Notes on Visitor \d+$/);
    expect(texts).toContain('Refund for order 1234 approved by finance');
    expect(saidTo(calls, first.conversationId)).toEqual([]);
    const { texts: empty } = await press(alex, 'note', { sessionId: firstItem, text: '   ' });
    expect(empty).toContain('Write the note first: an empty note is not kept.');
    expect(await tables().notes.latest(firstItem, 10)).toHaveLength(1);
  });

  it('adds a note with `/note` to the focused conversation', async () => {
    await press(alex, 'focus', { sessionId: secondItem });
    const { calls } = await send(agentMessage(team.connector.serviceUrl, alex, '/note Asked twice already'));
    expect(cardTexts(calls, alex)).toContain('Asked twice already');
    expect((await tables().notes.latest(secondItem, 10)).map((note) => note.text)).toEqual([
      'Asked twice already',
    ]);
  });

  it('answers `/t` with the colleagues who can take the focused conversation, and the queue', async () => {
    const { calls } = await send(agentMessage(team.connector.serviceUrl, alex, '/t'));
    const picker = saidTo(calls, alex.conversationId).map(cardOf).at(-1);
    expect(textBlocks(picker)[0]).toMatch(/^Transfer Visitor \d+$/);
    expect(actionsWithVerb(picker, 'transfer').map(dataOf)).toEqual([
      { sessionId: secondItem, toAgentId: bea.aadObjectId },
      { sessionId: secondItem, toAgentId: cleo.aadObjectId },
      { sessionId: secondItem, toQueue: true },
    ]);
  });

  it('offers the transfer to Bea with the handover; the customer is told, Alex keeps it marked pending', async () => {
    const { texts, calls } = await press(alex, 'transfer', {
      sessionId: firstItem,
      toAgentId: bea.aadObjectId,
      note: 'Please confirm the refund date',
    });
    expect(texts[0]).toBe('Transfer requested');
    expect(saidTo(calls, first.conversationId).map(textOf)).toEqual([CONNECTING]);
    const offer = cardOf(latestOffer(team.connector, bea) ?? ({} as RecordedCall));
    const offered = textBlocks(offer);
    expect(offered[0]).toMatch(/^Transfer from Alex Agent: Visitor \d+$/);
    expect(offered).toContain('Please confirm the refund date');
    expect(offered).toContain('Refund for order 1234 approved by finance');
    expect(offered).toContain('My refund never arrived');
    expect((await sessionsOf(alex)).find((s) => s.id === firstItem)?.transferPendingTo).toBe('Bea Agent');
    expect((await tables().workItems.get(firstItem))?.item.assignedAgentId).toBe(alex.aadObjectId);
  });

  it('refuses, changing nothing: a second transfer, to yourself, to a non-agent, by someone else', async () => {
    const again = await press(alex, 'transfer', { sessionId: firstItem, toAgentId: cleo.aadObjectId });
    expect(again.texts).toContain('A transfer of this conversation is already waiting for an answer.');
    const self = await press(alex, 'transfer', { sessionId: secondItem, toAgentId: alex.aadObjectId });
    expect(self.texts).toContain('The conversation is already yours: choose another agent, or the queue.');
    const stranger = await press(alex, 'transfer', { sessionId: secondItem, toAgentId: 'aad-mallory' });
    expect(stranger.texts.join(' ')).toContain('That agent cannot take a transfer now');
    const byOther = await press(cleo, 'transfer', { sessionId: secondItem, toAgentId: cleo.aadObjectId });
    expect(byOther.texts).toContain('Only the agent working on this conversation can do that.');
    const unknown = await press(alex, 'transfer', { sessionId: 'no-such-item', toQueue: true });
    expect(unknown.texts).toContain('There is no session "no-such-item".');
    for (const refused of [again, self, stranger, byOther, unknown])
      expect(saidTo(refused.calls, second.conversationId)).toEqual([]);
    expect((await tables().workItems.get(secondItem))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: alex.aadObjectId,
    });
    expect((await tables().workItems.get(secondItem))?.item.transfer).toBeUndefined();
  });

  it('tells Alex when Bea declines; the conversation is still his, unmarked', async () => {
    const offer = latestOffer(team.connector, bea);
    const data = dataOf(actionsWithVerb(cardOf(offer ?? ({} as RecordedCall)), 'reject')[0] ?? {});
    const { texts, calls } = await press(bea, 'reject', data);
    expect(texts).toContain('Rejected');
    expect(cardTexts(calls, alex)).toContain('Bea Agent declined — the conversation is still yours.');
    expect((await sessionsOf(alex)).find((s) => s.id === firstItem)?.transferPendingTo).toBeUndefined();
    expect((await tables().workItems.get(firstItem))?.item.transfer).toBeUndefined();
    const stale = await press(bea, 'accept', data);
    expect(stale.texts).toContain('This request is no longer available.');
    expect(await sessionsOf(bea)).toEqual([]);
  });

  it("tells Alex when Cleo doesn't answer within the notification timeout", async () => {
    await press(alex, 'transfer', { sessionId: firstItem, toAgentId: cleo.aadObjectId });
    team.desk.clock.advance((TIMEOUT_S + 1) * 1000);
    const mark = team.connector.calls.length;
    await team.desk.app.sweep();
    const calls = team.connector.calls.slice(mark);
    expect(cardTexts(calls, alex)).toContain("Cleo Agent didn't answer — the conversation is still yours.");
    expect((await tables().workItems.get(firstItem))?.item.transfer).toBeUndefined();
    expect((await tables().workItems.get(firstItem))?.item.assignedAgentId).toBe(alex.aadObjectId);
  });

  it('hands the conversation to Bea when she accepts: hers, focused, with its notes; gone from Alex', async () => {
    await press(alex, 'transfer', { sessionId: firstItem, toAgentId: bea.aadObjectId });
    const offer = latestOffer(team.connector, bea);
    const data = dataOf(actionsWithVerb(cardOf(offer ?? ({} as RecordedCall)), 'accept')[0] ?? {});
    const { calls } = await press(bea, 'accept', data);
    expect(saidTo(calls, first.conversationId).map(textOf)).toEqual(["You're now chatting with Bea Agent."]);
    expect((await tables().workItems.get(firstItem))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: bea.aadObjectId,
    });
    const beas = await tables().agentRecords.get(bea.aadObjectId);
    expect(beas?.panel.sessions.map((s) => s.id)).toEqual([firstItem]);
    expect(beas?.panel.focusedSessionId).toBe(firstItem);
    expect((await sessionsOf(alex)).map((s) => s.id)).toEqual([secondItem]);
    expect(cardTexts(calls, bea)).toContain('Refund for order 1234 approved by finance');

    const relayed = await send(customerMessage(team.connector.serviceUrl, first, 'Thanks, any news?'));
    expect(cardTexts(relayed.calls, bea).join(' ')).toContain('Thanks, any news?');
    expect(saidTo(relayed.calls, alex.conversationId)).toEqual([]);

    const replayed = await press(bea, 'accept', data);
    expect(replayed.texts).toContain('This request is no longer available.');
    expect(await sessionsOf(bea)).toHaveLength(1);
  });

  it('hands a conversation back to the queue, at its head; it goes to a free colleague, not back to Alex', async () => {
    const { texts, calls } = await press(alex, 'transfer', { sessionId: secondItem, toQueue: true });
    expect(texts[0]).toMatch(/is back in the queue$/);
    expect(saidTo(calls, second.conversationId).map(textOf)).toContain(
      "Thanks! You're in the queue; an agent will be with you shortly.",
    );
    expect(await sessionsOf(alex)).toEqual([]);
    const item = (await tables().workItems.get(secondItem))?.item;
    expect(item?.state).toBe('open');
    expect(item?.lastAgentId).toBeUndefined();
    const offeredTo = [bea, cleo].filter((agent) =>
      saidTo(calls, agent.conversationId).some(
        (call) => textBlocks(cardOf(call))[0] === 'Incoming conversation',
      ),
    );
    expect(offeredTo.map((agent) => agent.name)).toEqual(['Cleo Agent']);
    expect(
      saidTo(calls, alex.conversationId)
        .map(cardOf)
        .map((card) => textBlocks(card)[0]),
    ).not.toContain('Incoming conversation');
  });
});
