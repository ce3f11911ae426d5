import { receiveCustomerMessage } from '../../src/app/customers';
import { accept } from '../../src/app/offers';
import { setPresence, showPanel } from '../../src/app/panel-actions';
import { reply, saveReplyDraft } from '../../src/app/reply-actions';
import { confirmClose, focus } from '../../src/app/session-actions';
import { openCase, saveCase } from '../../src/app/work-item-actions';
import { sessionDetail, workspace } from '../../src/app/workspace';
import { caseSessionId, workItemIdOfSession } from '../../src/app/case-sessions';
import { sentimentTrend } from '../../src/app/workspace';
import { usedCapacityUnits } from '../../src/domain/agent-sessions';
import { createDesk } from './desk-harness';

const customer = (id: string, text: string, identity?: { caseTitle?: string }) => ({
  customerId: `emulator:${id}`,
  channelId: 'emulator',
  text,
  ...(identity ? { identity } : {}),
});

/** Alice (and Bob, Away) known; `count` customers accepted by Alice, the last one focused. */
async function aliceWithSessions(count: number, options: Parameters<typeof createDesk>[0] = {}) {
  const harness = createDesk({ agents: ['alice', 'bob'], ...options });
  const { ports, notifier } = harness;
  await showPanel(ports, 'alice', 'Alice');
  await showPanel(ports, 'bob', 'Bob');
  await setPresence(ports, 'bob', 'away');
  const ids: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    const outcome = await receiveCustomerMessage(
      ports,
      customer(`c${n}`, `My order ${n} is late and I am upset`),
    );
    const offer = notifier.viewsTo('alice', 'offer').at(-1);
    if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
    await accept(ports, { agentId: 'alice', workItemId: outcome.workItemId, offerId: offer.offerId });
    ids.push(outcome.workItemId);
  }
  notifier.clear();
  return { ...harness, ids };
}

async function agentDoc(harness: ReturnType<typeof createDesk>, agentId: string) {
  return harness.tables.agentRecords.get(agentId);
}

describe('the workspace use case', () => {
  it('creates the agent on first contact (Available), sends nothing, and shows Home first', async () => {
    const harness = createDesk({ agents: ['alice'] });
    const view = await workspace(harness.ports, 'alice', 'Alice Agent');
    expect(view.panel.rows.map((row) => row.id)).toEqual(['home']);
    expect(view.panel).toMatchObject({
      agentName: 'Alice Agent',
      presence: 'available',
      focusedTitle: 'Home',
    });
    expect(view.dashboard.kind).toBe('dashboard');
    expect(view.offers).toEqual([]);
    expect(harness.notifier.sent).toEqual([]);
    expect(await agentDoc(harness, 'alice')).toMatchObject({ id: 'alice', presence: 'available' });
  });

  it('lists the offers waiting for this agent only, until they time out', async () => {
    const harness = createDesk({ agents: ['alice'] });
    await showPanel(harness.ports, 'alice', 'Alice');
    const outcome = await receiveCustomerMessage(harness.ports, customer('c1', 'Hello'));
    const view = await workspace(harness.ports, 'alice');
    expect(view.offers).toEqual([
      expect.objectContaining({
        kind: 'offer',
        workItemId: outcome.kind === 'queued' ? outcome.workItemId : '?',
        title: 'Visitor 1',
        firstMessage: 'Hello',
        status: 'pending',
      }),
    ]);
    expect((await workspace(harness.ports, 'bob')).offers).toEqual([]);
    harness.clock.advance(121_000);
    expect((await workspace(harness.ports, 'alice')).offers).toEqual([]);
  });
});

describe('session detail', () => {
  it('gives the transcript, the sentiment after each customer message, the draft and KB results', async () => {
    const harness = await aliceWithSessions(1);
    const [a] = harness.ids as [string];
    await reply(harness.ports, 'alice', a, 'Sorry to hear that, let me check.');
    harness.clock.advance(1000);
    await receiveCustomerMessage(
      harness.ports,
      customer('c1', 'Thank you, that is great, wonderful service!'),
    );
    await saveReplyDraft(harness.ports, 'alice', a, { reply: 'Half-typed' });

    const detail = await sessionDetail(harness.ports, 'alice', a);
    expect(detail).toMatchObject({
      sessionId: a,
      kind: 'conversation',
      workItemId: a,
      conversation: { kind: 'active-conversation', sessionId: a, readOnly: false, draft: 'Half-typed' },
      draft: { reply: 'Half-typed', caseFields: {} },
      // Suggestions follow the customer's latest message.
      kb: { kind: 'kb-search', sessionId: a, query: 'Thank you, that is great, wonderful service!' },
    });
    expect(detail?.transcript.map((line) => [line.from, line.text])).toEqual([
      ['customer', 'My order 1 is late and I am upset'],
      ['agent', 'Sorry to hear that, let me check.'],
      ['customer', 'Thank you, that is great, wonderful service!'],
    ]);
    expect(detail?.kb.results.length).toBeGreaterThan(0);
    expect(detail?.sentimentTrend).toHaveLength(2);
    const [first, second] = detail!.sentimentTrend;
    expect(first?.level).toMatch(/negative/i);
    expect(second?.at).toBeGreaterThan(first!.at);
    expect(second?.level).not.toBe(first?.level);
  });

  it('keeps each customer message score on the transcript', async () => {
    const harness = await aliceWithSessions(1);
    const doc = await harness.workItem(harness.ids[0]!);
    expect(doc?.transcript[0]?.score).toBeLessThan(0);
  });

  it('is undefined for a session the agent does not have: Home, another agent’s, an unknown one', async () => {
    const harness = await aliceWithSessions(1);
    const [a] = harness.ids as [string];
    expect(await sessionDetail(harness.ports, 'bob', a)).toBeUndefined();
    expect(await sessionDetail(harness.ports, 'alice', 'home')).toBeUndefined();
    expect(await sessionDetail(harness.ports, 'alice', 'nope')).toBeUndefined();
    expect(await sessionDetail(harness.ports, 'nobody', a)).toBeUndefined();
  });

  it('derives the trend over the sliding window and skips messages stored without a score', () => {
    const at = (n: number) => 1000 * n;
    const trend = sentimentTrend([
      { from: 'customer', text: 'old', at: at(0) },
      ...[1, 2, 3, 4, 5, 6].map((n) => ({ from: 'customer' as const, text: 'bad', at: at(n), score: -0.9 })),
      { from: 'agent', text: 'sorry', at: at(7) },
      ...[8, 9, 10, 11, 12, 13].map((n) => ({
        from: 'customer' as const,
        text: 'good',
        at: at(n),
        score: 0.9,
      })),
    ]);
    expect(trend).toHaveLength(12);
    expect(trend[0]).toEqual({ at: at(1), level: 'Very negative' });
    expect(trend[8]?.level).toBe('Neutral');
    expect(trend.at(-1)).toEqual({ at: at(13), level: 'Very positive' });
  });
});

describe('case sessions (openCase)', () => {
  it('opens "Case: <title>" as case:<workItemId>, focused, with no capacity used and the form in the draft', async () => {
    const harness = await aliceWithSessions(1);
    const [a] = harness.ids as [string];
    const presenceBefore = (await agentDoc(harness, 'alice'))?.presence;
    const view = await openCase(harness.ports, 'alice', a);
    expect(view).toMatchObject({ kind: 'panel', focusedTitle: 'Case: Visitor 1' });
    const agent = await agentDoc(harness, 'alice');
    const session = agent?.panel.sessions.find((s) => s.id === caseSessionId(a));
    expect(session).toMatchObject({
      kind: 'case',
      title: 'Case: Visitor 1',
      draft: { reply: '', caseFields: { title: '', description: '', priority: 'normal' } },
    });
    expect(agent?.panel.focusedSessionId).toBe(caseSessionId(a));
    expect(usedCapacityUnits(agent!.panel, 1)).toBe(1);
    expect(agent?.presence).toBe(presenceBefore);
    expect(harness.notifier.lastPanel('alice')?.rows.at(-1)).toMatchObject({ kind: 'case', icon: 'Ca' });
    expect(workItemIdOfSession(session!)).toBe(a);
  });

  it('takes the customer’s case title when there is one', async () => {
    const harness = createDesk({ agents: ['alice'] });
    await showPanel(harness.ports, 'alice', 'Alice');
    await receiveCustomerMessage(harness.ports, customer('c9', 'Hi', { caseTitle: 'Broken router #77' }));
    const offer = harness.notifier.viewsTo('alice', 'offer').at(-1)!;
    await accept(harness.ports, { agentId: 'alice', workItemId: offer.workItemId, offerId: offer.offerId });
    await openCase(harness.ports, 'alice', offer.workItemId);
    const session = (await agentDoc(harness, 'alice'))?.panel.sessions.find((s) => s.kind === 'case');
    expect(session).toMatchObject({
      title: 'Broken router #77',
      draft: { caseFields: { title: 'Broken router #77' } },
    });
  });

  it('keeps the unsaved case form across focus switches, and opening it again only focuses it', async () => {
    const harness = await aliceWithSessions(2);
    const [a, b] = harness.ids as [string, string];
    await openCase(harness.ports, 'alice', a);
    const id = caseSessionId(a);
    await saveReplyDraft(harness.ports, 'alice', id, {
      caseFields: { description: 'Router drops every hour' },
    });
    await focus(harness.ports, 'alice', b);
    await focus(harness.ports, 'alice', 'home');
    await openCase(harness.ports, 'alice', a);
    const agent = await agentDoc(harness, 'alice');
    expect(agent?.panel.focusedSessionId).toBe(id);
    expect(agent?.panel.sessions.filter((s) => s.id === id)).toHaveLength(1);
    expect(agent?.panel.sessions.find((s) => s.id === id)?.draft.caseFields).toEqual({
      title: '',
      description: 'Router drops every hour',
      priority: 'normal',
    });
    const detail = await sessionDetail(harness.ports, 'alice', id);
    expect(detail).toMatchObject({
      sessionId: id,
      kind: 'case',
      workItemId: a,
      conversation: { readOnly: true, draft: '' },
      draft: { caseFields: { description: 'Router drops every hour' } },
    });
    expect(detail?.transcript.length).toBeGreaterThan(0);
  });

  it('closing it just closes the session: the conversation stays Active', async () => {
    const harness = await aliceWithSessions(1);
    const [a] = harness.ids as [string];
    await openCase(harness.ports, 'alice', a);
    expect(await confirmClose(harness.ports, 'alice', caseSessionId(a))).toMatchObject({
      kind: 'notice',
      text: 'The session is closed.',
    });
    const doc = await harness.workItem(a);
    expect(doc?.item).toMatchObject({ state: 'active', assignedAgentId: 'alice' });
    expect((await agentDoc(harness, 'alice'))?.panel.sessions.map((s) => s.id)).toEqual([a]);
  });

  it('is refused for a work item another agent is working on, and for an unknown one', async () => {
    const harness = await aliceWithSessions(1);
    const [a] = harness.ids as [string];
    expect(await openCase(harness.ports, 'bob', a)).toMatchObject({
      kind: 'notice',
      text: 'Open a case on a conversation you are working on or have worked on.',
    });
    expect(await openCase(harness.ports, 'bob', 'no-such-item')).toMatchObject({ kind: 'notice' });
    expect((await agentDoc(harness, 'bob'))?.panel.sessions).toEqual([]);
  });

  it('is refused for a queued work item: nobody has it yet', async () => {
    const harness = createDesk({ agents: ['alice'], unreachable: ['alice'] });
    const outcome = await receiveCustomerMessage(harness.ports, customer('queued', 'Hello?'));
    if (outcome.kind !== 'queued') throw new Error('expected queued');
    expect(await openCase(harness.ports, 'alice', outcome.workItemId)).toMatchObject({
      kind: 'notice',
      text: 'Open a case on a conversation you are working on or have worked on.',
    });
    expect((await agentDoc(harness, 'alice'))?.panel.sessions).toEqual([]);
  });

  it('is saved only by Save: a title is required, the session takes the saved title, and a new case session starts from it', async () => {
    const harness = await aliceWithSessions(1);
    const [a] = harness.ids as [string];
    const id = caseSessionId(a);
    await openCase(harness.ports, 'alice', a);
    expect(await saveCase(harness.ports, 'alice', id)).toMatchObject({
      kind: 'notice',
      text: 'Give the case a title before saving it.',
    });
    expect((await harness.workItem(a))?.case).toBeUndefined();
    await saveReplyDraft(harness.ports, 'alice', id, {
      caseFields: { title: 'Router drops every hour', description: 'Since Monday', priority: 'high' },
    });
    expect(await saveCase(harness.ports, 'alice', id)).toMatchObject({ kind: 'notice', title: 'Case saved' });
    const saved = (await harness.workItem(a))?.case;
    expect(saved).toMatchObject({
      title: 'Router drops every hour',
      description: 'Since Monday',
      priority: 'high',
      savedBy: 'alice',
    });
    const rows = (await workspace(harness.ports, 'alice')).panel.rows;
    expect(rows.find((row) => row.id === id)?.title).toBe('Router drops every hour');
    await confirmClose(harness.ports, 'alice', id);
    await openCase(harness.ports, 'alice', a);
    const detail = await sessionDetail(harness.ports, 'alice', id);
    expect(detail?.draft.caseFields).toEqual({
      title: 'Router drops every hour',
      description: 'Since Monday',
      priority: 'high',
    });
  });

  it('cannot be saved from a session that is not a case session', async () => {
    const harness = await aliceWithSessions(1);
    const [a] = harness.ids as [string];
    expect(await saveCase(harness.ports, 'alice', a)).toMatchObject({ kind: 'notice', tone: 'attention' });
    expect((await harness.workItem(a))?.case).toBeUndefined();
  });

  it('counts towards the maximum sessions', async () => {
    const harness = await aliceWithSessions(2, { workstream: { maxSessions: 2 } });
    expect(await openCase(harness.ports, 'alice', harness.ids[0]!)).toMatchObject({
      kind: 'notice',
      text: 'Maximum sessions reached. Close a session before opening another.',
    });
  });

  it('shows none of the live conversation once another agent holds the work item', async () => {
    const harness = await aliceWithSessions(1);
    const [a] = harness.ids as [string];
    await openCase(harness.ports, 'alice', a);
    // Alice closes the conversation (Waiting); the customer comes back and Bob takes it.
    await confirmClose(harness.ports, 'alice', a);
    await setPresence(harness.ports, 'alice', 'away');
    await setPresence(harness.ports, 'bob', 'available');
    await receiveCustomerMessage(harness.ports, customer('c1', 'Secret account details here'));
    const offer = harness.notifier.viewsTo('bob', 'offer').at(-1)!;
    await accept(harness.ports, { agentId: 'bob', workItemId: a, offerId: offer.offerId });
    const detail = await sessionDetail(harness.ports, 'alice', caseSessionId(a));
    expect(detail?.kind).toBe('case');
    expect(detail?.transcript).toEqual([]);
    expect(detail?.conversation.summary).toEqual([]);
    expect(JSON.stringify(detail)).not.toContain('Secret account details');
  });
});
