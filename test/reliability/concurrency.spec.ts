/**
 * Concurrency on the real server with STORE=sqlite on a temp file: many customers and agents at once, and nothing
 * lost, doubled or reordered. Issue 6, "Concurrency".
 */
import type { WorkspaceState } from '../../src/web/agent-api';
import { agentInvoke, customerMessage, type TestAgent } from '../support/activities';
import { actionData, cardOf, textBlocks } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { countDeliveries, recordReliabilityRow } from '../support/reliability-rows';
import {
  NO_LONGER_AVAILABLE,
  OFFERED_TO_ANOTHER,
  joined,
  offersTo,
  postRaw,
  panelRow,
  postedTo,
  relayedTextOf,
  runBounded,
  testAgent,
  testCustomer,
  textsTo,
  unreadText,
  useReliabilityScene,
  type InvokeBody,
} from '../support/reliability-scene';
import { afterEachTransaction } from '../support/database-hooks';
import { api, devSignIn } from '../web/agent-api-support';

const ACTIVE_CONVERSATIONS_PER_AGENT = 2;

describe('200 customer messages posted at once into one Active session that is not focused', () => {
  const alex = testAgent('Alex');
  const busy = testCustomer('busy');
  const other = testCustomer('other');
  const scene = useReliabilityScene([alex]);
  const MESSAGES = 200;
  const IN_FLIGHT = 20;
  const texts = Array.from({ length: MESSAGES }, (_, index) => `Burst message ${index + 1}`);
  let busyItem: string;
  /** The texts in the order their POSTs were answered 200: the order the server accepted them. */
  let acknowledged: string[];
  /** Message cards the agent received for the busy session, in arrival order at the connector. */
  let relayed: string[];

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    busyItem = await scene.activeSession(alex, busy, 'I have a lot to say');
    // Accepting the second conversation focuses it, so the busy one is not focused.
    await scene.activeSession(alex, other, 'Just one question');
    const mark = scene.connector.calls.length;

    const { results, completionOrder } = await runBounded(texts, IN_FLIGHT, (text) =>
      postRaw(scene.app.url, customerMessage(scene.serviceUrl, busy, text)),
    );
    await scene.settle();
    expect(results.map((result) => result.status)).toEqual(texts.map(() => 200));
    acknowledged = completionOrder.map((index) => texts[index]!);
    relayed = postedTo(scene.connector.calls.slice(mark), alex.conversationId)
      .map(relayedTextOf)
      .filter((text): text is string => text !== undefined && text.startsWith('Burst message'));

    const counted = countDeliveries(texts, relayed);
    recordReliabilityRow({
      scenario: '1a. 200 messages into one unfocused session',
      load: `${MESSAGES} customer messages, ${IN_FLIGHT} in flight, sqlite`,
      faults: 'none',
      sent: MESSAGES,
      ...counted,
      note: `cards in acknowledgement order: ${sameOrder(relayed, acknowledged) ? 'yes' : 'no'}`,
    });
  });

  it('the agent receives every message exactly once, in the order the server acknowledged them', () => {
    expect([...relayed].sort()).toEqual([...texts].sort());
    expect(new Set(relayed).size).toBe(MESSAGES);
    expect(relayed).toEqual(acknowledged);
  });

  it('the work item stores all 200, each once', async () => {
    const stored = (await scene.workItem(busyItem))!.transcript
      .map((message) => message.text)
      .filter((text) => text.startsWith('Burst message'));
    expect([...stored].sort()).toEqual([...texts].sort());
  });

  it('the unread count is exactly 200: badge "9+" and the tooltip "Visitor 1. 200 new updates in your conversation."', async () => {
    const agent = await scene.agentDoc(alex);
    expect(agent?.panel.sessions.find((session) => session.id === busyItem)?.unread).toBe(MESSAGES);
    // The panel as the workspace tab shows it, read from the store.
    const token = await devSignIn(scene.app.baseUrl, alex.aadObjectId);
    const workspace = await api<WorkspaceState>(scene.app.baseUrl, 'GET', '/api/agent/workspace', { token });
    expect(workspace.body.panel.rows.find((row) => row.id === busyItem)).toMatchObject({
      badge: '9+',
      tooltip: unreadText('Visitor 1', MESSAGES),
    });
    // The panel card in chat shows the badge; its exact count can lag (see "two messages whose panel refreshes
    // overtake each other" below).
    const row = panelRow(scene.latestPanel(alex), busyItem);
    expect(row?.texts).toContain('9+');
    expect(row?.tooltip).toMatch(/^Visitor 1\. \d+ new updates in your conversation\.$/);
  });

  // At 904cbb7 this failed: 5 of the first 21 messages reached the agent in another order than the transcript's.
  // Fixed by handling one customer's messages one at a time (e3d1703) and sending through the outbox.
  it('the cards follow the order the work item recorded the messages in (its transcript)', async () => {
    const stored = (await scene.workItem(busyItem))!.transcript
      .map((message) => message.text)
      .filter((text) => text.startsWith('Burst message'));
    expect(relayed).toEqual(stored);
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * Presses Accept on every offer card an agent gets, as soon as it is seen, while sweeper passes run alongside each
 * accept (a sweep dispatches offers too). Bounded: one accept per offer card, at most SWEEPS_PER_ACCEPT passes each.
 */
class AutoAccepter {
  static readonly SWEEPS_PER_ACCEPT = 20;
  readonly answers: { agent: TestAgent; workItemId: string; texts: string[] }[] = [];
  private readonly seen = new Set<string>();
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly scene: ReturnType<typeof useReliabilityScene>,
    private readonly agents: readonly TestAgent[],
  ) {}

  acceptNewOffers(): void {
    for (const agent of this.agents) {
      for (const offer of offersTo(this.scene.connector.calls, agent)) {
        if (this.seen.has(offer.activityId)) continue;
        this.seen.add(offer.activityId);
        this.pending.push(this.accept(agent, offer));
      }
    }
  }

  async settle(): Promise<void> {
    for (let round = 0; round < 100 && this.pending.length > 0; round += 1) {
      await Promise.all(this.pending.splice(0));
    }
  }

  private async accept(agent: TestAgent, offer: RecordedCall): Promise<void> {
    const data = actionData(cardOf(offer), 'accept');
    let answered = false;
    const sweeping = (async () => {
      for (let pass = 0; pass < AutoAccepter.SWEEPS_PER_ACCEPT && !answered; pass += 1) {
        await this.scene.app.sweep();
      }
    })();
    const result = await postRaw(
      this.scene.app.url,
      agentInvoke(this.scene.serviceUrl, agent, 'accept', data, offer.activityId),
    );
    answered = true;
    await sweeping;
    await this.scene.settle();
    this.answers.push({
      agent,
      workItemId: data['workItemId']!,
      texts: textBlocks((result.body as InvokeBody).value),
    });
    this.acceptNewOffers();
  }
}

describe('20 customers arrive at once; 3 agents with AGENT_CAPACITY=2 accept every offer they get', () => {
  const agents = [testAgent('Ann'), testAgent('Ben'), testAgent('Cal')];
  const customers = Array.from({ length: 20 }, (_, index) => testCustomer(`arrival-${index + 1}`));
  const scene = useReliabilityScene(agents, {
    // End releases the capacity at once (no wrap-up hold), so the next item is offered as soon as one ends.
    env: { AGENT_CAPACITY: String(ACTIVE_CONVERSATIONS_PER_AGENT), MAX_SESSIONS: '4', WRAP_UP_HOLD_S: '0' },
  });
  const active = ACTIVE_CONVERSATIONS_PER_AGENT * agents.length;
  let items: string[];
  let offeredFirst: string[];
  let waitingInOrder: string[];
  const offersPerItem = new Map<string, number>();

  const countOffers = (calls: readonly RecordedCall[]) => {
    for (const agent of agents) {
      for (const offer of offersTo(calls, agent)) {
        const workItemId = actionData(cardOf(offer), 'accept')['workItemId']!;
        offersPerItem.set(workItemId, (offersPerItem.get(workItemId) ?? 0) + 1);
      }
    }
  };

  async function activeSessionsOf(agent: TestAgent): Promise<string[]> {
    const doc = await scene.agentDoc(agent);
    return (doc?.panel.sessions ?? [])
      .filter((session) => session.kind === 'conversation' && !session.readOnly)
      .map((session) => session.id);
  }

  beforeAll(async () => {
    for (const agent of agents) await scene.tell(agent, 'hi');
    const mark = scene.connector.calls.length;
    const accepter = new AutoAccepter(scene, agents);
    await runBounded(customers, customers.length, async (customer, index) => {
      const result = await postRaw(
        scene.app.url,
        customerMessage(scene.serviceUrl, customer, `Hello, I am customer ${index + 1}`),
      );
      await scene.settle();
      accepter.acceptNewOffers();
      return result;
    });
    await accepter.settle();
    countOffers(scene.connector.calls.slice(mark));
    items = await Promise.all(
      customers.map(async (customer) => (await scene.customerDoc(customer))!.latestWorkItemId!),
    );
    offeredFirst = accepter.answers.map((answer) => answer.workItemId);
    waitingInOrder = (await scene.queue()).map((entry) => entry.workItemId);
  });

  it('opens one work item per customer', () => {
    expect(new Set(items).size).toBe(customers.length);
  });

  it(`exactly ${active} sessions become Active, ${ACTIVE_CONVERSATIONS_PER_AGENT} per agent, and every agent is then Do not disturb`, async () => {
    const states = await Promise.all(items.map(async (id) => (await scene.workItem(id))!.item.state));
    expect(states.filter((state) => state === 'active')).toHaveLength(active);
    for (const agent of agents) {
      expect(await activeSessionsOf(agent)).toHaveLength(ACTIVE_CONVERSATIONS_PER_AGENT);
      expect((await scene.agentDoc(agent))?.presence).toBe('dnd');
    }
  });

  it('offered each item to at most one agent: one offer card per offered item, none beyond an agent capacity', () => {
    expect(offeredFirst).toHaveLength(active);
    expect(new Set(offeredFirst).size).toBe(active);
    expect([...offersPerItem.values()].every((count) => count === 1)).toBe(true);
    expect([...offersPerItem.keys()].sort()).toEqual([...offeredFirst].sort());
  });

  it('the other 14 wait in the queue, un-offered, each once', async () => {
    const queue = await scene.queue();
    expect(queue.map((entry) => entry.offer)).toEqual(queue.map(() => undefined));
    expect(new Set(waitingInOrder).size).toBe(customers.length - active);
    expect([...waitingInOrder, ...offeredFirst].sort()).toEqual([...items].sort());
  });

  it('each time an agent ends a session, the next item in FIFO order is offered, to that agent alone', async () => {
    const ends = waitingInOrder.length;
    for (let index = 0; index < ends; index += 1) {
      const agent = agents[index % agents.length]!;
      const [oldest] = await activeSessionsOf(agent);
      const mark = scene.connector.calls.length;
      const ended = await scene.press(agent, 'end', { sessionId: oldest });
      expect(ended.texts.join(' ')).toMatch(/ended/);
      const calls = scene.connector.calls.slice(mark);
      countOffers(calls);
      const offers = offersTo(calls, agent);
      expect(offers.map((offer) => actionData(cardOf(offer), 'accept')['workItemId'])).toEqual([
        waitingInOrder[index],
      ]);
      for (const otherAgent of agents.filter((candidate) => candidate !== agent)) {
        expect(offersTo(calls, otherAgent)).toEqual([]);
      }
      expect(
        (await scene.queue())
          .filter((entry) => entry.offer)
          .map((entry) => [entry.workItemId, entry.offer?.agentId]),
      ).toEqual([[waitingInOrder[index], agent.aadObjectId]]);
      expect((await scene.acceptOffer(agent, offers[0])).texts).toContain('Accepted');
      // The ended conversation's wrap-up is finished, so its session leaves the panel (MAX_SESSIONS=4).
      const finished = await scene.press(agent, 'wrapUp', { sessionId: oldest, outcome: 'Resolved' });
      expect(finished.texts).toContain('Outcome: Resolved.');
    }
    expect(await scene.queue()).toEqual([]);
    expect([...offersPerItem.values()].every((count) => count === 1)).toBe(true);
    expect(offersPerItem.size).toBe(customers.length);
    const states = await Promise.all(items.map(async (id) => (await scene.workItem(id))!.item.state));
    expect(states.filter((state) => state === 'active')).toHaveLength(active);
    expect(states.filter((state) => state === 'closed')).toHaveLength(ends);

    recordReliabilityRow({
      scenario: '1b. 20 customers, 3 agents of capacity 2',
      load: '20 customers at once, sweeps during every accept, then 14 ends',
      faults: 'none',
      sent: customers.length,
      delivered: offersPerItem.size,
      lost: customers.length - offersPerItem.size,
      duplicated: [...offersPerItem.values()].reduce((sum, count) => sum + count - 1, 0),
      note: `${active} Active at once; FIFO offers after each end`,
    });
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});

describe('a sweep that lands while an accept is being recorded', () => {
  const dee = testAgent('Dee');
  const scene = useReliabilityScene([dee], {
    env: { AGENT_CAPACITY: String(ACTIVE_CONVERSATIONS_PER_AGENT), MAX_SESSIONS: '10' },
  });

  // Accept leaves the item in the queue as the agent's claim until the session is open on their document, so a
  // dispatch in between (the sweeper, a new customer, another agent's end) still counts it against their capacity.
  // Before that fix, this sweep offered Dee a third item at capacity 2, and accepting it gave her 3 conversations.
  it('does not give the agent more Active conversations than their capacity', async () => {
    await scene.tell(dee, 'hi');
    for (let index = 1; index <= 4; index += 1) {
      await scene.say(testCustomer(`window-${index}`), `Customer ${index} here`);
    }
    const [first] = offersTo(scene.connector.calls, dee);
    const firstItem = actionData(cardOf(first), 'accept')['workItemId']!;
    let swept = false;
    const hook = afterEachTransaction(scene.app.database, async () => {
      if (swept) return;
      const written = await scene.agentDoc(dee);
      if (!written?.panel.sessions.some((session) => session.id === firstItem)) return;
      swept = true;
      // The session is open on the agent's document, the claim not settled yet: one sweeper pass now.
      await scene.app.sweep();
    });
    try {
      expect((await scene.acceptOffer(dee, first)).texts).toContain('Accepted');
    } finally {
      hook.restore();
    }
    expect(swept).toBe(true);
    // Dee presses Accept on every offer card she has, as the suite's agents do.
    for (const offer of offersTo(scene.connector.calls, dee).filter((call) => call !== first)) {
      await scene.acceptOffer(dee, offer);
    }
    const sessions = (await scene.agentDoc(dee))?.panel.sessions ?? [];
    const beyond = Math.max(0, sessions.length - ACTIVE_CONVERSATIONS_PER_AGENT);
    recordReliabilityRow({
      scenario: '1d. a sweep inside an accept (capacity 2)',
      load: '4 customers, 1 agent; one sweeper pass between the accept writes',
      faults: 'sweep placed in the accept window',
      sent: sessions.length,
      delivered: Math.min(sessions.length, ACTIVE_CONVERSATIONS_PER_AGENT),
      lost: 0,
      duplicated: beyond,
      note: `${sessions.length} Active conversations at capacity ${ACTIVE_CONVERSATIONS_PER_AGENT}`,
    });
    expect(sessions.length).toBeLessThanOrEqual(ACTIVE_CONVERSATIONS_PER_AGENT);
  });
});

describe("a second customer writes to the same agent while the first one's turn is half done", () => {
  const eve = testAgent('Eve');
  const alpha = testCustomer('overtaken-alpha');
  const beta = testCustomer('overtaken-beta');
  const gamma = testCustomer('overtaken-gamma');
  const scene = useReliabilityScene([eve]);

  /** Rejects when `promise` has not settled after `ms`: a stuck schedule fails fast instead of at the test timeout. */
  function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  // relayToAgent renders the panel from the agent document as its own update left it. Before a customer's message
  // was one transaction, two customers' messages for one agent could interleave so that the first one's panel
  // reached the outbox last (each panel carries its document's revision, so that older render was dropped). Now the
  // second message waits for the first one's transaction, cards included, and cannot overtake it at all.
  it('the panel card ends with the unread counts the store holds', async () => {
    await scene.tell(eve, 'hi');
    const alphaItem = await scene.activeSession(eve, alpha, 'First question');
    const betaItem = await scene.activeSession(eve, beta, 'Second question');
    // Accepting the third conversation focuses it: the first two count unread messages.
    await scene.activeSession(eve, gamma, 'Third question');
    let state: 'watching' | 'holding' | 'done' = 'watching';
    let reached: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (reached = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Runs after each write of alpha's turn, inside its transaction (the reads join it).
    const hook = afterEachTransaction(scene.app.database, async () => {
      if (state !== 'watching') return;
      const agent = await scene.agentDoc(eve);
      if (agent?.panel.sessions.find((session) => session.id === alphaItem)?.unread !== 1) return;
      // Alpha's turn, right after it counted its message unread and before it queued its cards.
      state = 'holding';
      reached();
      await released;
      state = 'done';
    });
    try {
      const first = postRaw(scene.app.url, customerMessage(scene.serviceUrl, alpha, 'Message from alpha'));
      await within(Promise.race([held, first]), 10_000, "alpha's turn");
      expect(state).toBe('holding');
      let secondAnswered = false;
      const secondPost = postRaw(
        scene.app.url,
        customerMessage(scene.serviceUrl, beta, 'Message from beta'),
      ).finally(() => (secondAnswered = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Beta's message waits for alpha's transaction: nothing of it is written before alpha's cards are queued.
      expect(secondAnswered).toBe(false);
      release();
      const second = await within(secondPost, 10_000, "beta's turn");
      expect(second.status).toBe(200);
      expect((await within(first, 10_000, "alpha's turn")).status).toBe(200);
    } finally {
      release();
      hook.restore();
    }
    await scene.settle();
    const sessions = (await scene.agentDoc(eve))?.panel.sessions ?? [];
    expect(sessions.find((session) => session.id === alphaItem)?.unread).toBe(1);
    expect(sessions.find((session) => session.id === betaItem)?.unread).toBe(1);
    const panel = scene.latestPanel(eve);
    expect(panelRow(panel, alphaItem)?.tooltip).toBe(unreadText('Visitor 1', 1));
    expect(panelRow(panel, betaItem)?.tooltip).toBe(unreadText('Visitor 2', 1));
  });
});

describe('two agents press Accept on the same re-offered item in the same tick', () => {
  const ann = testAgent('Ann');
  const ben = testAgent('Ben');
  const TIMEOUT_S = 30;
  // The agent who missed an offer must stay Available to race for it again (the default sets them Inactive).
  const scene = useReliabilityScene([ann, ben], {
    env: { NOTIFICATION_TIMEOUT_S: String(TIMEOUT_S), MISSED_OFFER_INACTIVE: 'false' },
  });
  let rounds = 0;
  let winners = 0;
  let doubleAssignments = 0;

  beforeAll(async () => {
    await scene.tell(ann, 'hi');
    await scene.tell(ben, 'hi');
  });

  afterAll(() => {
    recordReliabilityRow({
      scenario: '1c. two agents accept one re-offered item at once',
      load: `${rounds} contested items, two accepts each in one Promise.all`,
      faults: 'stale offer (missed, re-offered) and a forged copy of the live one',
      sent: rounds,
      delivered: winners,
      lost: rounds - winners,
      duplicated: doubleAssignments,
      note: 'delivered = items with exactly one Active session, for the agent the live offer was made to',
    });
  });

  /** A customer writes; the offer goes to Ann, who misses it; the sweep re-offers it to Ben. */
  async function reofferedToBen(name: string) {
    const customer = testCustomer(name);
    const queued = await scene.say(customer, `Hello from ${name}`);
    const staleOffer = offersTo(queued.calls, ann).at(-1)!;
    const workItemId = actionData(cardOf(staleOffer), 'accept')['workItemId']!;
    scene.desk.clock.advance((TIMEOUT_S + 1) * 1000);
    const mark = scene.connector.calls.length;
    await scene.app.sweep();
    await scene.settle();
    const liveOffer = offersTo(scene.connector.calls.slice(mark), ben).at(-1)!;
    expect(actionData(cardOf(liveOffer), 'accept')['workItemId']).toBe(workItemId);
    return { customer, workItemId, staleOffer, liveOffer };
  }

  async function race(
    first: { agent: TestAgent; offer: RecordedCall },
    second: { agent: TestAgent; offer: RecordedCall },
  ) {
    const press = ({ agent, offer }: { agent: TestAgent; offer: RecordedCall }) =>
      postRaw(
        scene.app.url,
        agentInvoke(scene.serviceUrl, agent, 'accept', actionData(cardOf(offer), 'accept'), offer.activityId),
      );
    const mark = scene.connector.calls.length;
    const answers = await Promise.all([press(first), press(second)]);
    await scene.settle();
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect((answer.body as InvokeBody).statusCode).toBe(200);
    }
    return {
      texts: answers.map((answer) => textBlocks((answer.body as InvokeBody).value)),
      calls: scene.connector.calls.slice(mark),
    };
  }

  async function expectOnlyBenHas(workItemId: string, customerConversation: string, calls: RecordedCall[]) {
    rounds += 1;
    const doc = await scene.workItem(workItemId);
    const annHas = (await scene.agentDoc(ann))!.panel.sessions.filter((session) => session.id === workItemId);
    const benHas = (await scene.agentDoc(ben))!.panel.sessions.filter((session) => session.id === workItemId);
    const joinedTexts = textsTo(calls, customerConversation).filter((text) => text?.startsWith("You're now"));
    if (annHas.length + benHas.length > 1 || joinedTexts.length > 1) doubleAssignments += 1;
    expect(doc?.item).toMatchObject({ state: 'active', assignedAgentId: ben.aadObjectId });
    expect(annHas).toEqual([]);
    expect(benHas).toHaveLength(1);
    expect(joinedTexts).toEqual([joined(ben)]);
    expect((await scene.queue()).some((entry) => entry.workItemId === workItemId)).toBe(false);
    winners += 1;
  }

  it.each([1, 2, 3])(
    'round %i: a stale Accept (the missed offer) and the live one — the live one wins, the stale one is no longer available',
    async (round) => {
      const { customer, workItemId, staleOffer, liveOffer } = await reofferedToBen(`stale-${round}`);
      // Alternate who is first in the Promise.all, so either request may reach the queue first.
      const contenders = [
        { agent: ann, offer: staleOffer },
        { agent: ben, offer: liveOffer },
      ];
      if (round % 2 === 0) contenders.reverse();
      const { texts, calls } = await race(contenders[0]!, contenders[1]!);
      const annTexts = texts[contenders.findIndex((entry) => entry.agent === ann)]!;
      const benTexts = texts[contenders.findIndex((entry) => entry.agent === ben)]!;
      expect(benTexts).toContain('Accepted');
      expect(annTexts).toContain(NO_LONGER_AVAILABLE);
      await expectOnlyBenHas(workItemId, customer.conversationId, calls);
    },
  );

  it.each([1, 2, 3])(
    'round %i: a forged copy of the live offer and the live one — the live one wins; the copy is refused',
    async (round) => {
      const { customer, workItemId, liveOffer } = await reofferedToBen(`forged-${round}`);
      const contenders = [
        { agent: ann, offer: liveOffer },
        { agent: ben, offer: liveOffer },
      ];
      if (round % 2 === 0) contenders.reverse();
      const { texts, calls } = await race(contenders[0]!, contenders[1]!);
      const annTexts = texts[contenders.findIndex((entry) => entry.agent === ann)]!;
      const benTexts = texts[contenders.findIndex((entry) => entry.agent === ben)]!;
      expect(benTexts).toContain('Accepted');
      // Before Ben's accept lands the offer is Ben's; after it, it is gone. Either way Ann gets a refusal.
      expect(annTexts.some((text) => text === OFFERED_TO_ANOTHER || text === NO_LONGER_AVAILABLE)).toBe(true);
      await expectOnlyBenHas(workItemId, customer.conversationId, calls);
    },
  );

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});
