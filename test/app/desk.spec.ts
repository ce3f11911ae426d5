import { receiveCustomerMessage } from '../../src/app/customers';
import { accept, reject } from '../../src/app/offers';
import { setPresence, showDashboard, showPanel, togglePanel } from '../../src/app/panel-actions';
import { agentText, reply, saveReplyDraft } from '../../src/app/reply-actions';
import { cancelClose, confirmClose, focus, requestClose } from '../../src/app/session-actions';
import { end, finish } from '../../src/app/wrap-up';
import { open, pick } from '../../src/app/work-item-actions';
import { createDesk } from './desk-harness';
import { inMemoryDeskTables, type DeskTables } from '../support/desk-tables';
import { QUEUED } from '../support/fixtures';

interface Jittered {
  readonly tables?: DeskTables;
}

/**
 * Agents and customers whose reads and writes finish after a varying number of event-loop turns, so concurrent
 * work interleaves.
 */
function jittery(): Jittered {
  let seed = 7;
  const turns = async () => {
    seed = (seed * 48271) % 2147483647;
    for (let i = 0; i < seed % 4; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const delayed = <T extends object>(repository: T): T => {
    const calls = Object.entries(repository).map(([name, call]) => [
      name,
      async (...args: unknown[]) => {
        await turns();
        return (call as (...a: unknown[]) => unknown).apply(repository, args);
      },
    ]);
    return Object.fromEntries(calls) as T;
  };
  const tables: DeskTables = inMemoryDeskTables();
  return {
    tables: { ...tables, agentRecords: delayed(tables.agentRecords), customers: delayed(tables.customers) },
  };
}

const customer = (id: string, text: string) => ({
  customerId: `emulator:${id}`,
  channelId: 'emulator',
  text,
});

async function agentDoc(tables: ReturnType<typeof createDesk>['tables'], id: string) {
  return tables.agentRecords.get(id);
}

/** Alice alone is an agent who has written to the bot; a customer arrives and is offered to her. */
async function offeredToAlice(agents = ['alice'], jittered: Jittered = {}) {
  const harness = createDesk({ agents, ...jittered });
  for (const id of agents) await showPanel(harness.ports, id, id === 'alice' ? 'Alice' : 'Bob');
  const outcome = await receiveCustomerMessage(harness.ports, customer('c1', 'Hi, my router is broken'));
  const offer = harness.notifier.viewsTo('alice', 'offer').at(-1);
  if (outcome.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
  return { ...harness, workItemId: outcome.workItemId, offer };
}

async function activeWithAlice(jittered: Jittered = {}) {
  const harness = await offeredToAlice(['alice'], jittered);
  await accept(harness.ports, {
    agentId: 'alice',
    workItemId: harness.workItemId,
    offerId: harness.offer.offerId,
  });
  harness.notifier.clear();
  return harness;
}

describe('desk', () => {
  describe('an agent on first contact', () => {
    it('is Available with only Home in the panel', async () => {
      const { ports } = createDesk();
      const view = await showPanel(ports, 'alice', 'Alice');
      expect(view).toMatchObject({
        kind: 'panel',
        agentName: 'Alice',
        presence: 'available',
        mode: 'expanded',
      });
      expect(view.kind === 'panel' && view.rows.map((r) => r.id)).toEqual(['home']);
    });
  });

  describe('a new customer', () => {
    it('is told they are queued and offered to an eligible agent as Visitor 1', async () => {
      const { notifier, offer, workItemId } = await offeredToAlice();
      expect(notifier.textsTo('emulator:c1')).toEqual([QUEUED]);
      expect(offer).toMatchObject({
        workItemId,
        title: 'Visitor 1',
        icon: 'Vi',
        channel: 'emulator',
        firstMessage: 'Hi, my router is broken',
        timeoutSeconds: 120,
        status: 'pending',
      });
      expect(notifier.sent.find((s) => s.view?.kind === 'offer')?.target).toEqual({
        kind: 'offer',
        offerId: offer.offerId,
      });
    });

    it('is not offered to an agent the bot cannot reach', async () => {
      const { ports, notifier } = createDesk({ agents: ['alice'], unreachable: ['alice'] });
      await showPanel(ports, 'alice');
      notifier.clear();
      expect((await receiveCustomerMessage(ports, customer('c1', 'hello'))).kind).toBe('queued');
      expect(notifier.viewsTo('alice', 'offer')).toEqual([]);
    });

    it('waits in the queue when no agent has written to the bot yet', async () => {
      const { ports, notifier, tables } = createDesk();
      const outcome = await receiveCustomerMessage(ports, customer('c1', 'hello'));
      expect(outcome.kind).toBe('queued');
      expect(notifier.sent.filter((s) => s.view)).toEqual([]);
      const queue = await tables.queue.get('default');
      expect(queue?.entries.map((e) => e.offer)).toEqual([undefined]);
    });

    it('sending two messages at once opens exactly one work item with both messages', async () => {
      const { ports, workItem, tables } = createDesk();
      const outcomes = await Promise.all([
        receiveCustomerMessage(ports, customer('c1', 'first')),
        receiveCustomerMessage(ports, customer('c1', 'second')),
      ]);
      const ids = new Set(outcomes.map((o) => ('workItemId' in o ? o.workItemId : '')));
      expect(ids.size).toBe(1);
      const doc = await workItem([...ids][0] ?? '');
      expect(doc?.transcript.map((m) => m.text).sort()).toEqual(['first', 'second']);
      const queue = await tables.queue.get('default');
      expect(queue?.entries).toHaveLength(1);
    });

    it('gets a new visitor number each, counted per deployment', async () => {
      const { ports, workItem } = createDesk();
      const a = await receiveCustomerMessage(ports, customer('c1', 'hi'));
      const b = await receiveCustomerMessage(ports, customer('c2', 'hi'));
      const titles = await Promise.all(
        [a, b].map(async (o) => (await workItem('workItemId' in o ? o.workItemId : ''))?.item.title),
      );
      expect(titles).toEqual(['Visitor 1', 'Visitor 2']);
    });

    it('who floods is asked to slow down beyond the per-minute limit, and may write again a minute later', async () => {
      const { ports, notifier, clock } = createDesk({ rateLimitPerMinute: 3 });
      const outcomes = [];
      for (let i = 0; i < 5; i += 1)
        outcomes.push((await receiveCustomerMessage(ports, customer('c1', `m${i}`))).kind);
      expect(outcomes.filter((k) => k === 'rate-limited')).toHaveLength(2);
      expect(notifier.textsTo('emulator:c1')).toContain(
        "You're sending messages quickly — please wait a moment.",
      );
      clock.advance(60_000);
      expect((await receiveCustomerMessage(ports, customer('c1', 'again'))).kind).not.toBe('rate-limited');
    });
  });

  describe('accept', () => {
    it('starts a focused session, tells the customer, and loads Active Conversation and KB search', async () => {
      const { ports, notifier, tables, workItem, workItemId, offer } = await offeredToAlice();
      const view = await accept(ports, { agentId: 'alice', workItemId, offerId: offer.offerId });
      expect(view).toMatchObject({ kind: 'offer', status: 'accepted' });
      expect(notifier.textsTo('emulator:c1')).toContain("You're now chatting with Alice.");
      expect(notifier.viewsTo('alice', 'active-conversation')[0]).toMatchObject({
        sessionId: workItemId,
        title: 'Visitor 1',
        channel: 'emulator',
        readOnly: false,
      });
      expect(notifier.viewsTo('alice', 'kb-search')[0]).toMatchObject({ query: 'Hi, my router is broken' });
      const agent = await agentDoc(tables, 'alice');
      expect(agent?.panel.focusedSessionId).toBe(workItemId);
      expect(agent?.presence).toBe('busy');
      expect((await workItem(workItemId))?.item).toMatchObject({
        state: 'active',
        assignedAgentId: 'alice',
      });
    });

    it('by an agent the offer was not made to is refused and changes nothing', async () => {
      const { ports, workItem, workItemId, offer } = await offeredToAlice(['alice', 'bob']);
      const target = offer.offerId;
      const before = await workItem(workItemId);
      const view = await accept(ports, { agentId: 'mallory', workItemId, offerId: target });
      expect(view).toMatchObject({ kind: 'notice', text: 'This request was offered to another agent.' });
      expect(await workItem(workItemId)).toEqual(before);
    });

    it('pressed twice: the second is no longer available', async () => {
      const { ports, workItemId, offer } = await offeredToAlice();
      await accept(ports, { agentId: 'alice', workItemId, offerId: offer.offerId });
      expect(await accept(ports, { agentId: 'alice', workItemId, offerId: offer.offerId })).toMatchObject({
        kind: 'offer',
        status: 'unavailable',
      });
    });

    it('after the notification timeout is no longer available', async () => {
      const { ports, clock, workItemId, offer } = await offeredToAlice();
      clock.advance(120_000);
      expect(await accept(ports, { agentId: 'alice', workItemId, offerId: offer.offerId })).toMatchObject({
        status: 'unavailable',
      });
    });
  });

  describe('reject and timeout', () => {
    it('a rejected offer goes to the next agent', async () => {
      const { ports, notifier, workItemId, offer } = await offeredToAlice(['alice', 'bob']);
      const view = await reject(ports, { agentId: 'alice', workItemId, offerId: offer.offerId });
      expect(view).toMatchObject({ kind: 'offer', status: 'rejected' });
      expect(notifier.viewsTo('bob', 'offer').at(-1)).toMatchObject({ workItemId, status: 'pending' });
    });

    it('a missed offer turns Missed on the sweep after the timeout and goes to the next agent', async () => {
      const { sweep, notifier, clock, workItemId, offer } = await offeredToAlice(['alice', 'bob']);
      clock.advance(119_000);
      await sweep();
      expect(notifier.viewsTo('bob', 'offer')).toEqual([]);
      clock.advance(1_000);
      await sweep();
      const missed = notifier.toOfferCard(offer.offerId).at(-1);
      expect(missed?.view).toMatchObject({ status: 'missed' });
      expect(notifier.viewsTo('bob', 'offer').at(-1)).toMatchObject({ workItemId, status: 'pending' });
    });
  });

  describe('relay', () => {
    it('a customer message reaches the agent as a card with its sentiment', async () => {
      const { ports, notifier, workItemId } = await activeWithAlice();
      await receiveCustomerMessage(ports, customer('c1', 'Thanks, that is great!'));
      expect(notifier.viewsTo('alice', 'customer-message')[0]).toMatchObject({
        sessionId: workItemId,
        title: 'Visitor 1',
        text: 'Thanks, that is great!',
        truncated: false,
      });
    });

    it('concurrent messages from one customer reach the agent in the order they were accepted, as in the transcript', async () => {
      const { ports, notifier, workItem, workItemId } = await activeWithAlice(jittery());
      const texts = Array.from({ length: 30 }, (_, i) => `message ${i}`);
      await Promise.all(texts.map((text) => receiveCustomerMessage(ports, customer('c1', text))));
      const relayed = notifier.viewsTo('alice', 'customer-message').map((view) => view.text);
      expect(relayed).toEqual(texts);
      const transcript = (await workItem(workItemId))?.transcript.filter((m) => m.from === 'customer');
      expect(transcript?.slice(1).map((m) => m.text)).toEqual(texts);
    });

    it('every panel card carries the revision of the agent document it shows, rising with each change', async () => {
      const { ports, notifier, tables } = await activeWithAlice();
      await receiveCustomerMessage(ports, customer('c2', 'Hello, a second customer'));
      await focus(ports, 'alice', 'home');
      for (const text of ['four', 'five']) await receiveCustomerMessage(ports, customer('c1', text));
      const panels = notifier.sent.filter((sent) => sent.target?.kind === 'panel');
      const versions = panels.map((sent) => sent.version);
      expect(versions.every((version) => typeof version === 'number')).toBe(true);
      expect(versions).toEqual([...versions].sort((a, b) => (a ?? 0) - (b ?? 0)));
      expect(new Set(versions).size).toBeGreaterThanOrEqual(3);
      expect(versions.at(-1)).toBe((await agentDoc(tables, 'alice'))?.revision);
      expect(panels.at(-1)?.view).toMatchObject({ kind: 'panel' });
    });

    it("the agent's plain text goes to the focused session's customer", async () => {
      const { ports, notifier, workItem, workItemId } = await activeWithAlice();
      await agentText(ports, 'alice', 'Have you tried turning it off and on?');
      expect(notifier.textsTo('emulator:c1')).toEqual(['Have you tried turning it off and on?']);
      expect((await workItem(workItemId))?.transcript.at(-1)).toMatchObject({
        from: 'agent',
        agentId: 'alice',
      });
    });

    it('with Home focused the agent gets the panel and a hint, and nothing goes to customers', async () => {
      const { ports, notifier } = createDesk();
      const view = await agentText(ports, 'alice', 'hello?', 'Alice');
      expect(view).toMatchObject({
        kind: 'panel',
        notice: expect.stringContaining('select a session') as string,
      });
      expect(notifier.sent.filter((s) => s.text)).toEqual([]);
    });

    it('messages to a session that is not focused raise its unread count; 12 show 9+ and focus clears it', async () => {
      const { ports, notifier, workItemId } = await activeWithAlice();
      await focus(ports, 'alice', 'home');
      for (let i = 0; i < 12; i += 1) await receiveCustomerMessage(ports, customer('c1', `message ${i}`));
      const row = notifier.lastPanel('alice')?.rows.find((r) => r.id === workItemId);
      expect(row).toMatchObject({ badge: '9+', tooltip: 'Visitor 1. 12 new updates in your conversation.' });
      const focused = await focus(ports, 'alice', workItemId);
      expect(
        focused.kind === 'panel' && focused.rows.find((r) => r.id === workItemId)?.badge,
      ).toBeUndefined();
    });

    /** Alice accepts a conversation opened with a line of neutral sentiment. */
    async function neutralWithAlice() {
      const harness = createDesk({ agents: ['alice'] });
      const { ports, notifier } = harness;
      await showPanel(ports, 'alice', 'Alice');
      const opened = await receiveCustomerMessage(ports, customer('c1', 'Hello, a question about my bill'));
      const offer = notifier.viewsTo('alice', 'offer').at(-1);
      if (opened.kind !== 'queued' || !offer) throw new Error('expected an offer to alice');
      await accept(ports, { agentId: 'alice', workItemId: opened.workItemId, offerId: offer.offerId });
      return { ...harness, workItemId: opened.workItemId };
    }

    it('a negative conversation raises the sentiment alert on the row', async () => {
      const { ports, notifier, workItemId } = await neutralWithAlice();
      const rowOf = () => notifier.lastPanel('alice')?.rows.find((r) => r.id === workItemId);
      expect(rowOf()).toMatchObject({ alert: false, tooltip: 'Visitor 1' });
      await receiveCustomerMessage(
        ports,
        customer('c1', 'This is terrible, I am furious and want a refund!!'),
      );
      expect(rowOf()).toMatchObject({
        alert: true,
        tooltip: 'Visitor 1. Urgent attention is needed in your conversation.',
      });
    });

    it('a change of sentiment the panel does not show (no alert either way) is kept, with no panel update', async () => {
      const { ports, notifier, workItemId } = await neutralWithAlice();
      notifier.clear();
      await receiveCustomerMessage(ports, customer('c1', 'Thanks, that is great, you are wonderful!'));
      expect(notifier.viewsTo('alice', 'customer-message')).toHaveLength(1);
      expect(notifier.viewsTo('alice', 'panel')).toEqual([]);
      const alice = await ports.agentRecords.get('alice');
      expect(alice?.panel.sessions.find((session) => session.id === workItemId)?.sentiment).toMatch(
        /positive/i,
      );
    });

    it('a message to the session the agent has open, its sentiment unchanged, sends no panel update', async () => {
      const { ports, notifier, workItemId } = await neutralWithAlice();
      notifier.clear();
      await receiveCustomerMessage(ports, customer('c1', 'It is the invoice from March'));
      await receiveCustomerMessage(ports, customer('c1', 'The number is 4521'));
      expect(notifier.viewsTo('alice', 'customer-message').map((view) => view.text)).toEqual([
        'It is the invoice from March',
        'The number is 4521',
      ]);
      expect(notifier.viewsTo('alice', 'panel')).toEqual([]);
      await focus(ports, 'alice', 'home');
      notifier.clear();
      await receiveCustomerMessage(ports, customer('c1', 'Are you there?'));
      expect(notifier.lastPanel('alice')?.rows.find((r) => r.id === workItemId)).toMatchObject({
        badge: '1',
      });
    });

    it('text over the cap is cut with a visible "(truncated)"', async () => {
      const harness = createDesk({ agents: ['alice'], maxTextChars: 10 });
      await showPanel(harness.ports, 'alice');
      await receiveCustomerMessage(harness.ports, customer('c1', 'x'.repeat(50)));
      expect(harness.notifier.viewsTo('alice', 'offer')[0]?.firstMessage).toBe(
        `${'x'.repeat(10)} (truncated)`,
      );
    });
  });

  describe('close and end', () => {
    it('close asks for confirmation and changes nothing until confirmed', async () => {
      const { ports, workItem, workItemId } = await activeWithAlice();
      expect(await requestClose(ports, 'alice', workItemId)).toEqual({
        kind: 'close-confirm',
        sessionId: workItemId,
        title: 'Visitor 1',
      });
      expect((await workItem(workItemId))?.item.state).toBe('active');
      expect(await cancelClose(ports, 'alice')).toMatchObject({ kind: 'panel', notice: 'Close cancelled.' });
    });

    it('confirmed close moves the item to Waiting, frees capacity and says nothing to the customer', async () => {
      const { ports, tables, workItem, notifier, workItemId } = await activeWithAlice();
      await confirmClose(ports, 'alice', workItemId);
      expect((await workItem(workItemId))?.item.state).toBe('waiting');
      const agent = await agentDoc(tables, 'alice');
      expect(agent?.panel.sessions).toEqual([]);
      expect(agent?.panel.focusedSessionId).toBe('home');
      expect(agent?.presence).toBe('available');
      expect(notifier.textsTo('emulator:c1')).toEqual([]);
    });

    it('a customer who writes again while Waiting resumes the same item, with history, offered to the same agent', async () => {
      const { ports, workItem, notifier, workItemId, clock } = await activeWithAlice();
      await confirmClose(ports, 'alice', workItemId);
      clock.advance(3 * 24 * 3600 * 1000);
      const outcome = await receiveCustomerMessage(ports, customer('c1', 'It broke again'));
      expect(outcome).toMatchObject({ kind: 'queued', workItemId, isNew: false });
      expect((await workItem(workItemId))?.transcript.map((m) => m.text)).toEqual([
        'Hi, my router is broken',
        'It broke again',
      ]);
      expect(notifier.viewsTo('alice', 'offer').at(-1)).toMatchObject({
        workItemId,
        status: 'pending',
        firstMessage: 'It broke again',
      });
    });

    it('the agent can open a Waiting item again', async () => {
      const { ports, workItem, workItemId } = await activeWithAlice();
      await confirmClose(ports, 'alice', workItemId);
      await open(ports, 'alice', workItemId);
      expect((await workItem(workItemId))?.item).toMatchObject({
        state: 'active',
        assignedAgentId: 'alice',
      });
    });

    it('end tells the customer and moves the item to Wrap-up; their next message starts a new item with no old history', async () => {
      const { ports, workItem, notifier, workItemId } = await activeWithAlice();
      await end(ports, 'alice', workItemId);
      expect(notifier.textsTo('emulator:c1')).toEqual([
        'Alice has ended the conversation. Send a message any time to start a new one.',
      ]);
      expect((await workItem(workItemId))?.item.state).toBe('wrap-up');
      const next = await receiveCustomerMessage(ports, customer('c1', 'One more question'));
      expect(next.kind).toBe('queued');
      const fresh = await workItem('workItemId' in next ? next.workItemId : '');
      expect(fresh?.item.id).not.toBe(workItemId);
      expect(fresh?.transcript.map((m) => m.text)).toEqual(['One more question']);
      expect(fresh?.item.title).toBe('Visitor 1');
    });

    it('end by another agent is refused and changes nothing', async () => {
      const { ports, workItem, workItemId } = await activeWithAlice();
      await showPanel(ports, 'bob');
      expect(await end(ports, 'bob', workItemId)).toMatchObject({ kind: 'notice', tone: 'attention' });
      expect((await workItem(workItemId))?.item.state).toBe('active');
    });

    it('a stale end after the item ended is no longer available', async () => {
      const { ports, workItemId } = await activeWithAlice();
      await end(ports, 'alice', workItemId);
      expect(await end(ports, 'alice', workItemId)).toMatchObject({ kind: 'notice', tone: 'attention' });
    });

    it('a Closed item opens read-only, using no capacity', async () => {
      const { ports, tables, notifier, workItemId } = await activeWithAlice();
      await end(ports, 'alice', workItemId);
      await finish(ports, 'alice', workItemId, { outcome: 'Resolved' });
      await open(ports, 'alice', workItemId);
      expect(notifier.viewsTo('alice', 'active-conversation').at(-1)).toMatchObject({ readOnly: true });
      const agent = await agentDoc(tables, 'alice');
      expect(agent?.panel.sessions[0]?.readOnly).toBe(true);
      expect(agent?.presence).toBe('available');
      expect(await reply(ports, 'alice', workItemId, 'hello')).toMatchObject({
        kind: 'notice',
        tone: 'attention',
      });
    });
  });

  describe('pick and the session maximum', () => {
    it('pick takes a queued item and withdraws its live offer', async () => {
      const { ports, notifier, workItemId, offer } = await offeredToAlice(['alice', 'bob']);
      await pick(ports, 'bob', workItemId);
      const withdrawn = notifier.toOfferCard(offer.offerId).at(-1);
      expect(withdrawn?.view).toMatchObject({ status: 'unavailable' });
      expect(await accept(ports, { agentId: 'alice', workItemId, offerId: offer.offerId })).toMatchObject({
        status: 'unavailable',
      });
    });

    it('the 11th session is refused with the exact message', async () => {
      const { ports } = createDesk({ agents: ['alice'], workstream: { agentCapacityUnits: 20 } });
      await showPanel(ports, 'alice');
      for (let i = 0; i < 11; i += 1) await receiveCustomerMessage(ports, customer(`c${i}`, 'hi'));
      const picks = [];
      for (let i = 1; i <= 30 && picks.length < 11; i += 1) {
        const view = await pick(ports, 'alice', `id-${i}`);
        if (view.kind === 'panel' || (view.kind === 'notice' && view.text.startsWith('Maximum')))
          picks.push(view);
      }
      expect(picks.at(-1)).toMatchObject({
        kind: 'notice',
        text: 'Maximum sessions reached. Close a session before opening another.',
      });
    });
  });

  describe('presence', () => {
    it('Away stops offers, and choosing Available again brings the waiting item', async () => {
      const { ports, notifier } = createDesk({ agents: ['alice'] });
      await showPanel(ports, 'alice');
      await setPresence(ports, 'alice', 'away');
      await receiveCustomerMessage(ports, customer('c1', 'hi'));
      expect(notifier.viewsTo('alice', 'offer')).toEqual([]);
      await setPresence(ports, 'alice', 'available');
      expect(notifier.viewsTo('alice', 'offer')).toHaveLength(1);
    });

    it('an unknown status is refused', async () => {
      const { ports } = createDesk();
      await showPanel(ports, 'alice');
      expect(await setPresence(ports, 'alice', 'asleep')).toMatchObject({ kind: 'notice', tone: 'warning' });
    });
  });

  describe('drafts and the dashboard', () => {
    it('keeps a reply draft per session across switching', async () => {
      const { ports, tables, workItemId } = await activeWithAlice();
      await saveReplyDraft(ports, 'alice', workItemId, { reply: 'Let me check' });
      await focus(ports, 'alice', 'home');
      await focus(ports, 'alice', workItemId);
      expect((await agentDoc(tables, 'alice'))?.panel.sessions[0]?.draft.reply).toBe('Let me check');
    });

    it('lists my, open, waiting and closed work items', async () => {
      const { ports, workItemId } = await activeWithAlice();
      await receiveCustomerMessage(ports, customer('c2', 'hello'));
      const dashboard = await showDashboard(ports, 'alice');
      expect(dashboard).toMatchObject({ kind: 'dashboard' });
      if (dashboard.kind !== 'dashboard') return;
      expect(dashboard.myItems.map((r) => r.workItemId)).toEqual([workItemId]);
      expect(dashboard.openItems).toHaveLength(1);
      await confirmClose(ports, 'alice', workItemId);
      const after = await showDashboard(ports, 'alice');
      expect(after.kind === 'dashboard' && after.waitingItems.map((r) => r.workItemId)).toEqual([workItemId]);
    });
  });

  it('unknown session ids are refused with a clear card', async () => {
    const { ports } = createDesk();
    await showPanel(ports, 'alice');
    expect(await focus(ports, 'alice', 'nope')).toMatchObject({
      kind: 'notice',
      text: 'There is no session "nope".',
    });
    expect(await requestClose(ports, 'alice', 'home')).toMatchObject({ kind: 'notice' });
  });
});

describe('desk, for an agent it has not seen yet', () => {
  it('focus, toggle and presence work from first contact instead of failing', async () => {
    const { ports } = createDesk();
    expect(await togglePanel(ports, 'carol')).toMatchObject({ kind: 'panel', mode: 'collapsed' });
    expect(await focus(ports, 'carol', 'home')).toMatchObject({ kind: 'panel' });
    expect(await setPresence(ports, 'carol', 'busy')).toMatchObject({ kind: 'panel', presence: 'busy' });
  });

  it('closing Home is refused with the anchored-Home message', async () => {
    const { ports } = createDesk();
    const text = 'The Home session is anchored and cannot be closed.';
    expect(await requestClose(ports, 'carol', 'home')).toMatchObject({ kind: 'notice', text });
    expect(await confirmClose(ports, 'carol', 'home')).toMatchObject({ kind: 'notice', text });
  });
});
