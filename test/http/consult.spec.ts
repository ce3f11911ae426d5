/**
 * Consult over HTTP: three agents in Teams, one customer on the Emulator, the fake Bot Connector. Alex asks Bea
 * and Cleo to consult; they read the conversation live, talk with Alex in a private thread the customer never
 * sees, Bea is added to the conversation and writes to the customer; consultants leave or are removed, and every
 * consult ends with the conversation. Nobody's capacity moves for a consult.
 */
import { agentMessage, customerMessage, type TestAgent, type TestCustomer } from '../support/activities';
import { actionsWithVerb, cardOf, dataOf, textBlocks, textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { alex, bea, cleo } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';
import { devSignIn } from '../web/agent-api-support';

const kim: TestCustomer = { userId: 'co-visitor-1', conversationId: 'conv-co-1' };

describe('consult over HTTP', () => {
  const team = useTeamworkDesk([alex, bea, cleo]);
  let item: string;

  const tables = () => team.tables();
  const sessionsOf = (agent: TestAgent) => team.sessionsOf(agent);
  const capacityOf = (agent: TestAgent) => team.capacityOf(agent);
  const send = async (activity: Parameters<typeof team.send>[0]): Promise<RecordedCall[]> =>
    (await team.send(activity)).calls;
  const press = (agent: TestAgent, verb: string, data: Record<string, unknown>) =>
    team.press(agent, verb, data);

  async function transcriptSeenBy(agent: TestAgent): Promise<string[]> {
    const token = await devSignIn(team.desk.app.baseUrl, agent.aadObjectId);
    const answer = await fetch(`${team.desk.app.baseUrl}/api/agent/sessions/${item}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(200);
    const detail = (await answer.json()) as { transcript: { text: string }[] };
    return detail.transcript.map((line) => line.text);
  }

  it('starts with Alex holding the conversation, Bea and Cleo free', async () => {
    for (const agent of [alex, bea, cleo]) await send(agentMessage(team.connector.serviceUrl, agent, 'hi'));
    await send(agentMessage(team.connector.serviceUrl, bea, 'presence away'));
    await send(agentMessage(team.connector.serviceUrl, cleo, 'presence away'));
    await send(customerMessage(team.connector.serviceUrl, kim, 'My refund never arrived'));
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    await send(agentMessage(team.connector.serviceUrl, bea, 'presence busy'));
    await send(agentMessage(team.connector.serviceUrl, cleo, 'presence available'));
    item = (await sessionsOf(alex))[0]?.id ?? '';
    expect(item).not.toBe('');
  });

  it('answers `/c` with the colleagues who can consult', async () => {
    const calls = await send(agentMessage(team.connector.serviceUrl, alex, '/c'));
    const picker = saidTo(calls, alex.conversationId).map(cardOf).at(-1);
    expect(textBlocks(picker)[0]).toMatch(/^Consult on Visitor \d+$/);
    expect(actionsWithVerb(picker, 'consult').map(dataOf)).toEqual([
      { sessionId: item, agentId: bea.aadObjectId },
      { sessionId: item, agentId: cleo.aadObjectId },
    ]);
  });

  it('gives Bea a read-only consult session without capacity, and an invite card; the customer hears nothing', async () => {
    const { texts, calls } = await press(alex, 'consult', { sessionId: item, agentId: bea.aadObjectId });
    expect(texts).toContain(`Bea Agent is consulting on ${(await sessionsOf(alex))[0]?.title}.`);
    expect(cardTexts(calls, bea).join(' ')).toContain('Alex Agent asks for your help with Visitor');
    expect(cardTexts(calls, bea).join(' ')).toContain('show live in the Relaydesk tab');
    expect(saidTo(calls, kim.conversationId)).toEqual([]);
    expect((await sessionsOf(bea)).map((s) => [s.id, s.consult, s.readOnly])).toEqual([
      [item, 'watching', true],
    ]);
    expect([await capacityOf(alex), await capacityOf(bea)]).toEqual([1, 0]);
    expect((await tables().workItems.get(item))?.item).toMatchObject({
      assignedAgentId: alex.aadObjectId,
      consultants: 1,
    });
  });

  it('shows Bea the conversation live: a new customer message is in her view at once, counted unread', async () => {
    const calls = await send(customerMessage(team.connector.serviceUrl, kim, 'Order 1234, paid on the 3rd'));
    expect(await transcriptSeenBy(bea)).toEqual(['My refund never arrived', 'Order 1234, paid on the 3rd']);
    // Her consult session (not the one she has open) counts it; her chat gets no card for it (the tab shows it).
    expect((await sessionsOf(bea)).find((session) => session.id === item)).toMatchObject({
      consult: 'watching',
      unread: 1,
    });
    expect(saidTo(calls, bea.conversationId)).toEqual([]);
  });

  it('keeps the consult thread between the agents: both see it, the customer never does', async () => {
    const asked = await press(bea, 'consultNote', { sessionId: item, text: 'Was it paid by card?' });
    expect(asked.texts).toContain('Was it paid by card?');
    expect(cardTexts(asked.calls, alex)).toContain('Was it paid by card?');
    team.desk.clock.advance(1000);
    const answered = await press(alex, 'consultNote', { sessionId: item, text: 'Yes, Visa' });
    expect(cardTexts(answered.calls, bea)).toContain('Yes, Visa');
    for (const calls of [asked.calls, answered.calls]) expect(saidTo(calls, kim.conversationId)).toEqual([]);
    expect((await tables().consults.latestNotes(item, 10)).map((line) => line.text)).toEqual([
      'Was it paid by card?',
      'Yes, Visa',
    ]);
    expect(await transcriptSeenBy(alex)).not.toContain('Yes, Visa');
  });

  it('refuses a consultant what only the agent does, changing nothing', async () => {
    const refusals = [
      await press(bea, 'end', { sessionId: item }),
      await press(bea, 'close', { sessionId: item }),
      await press(bea, 'closeConfirm', { sessionId: item }),
      await press(bea, 'transfer', { sessionId: item, toQueue: true }),
      await press(bea, 'wrapUp', { sessionId: item, outcome: 'Resolved' }),
      await press(bea, 'consult', { sessionId: item, agentId: cleo.aadObjectId }),
      await press(bea, 'reply', { sessionId: item, text: 'Hello from Bea' }),
    ];
    for (const refused of refusals.slice(0, 6))
      expect(refused.texts.join(' ')).toContain("You're consulting on this conversation: only its agent can");
    expect(refusals[6]?.texts).toContain('This request is no longer available.');
    for (const refused of refusals) expect(saidTo(refused.calls, kim.conversationId)).toEqual([]);
    expect((await tables().workItems.get(item))?.item).toMatchObject({ state: 'active', consultants: 1 });
    expect(await sessionsOf(bea)).toHaveLength(1);
  });

  it('refuses inviting yourself, twice, an unavailable or unknown agent', async () => {
    const self = await press(alex, 'consult', { sessionId: item, agentId: alex.aadObjectId });
    expect(self.texts).toContain('The conversation is already yours: invite a colleague to consult.');
    const twice = await press(alex, 'consult', { sessionId: item, agentId: bea.aadObjectId });
    expect(twice.texts).toContain('Bea Agent is already consulting on this conversation.');
    const stranger = await press(alex, 'consult', { sessionId: item, agentId: 'aad-mallory' });
    expect(stranger.texts.join(' ')).toContain('That agent cannot consult now');
    await send(agentMessage(team.connector.serviceUrl, cleo, 'presence away'));
    const away = await press(alex, 'consult', { sessionId: item, agentId: cleo.aadObjectId });
    expect(away.texts.join(' ')).toContain('That agent cannot consult now');
    await send(agentMessage(team.connector.serviceUrl, cleo, 'presence available'));
    expect((await tables().consults.of(item)).map((c) => c.agentId)).toEqual([bea.aadObjectId]);
  });

  it('adds Bea to the conversation: the customer is told, and her replies reach them signed with her name', async () => {
    const { texts, calls } = await press(alex, 'consultAdd', { sessionId: item, agentId: bea.aadObjectId });
    expect(texts).toContain('Bea Agent joined the conversation.');
    expect(saidTo(calls, kim.conversationId).map(textOf)).toEqual(['Bea Agent joined the conversation.']);
    expect((await sessionsOf(bea))[0]?.consult).toBe('added');
    const replied = await press(bea, 'reply', { sessionId: item, text: 'The refund left today.' });
    expect(replied.texts[0]).toMatch(/^Sending to Visitor/);
    await team.desk.app.drainOutbox();
    expect(await transcriptSeenBy(alex)).toContain('The refund left today.');
    expect([await capacityOf(alex), await capacityOf(bea)]).toEqual([1, 0]);
  });

  it('lets Cleo join and leave; Alex is told and her session closes', async () => {
    await press(alex, 'consult', { sessionId: item, agentId: cleo.aadObjectId });
    expect(await sessionsOf(cleo)).toHaveLength(1);
    const { texts, calls } = await press(cleo, 'consultLeave', { sessionId: item });
    expect(texts).toContain('You left the consult');
    expect(cardTexts(calls, alex)).toContain('Cleo Agent left the consult.');
    expect(await sessionsOf(cleo)).toEqual([]);
    const again = await press(cleo, 'consultLeave', { sessionId: item });
    expect(again.texts).toContain('This request is no longer available.');
    expect((await tables().workItems.get(item))?.item.consultants).toBe(1);
  });

  it('lets Alex remove a consultant, and a consultant cannot remove another', async () => {
    await press(alex, 'consult', { sessionId: item, agentId: cleo.aadObjectId });
    const byBea = await press(bea, 'consultLeave', { sessionId: item, agentId: cleo.aadObjectId });
    expect(byBea.texts.join(' ')).toContain("You're consulting on this conversation");
    const removed = await press(alex, 'consultLeave', { sessionId: item, agentId: cleo.aadObjectId });
    expect(removed.texts).toContain(
      `Cleo Agent no longer consults on ${(await sessionsOf(alex))[0]?.title}.`,
    );
    expect(await sessionsOf(cleo)).toEqual([]);
  });

  it('ends every consult when Alex ends the conversation: Bea’s session closes, capacity as before', async () => {
    await press(alex, 'end', { sessionId: item });
    expect(await sessionsOf(bea)).toEqual([]);
    expect(await tables().consults.of(item)).toEqual([]);
    expect((await tables().workItems.get(item))?.item.consultants).toBeUndefined();
    expect([await capacityOf(bea), await capacityOf(cleo)]).toEqual([0, 0]);
    const late = await press(bea, 'consultNote', { sessionId: item, text: 'Anything else?' });
    expect(late.texts).toContain('This request is no longer available.');
  });
});
