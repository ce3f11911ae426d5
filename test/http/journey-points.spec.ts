/**
 * Issue 4, point by point, over real HTTP: the server on 127.0.0.1 (startTestDesk) with the fake Bot Connector,
 * Emulator-style customers and Teams-style agents. Each describe block has its own desk, so the points do not
 * lean on each other's state; inside a block the tests run in order, as one story.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentDocument, CustomerDocument } from '../../src/app/documents';
import { escapeCardText } from '../../src/cards/escape';
import type { WorkQueue } from '../../src/domain/routing';
import {
  agentInvoke,
  agentMessage,
  customerInvoke,
  customerMessage,
  postActivity,
  type ActivityJson,
  type PostResult,
  type TestAgent,
  type TestCustomer,
} from '../support/activities';
import {
  actionData,
  actionsWithVerb,
  allObjects,
  cardOf,
  relaydeskIdOf,
  textBlocks,
  textOf,
  type Json,
} from '../support/cards';
import { FakeConnector, type RecordedCall } from '../support/fake-connector';
import { ASYNC_OUTBOX, startTestDesk, type TestDesk } from '../support/harness';
import { NOBODY_AT_WORK, QUEUED, SURVEY } from '../support/fixtures';
import { readStored } from '../support/desk-tables';
import type { WorkItemWithTranscript } from '../support/desk-tables';

const alex: TestAgent = {
  aadObjectId: 'aad-alex',
  userId: '29:alex',
  name: 'Alex Agent',
  conversationId: 'a:points-alex',
};
const bea: TestAgent = {
  aadObjectId: 'aad-bea',
  userId: '29:bea',
  name: 'Bea Agent',
  conversationId: 'a:points-bea',
};

const TIMEOUT_S = 30;
const joined = (agent: TestAgent) => `You're now chatting with ${agent.name}.`;
const ended = (agent: TestAgent) =>
  `${agent.name} has ended the conversation. Send a message any time to start a new one.`;
const NO_LONGER_AVAILABLE = 'This request is no longer available.';
const OFFERED_TO_ANOTHER = 'This request was offered to another agent.';
const MAX_SESSIONS_REACHED = 'Maximum sessions reached. Close a session before opening another.';
const FOR_AGENTS = 'Buttons on these cards are for agents. Please type your message instead.';
const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const unreadText = (title: string, count: number) => `${title}. ${count} new updates in your conversation.`;
const alertText = (title: string) => `${title}. Urgent attention is needed in your conversation.`;

function customer(name: string, channelId = 'emulator'): TestCustomer {
  return { userId: `points-${name}`, conversationId: `conv-points-${name}`, channelId };
}

const customerIdOf = (c: TestCustomer) => `${c.channelId ?? 'emulator'}:${c.userId}`;

// ---- reading what the fake connector received ----

type Calls = readonly RecordedCall[];

const postedTo = (calls: Calls, conversationId: string) =>
  calls.filter((call) => call.conversationId === conversationId && call.kind !== 'update');
const updatesTo = (calls: Calls, conversationId: string) =>
  calls.filter((call) => call.conversationId === conversationId && call.kind === 'update');
const textsTo = (calls: Calls, conversationId: string) => postedTo(calls, conversationId).map(textOf);
const isPanel = (card: Json) => actionsWithVerb(card, 'togglePanel').length > 0;
const isOffer = (card: Json) => actionsWithVerb(card, 'accept').length > 0;
const offersTo = (calls: Calls, agent: TestAgent) =>
  postedTo(calls, agent.conversationId).filter((call) => isOffer(cardOf(call)));
const panelCallsTo = (calls: Calls, agent: TestAgent) =>
  calls.filter((call) => call.conversationId === agent.conversationId && isPanel(cardOf(call)));
const cardsTitled = (calls: Calls, agent: TestAgent, heading: string) =>
  postedTo(calls, agent.conversationId)
    .map(cardOf)
    .filter((card) => textBlocks(card)[0] === heading);

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One row of the panel card as the agent sees it: the focus action's session and tooltip, and its texts. */
interface PanelRowSeen {
  readonly sessionId: string;
  readonly tooltip: string;
  readonly texts: string[];
  readonly closable: boolean;
}

function panelRows(card: Json): PanelRowSeen[] {
  return allObjects(card)
    .filter((object) => {
      const select = object['selectAction'];
      return object['type'] === 'ColumnSet' && isObject(select) && select['verb'] === 'focus';
    })
    .map((row) => {
      const select = row['selectAction'] as Record<string, Json>;
      const data = select['data'] as Record<string, Json>;
      return {
        sessionId: String(data['sessionId']),
        tooltip: String(select['tooltip']),
        texts: textBlocks(row['columns']),
        closable: actionsWithVerb(row, 'close').length > 0,
      };
    });
}

function rowOf(card: Json, sessionId: string): PanelRowSeen {
  const row = panelRows(card).find((candidate) => candidate.sessionId === sessionId);
  if (!row) throw new Error(`no panel row for session ${sessionId}`);
  return row;
}

/** Expanded: the toggle offers to collapse, and the presence picker is shown. */
function isExpanded(card: Json): boolean {
  const [toggle] = actionsWithVerb(card, 'togglePanel');
  const picker = allObjects(card).some((object) => object['type'] === 'Input.ChoiceSet');
  expect(toggle?.['tooltip']).toBe(picker ? 'Collapse the session list' : 'Expand the session list');
  return picker;
}

/** The facts of every FactSet on a card, as `title → value`. */
function facts(card: Json): { title: Json; value: Json }[] {
  return allObjects(card)
    .filter((object) => object['type'] === 'FactSet')
    .flatMap((factSet) => (Array.isArray(factSet['facts']) ? (factSet['facts'] as Json[]) : []))
    .filter(isObject)
    .map((fact) => ({ title: fact['title'], value: fact['value'] }));
}

const actionTypes = (card: Json) =>
  allObjects(card)
    .map((object) => object['type'])
    .filter((type): type is string => typeof type === 'string' && type.startsWith('Action.'));

// ---- one desk on the real server, and the moves of its users ----

interface InvokeBody {
  statusCode: number;
  type: string;
  value: Json;
}

class Scene {
  connector!: FakeConnector;
  desk!: TestDesk;

  async start(env: Record<string, string>): Promise<void> {
    this.connector = await FakeConnector.start();
    this.desk = await startTestDesk(
      {
        AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
        RATE_LIMIT_PER_MINUTE: '0',
        CONTACTS_FILE: 'off',
        NOTIFICATION_TIMEOUT_S: String(TIMEOUT_S),
        ...env,
      },
      { outbox: ASYNC_OUTBOX },
    );
  }

  async stop(): Promise<void> {
    await this.desk?.app.close();
    await this.connector?.close();
  }

  get serviceUrl(): string {
    return this.connector.serviceUrl;
  }

  /** POSTs to /api/messages and returns the answer with the connector calls it caused (all awaited by then). */
  async post(activity: ActivityJson): Promise<PostResult & { calls: RecordedCall[] }> {
    const mark = this.connector.calls.length;
    const result = await postActivity(this.desk.app.url, activity);
    return { ...result, calls: this.connector.calls.slice(mark) };
  }

  async send(activity: ActivityJson): Promise<PostResult & { calls: RecordedCall[] }> {
    const result = await this.post(activity);
    expect(result.status).toBe(200);
    return result;
  }

  say(who: TestCustomer, text: string) {
    return this.send(customerMessage(this.serviceUrl, who, text));
  }

  tell(agent: TestAgent, text: string) {
    return this.send(agentMessage(this.serviceUrl, agent, text));
  }

  /** An Action.Execute press answered 200 with a card; returns that card. */
  async press(agent: TestAgent, verb: string, data: Record<string, unknown>, replyToId?: string) {
    const result = await this.send(agentInvoke(this.serviceUrl, agent, verb, data, replyToId));
    const body = result.body as InvokeBody;
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe(ADAPTIVE_CARD);
    return { calls: result.calls, card: body.value, texts: textBlocks(body.value) };
  }

  /** Presses Accept on an offer card the connector recorded. */
  acceptOffer(agent: TestAgent, offer: RecordedCall | undefined) {
    if (!offer) throw new Error('no offer card to accept');
    return this.press(agent, 'accept', actionData(cardOf(offer), 'accept'), offer.activityId);
  }

  async read<T>(key: string): Promise<T | undefined> {
    return (await readStored(this.desk.app, [key]))[key] as T | undefined;
  }

  agentDoc(agent: TestAgent) {
    return this.read<AgentDocument>(`agent/${agent.aadObjectId}`);
  }

  workItem(workItemId: string) {
    return this.read<WorkItemWithTranscript>(`workitem/${workItemId}`);
  }

  async queue(): Promise<WorkQueue['entries']> {
    return (await this.read<WorkQueue>('queue/default'))?.entries ?? [];
  }

  async panelId(agent: TestAgent): Promise<string | undefined> {
    return (await this.read<{ activityId: string }>(`card/${agent.aadObjectId}:panel`))?.activityId;
  }

  /** The panel card as it stands: the last panel card sent to or updated in the agent's chat. */
  latestPanel(agent: TestAgent): Json {
    return cardOf(panelCallsTo(this.connector.calls, agent).at(-1));
  }

  /** Logged errors (level 50 and above), none expected. */
  errors() {
    return this.desk.lines.filter((line) => line.level >= 50);
  }
}

function useScene(env: Record<string, string> = {}): Scene {
  const scene = new Scene();
  beforeAll(() => scene.start(env));
  afterAll(() => scene.stop());
  return scene;
}

// ------------------------------------------------------------------------------------------------------------

describe('points 1–6: panel, offer, accept, relay, unread, reply, focus, sentiment, close and end (MAX_SESSIONS=2)', () => {
  const scene = useScene({ MAX_SESSIONS: '2' });
  const kim = customer('kim', 'webchat');
  const lou = customer('lou');
  let panelId: string;
  let kimItem: string;
  let louItem: string;
  let kimFirstOffer: RecordedCall;

  it('an agent who writes first gets the session panel: Home first and anchored, presence and focus, its activity id stored', async () => {
    const { calls } = await scene.tell(alex, 'hi');
    const posted = postedTo(calls, alex.conversationId);
    expect(posted).toHaveLength(1);
    const card = cardOf(posted[0]);
    expect(isPanel(card)).toBe(true);
    expect(isExpanded(card)).toBe(true);
    expect(panelRows(card)).toEqual([
      { sessionId: 'home', tooltip: 'Home', texts: ['Ho', 'Home'], closable: false },
    ]);
    expect(textBlocks(card)).toEqual(expect.arrayContaining(['Alex Agent', '● Available', 'Focused: Home']));
    panelId = posted[0]!.activityId;
    expect(await scene.panelId(alex)).toBe(panelId);
    // Any later change of the panel is a PUT on that activity.
    expect(updatesTo(calls, alex.conversationId).map((call) => call.activityId)).toEqual([panelId]);

    // Bea is there but Away, so every offer in this story goes to Alex.
    await scene.tell(bea, 'hi');
    await scene.tell(bea, 'presence away');
  });

  it('togglePanel collapses the panel in place, keeps it collapsed for that agent only, and expands it again', async () => {
    const beaPanelId = await scene.panelId(bea);
    const collapsed = await scene.press(alex, 'togglePanel', { sessionId: 'home' }, panelId);
    expect(isPanel(collapsed.card)).toBe(true);
    expect(isExpanded(collapsed.card)).toBe(false);
    // Collapsed: icons only, no titles.
    expect(panelRows(collapsed.card).map((row) => row.texts)).toEqual([['Ho']]);
    expect(postedTo(collapsed.calls, alex.conversationId)).toEqual([]);
    const put = updatesTo(collapsed.calls, alex.conversationId);
    expect(put.map((call) => call.activityId)).toEqual([panelId]);
    expect(isExpanded(cardOf(put[0]))).toBe(false);
    expect(collapsed.calls.filter((call) => call.conversationId === bea.conversationId)).toEqual([]);
    expect((await scene.agentDoc(alex))?.panel.panelMode).toBe('collapsed');
    expect((await scene.agentDoc(bea))?.panel.panelMode).toBe('expanded');

    // Kept: the next refresh of Alex's panel is still collapsed; Bea's refreshes stay expanded.
    const alexRefresh = await scene.tell(alex, 'presence available');
    expect(panelCallsTo(alexRefresh.calls, alex).map((call) => [call.kind, call.activityId])).toEqual([
      ['update', panelId],
    ]);
    expect(isExpanded(scene.latestPanel(alex))).toBe(false);
    const beaRefresh = await scene.tell(bea, 'presence away');
    expect(panelCallsTo(beaRefresh.calls, bea).map((call) => [call.kind, call.activityId])).toEqual([
      ['update', beaPanelId],
    ]);
    expect(isExpanded(scene.latestPanel(bea))).toBe(true);

    const expanded = await scene.press(alex, 'togglePanel', { sessionId: 'home' }, panelId);
    expect(isExpanded(expanded.card)).toBe(true);
    expect(panelRows(expanded.card).map((row) => row.texts)).toEqual([['Ho', 'Home']]);
    const again = updatesTo(expanded.calls, alex.conversationId);
    expect(again.map((call) => call.activityId)).toEqual([panelId]);
    expect(isExpanded(cardOf(again[0]))).toBe(true);
    expect((await scene.agentDoc(alex))?.panel.panelMode).toBe('expanded');
  });

  it('a customer writing from another channel is queued, and the offer card shows title, channel, first message, wait time, Accept / Reject and the timeout', async () => {
    const { calls } = await scene.say(kim, 'My parcel has not arrived yet');
    expect(textsTo(calls, kim.conversationId)).toEqual([QUEUED]);
    expect(offersTo(calls, bea)).toEqual([]);
    const offers = offersTo(calls, alex);
    expect(offers).toHaveLength(1);
    kimFirstOffer = offers[0]!;
    const card = cardOf(kimFirstOffer);
    expect(textBlocks(card)).toEqual(
      expect.arrayContaining([
        'Incoming conversation',
        'Vi',
        'Visitor 1',
        'Web chat',
        'My parcel has not arrived yet',
        'Waiting since 10:00 UTC',
        `Accept within ${TIMEOUT_S} s`,
      ]),
    );
    expect(actionsWithVerb(card, 'accept').map((action) => action['title'])).toEqual(['Accept']);
    expect(actionsWithVerb(card, 'reject').map((action) => action['title'])).toEqual(['Reject']);
    const ids = actionData(card, 'accept');
    expect(actionData(card, 'reject')).toEqual(ids);
    kimItem = ids['workItemId']!;
    expect((await scene.workItem(kimItem))?.item).toMatchObject({ state: 'open', title: 'Visitor 1' });
    expect(await scene.queue()).toEqual([
      expect.objectContaining({
        workItemId: kimItem,
        offer: expect.objectContaining({ id: ids['offerId'], agentId: alex.aadObjectId }),
      }),
    ]);
  });

  it('accept: the offer turns Accepted, the agent gets Active Conversation and KB cards, the session is focused, presence goes Busy, the customer is told', async () => {
    const accepted = await scene.acceptOffer(alex, kimFirstOffer);
    expect(accepted.texts).toContain('Accepted');
    expect(actionsWithVerb(accepted.card, 'accept')).toEqual([]);
    expect(textsTo(accepted.calls, kim.conversationId)).toEqual([joined(alex)]);

    const [active] = cardsTitled(accepted.calls, alex, 'Active conversation');
    expect(facts(active)).toEqual([
      { title: 'Customer', value: 'Visitor 1' },
      { title: 'Account', value: '—' },
      { title: 'Case', value: '—' },
      { title: 'Channel', value: 'Web chat' },
      { title: 'Started', value: '10:00 UTC' },
      { title: 'Sentiment', value: 'Neutral' },
      { title: 'Status', value: 'Active' },
    ]);
    expect(textBlocks(active)).toContain('**Customer:** My parcel has not arrived yet');
    for (const verb of ['reply', 'end', 'close']) {
      expect(actionData(active, verb)).toMatchObject({ sessionId: kimItem });
    }
    const [kb] = cardsTitled(accepted.calls, alex, 'Knowledge base');
    // Seeded with the customer's first message, and it found articles.
    expect(allObjects(kb).find((o) => o['type'] === 'Input.Text')?.['value']).toBe(
      'My parcel has not arrived yet',
    );
    expect(textBlocks(kb).length).toBeGreaterThan(1);
    expect(actionData(kb, 'kbSearch')).toEqual({ sessionId: kimItem });

    // The panel, updated in place: the new row is focused, and one of two sessions makes Alex Busy.
    const panels = panelCallsTo(accepted.calls, alex);
    expect(panels.map((call) => [call.kind, call.activityId])).toEqual([['update', panelId]]);
    const panel = cardOf(panels[0]);
    expect(panelRows(panel).map((row) => row.sessionId)).toEqual(['home', kimItem]);
    expect(rowOf(panel, kimItem)).toEqual({
      sessionId: kimItem,
      tooltip: 'Visitor 1',
      texts: ['Vi', 'Visitor 1'],
      closable: true,
    });
    expect(textBlocks(panel)).toEqual(expect.arrayContaining(['● Busy', 'Focused: Visitor 1']));
    const agent = await scene.agentDoc(alex);
    expect(agent).toMatchObject({ presence: 'busy', panel: { focusedSessionId: kimItem } });
    expect((await scene.workItem(kimItem))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: alex.aadObjectId,
    });
  });

  it('a second accepted conversation fills the capacity: presence goes Do not disturb, the new session is focused', async () => {
    const queued = await scene.say(lou, 'Where is my order 1234');
    expect(textsTo(queued.calls, lou.conversationId)).toEqual([QUEUED]);
    const offer = offersTo(queued.calls, alex)[0];
    louItem = actionData(cardOf(offer), 'accept')['workItemId']!;
    const accepted = await scene.acceptOffer(alex, offer);
    expect(accepted.texts).toContain('Accepted');
    const panel = scene.latestPanel(alex);
    expect(panelRows(panel).map((row) => row.sessionId)).toEqual(['home', kimItem, louItem]);
    expect(textBlocks(panel)).toEqual(expect.arrayContaining(['● Do not disturb', 'Focused: Visitor 2']));
    expect(await scene.agentDoc(alex)).toMatchObject({
      presence: 'dnd',
      panel: { focusedSessionId: louItem },
    });
    expect(await scene.panelId(alex)).toBe(panelId);
  });

  it('relays a message to a session that is not focused as a compact card with a reply box, and counts it unread: badge 1 … 9, then "9+" (12 messages)', async () => {
    const expectRow = (count: number, badge: string) => {
      const row = rowOf(scene.latestPanel(alex), kimItem);
      expect(row.tooltip).toBe(unreadText('Visitor 1', count));
      expect(row.texts).toEqual(['Vi', badge, 'Visitor 1', escapeCardText(unreadText('Visitor 1', count))]);
    };
    const mark = scene.connector.calls.length;
    for (let n = 1; n <= 12; n += 1) {
      const { calls } = await scene.say(kim, `Update ${n}`);
      expect(textsTo(calls, kim.conversationId)).toEqual([]);
      const relayed = postedTo(calls, alex.conversationId).map(cardOf);
      expect(relayed).toHaveLength(1);
      const card = relayed[0];
      expect(textBlocks(card)).toEqual(['Vi', 'Visitor 1', 'Neutral · 10:00 UTC', `Update ${n}`]);
      expect(allObjects(card).some((o) => o['type'] === 'Input.Text' && o['id'] === 'text')).toBe(true);
      expect(actionData(card, 'reply')).toMatchObject({ sessionId: kimItem });
      if (n === 1) expectRow(1, '1');
      if (n === 9) expectRow(9, '9');
      if (n === 10) expectRow(10, '9+');
    }
    expectRow(12, '9+');
    // The focused session's row stays without a badge.
    expect(rowOf(scene.latestPanel(alex), louItem).tooltip).toBe('Visitor 2');
    // Every one of those panel refreshes was an update of the one panel card.
    const panels = panelCallsTo(scene.connector.calls.slice(mark), alex);
    expect(panels).toHaveLength(12);
    expect(panels.every((call) => call.kind === 'update' && call.activityId === panelId)).toBe(true);
    const agent = await scene.agentDoc(alex);
    expect(agent?.panel.sessions.find((session) => session.id === kimItem)?.unread).toBe(12);
  });

  it('a message to the focused session raises no unread count', async () => {
    const { calls } = await scene.say(lou, 'Any news on the delivery?');
    expect(postedTo(calls, alex.conversationId).map((call) => textBlocks(cardOf(call)).at(-1))).toEqual([
      'Any news on the delivery?',
    ]);
    const row = rowOf(scene.latestPanel(alex), louItem);
    expect(row).toMatchObject({ tooltip: 'Visitor 2', texts: ['Vi', 'Visitor 2'] });
  });

  it('reply answers a specific session without changing focus; plain text still goes to the focused one', async () => {
    const replied = await scene.press(alex, 'reply', {
      sessionId: kimItem,
      cardSessionId: kimItem,
      text: 'Your parcel is on its way.',
    });
    expect(replied.texts).toEqual(['Sending to Visitor 1', 'Your parcel is on its way.']);
    expect(textsTo(replied.calls, kim.conversationId)).toEqual(['Your parcel is on its way.']);
    expect(replied.calls.filter((call) => call.conversationId === lou.conversationId)).toEqual([]);
    const agent = await scene.agentDoc(alex);
    expect(agent?.panel.focusedSessionId).toBe(louItem);
    expect(agent?.panel.sessions.find((session) => session.id === kimItem)?.unread).toBe(12);
    expect((await scene.workItem(kimItem))?.transcript.at(-1)).toMatchObject({
      from: 'agent',
      text: 'Your parcel is on its way.',
    });

    const plain = await scene.tell(alex, 'Let me check that for you.');
    expect(textsTo(plain.calls, lou.conversationId)).toEqual(['Let me check that for you.']);
    expect(plain.calls.filter((call) => call.conversationId === kim.conversationId)).toEqual([]);
  });

  it('focus clears the unread badge, updates the panel in place and shows the session again', async () => {
    const focused = await scene.press(alex, 'focus', { sessionId: kimItem }, panelId);
    expect(isPanel(focused.card)).toBe(true);
    expect(rowOf(focused.card, kimItem)).toMatchObject({ tooltip: 'Visitor 1', texts: ['Vi', 'Visitor 1'] });
    expect(focused.texts).toContain('Focused: Visitor 1');
    const panels = panelCallsTo(focused.calls, alex);
    expect(panels.map((call) => [call.kind, call.activityId])).toEqual([['update', panelId]]);
    expect(rowOf(cardOf(panels[0]), kimItem).texts).toEqual(['Vi', 'Visitor 1']);
    const [active] = cardsTitled(focused.calls, alex, 'Active conversation');
    expect(textBlocks(active)).toEqual(
      expect.arrayContaining(['**Customer:** Update 12', '**You:** Your parcel is on its way.']),
    );
    const agent = await scene.agentDoc(alex);
    expect(agent?.panel.focusedSessionId).toBe(kimItem);
    expect(agent?.panel.sessions.find((session) => session.id === kimItem)?.unread).toBe(0);
    expect(await scene.panelId(alex)).toBe(panelId);
  });

  it('a conversation whose sentiment reaches the threshold shows "!" and the exact alert tooltip on its panel row', async () => {
    const angry = 'This is terrible. I am furious, your service is awful and useless!';
    const { calls } = await scene.say(lou, angry);
    const [relayed] = postedTo(calls, alex.conversationId).map(cardOf);
    expect(textBlocks(relayed)).toEqual(['Vi', '!', 'Visitor 2', 'Slightly negative · 10:00 UTC', angry]);

    const row = rowOf(scene.latestPanel(alex), louItem);
    expect(row.tooltip).toBe(alertText('Visitor 2'));
    expect(row.texts).toEqual([
      'Vi',
      '1',
      '!',
      'Visitor 2',
      escapeCardText(unreadText('Visitor 2', 1)),
      escapeCardText(alertText('Visitor 2')),
    ]);
    // The calm conversation has no alert.
    expect(rowOf(scene.latestPanel(alex), kimItem).texts).not.toContain('!');
  });

  it('close asks first; confirmed, the item goes Waiting, capacity is freed (Busy), and the customer coming back resumes it with its history, offered to the same agent', async () => {
    const asked = await scene.press(alex, 'close', { sessionId: louItem });
    expect(asked.texts[0]).toBe('Close Visitor 2?');
    expect(actionData(asked.card, 'closeConfirm')).toEqual({ sessionId: louItem });
    expect(actionData(asked.card, 'closeCancel')).toEqual({ sessionId: louItem });
    expect((await scene.workItem(louItem))?.item.state).toBe('active');
    const cancelled = await scene.press(alex, 'closeCancel', { sessionId: louItem });
    expect(isPanel(cancelled.card)).toBe(true);
    expect(cancelled.texts[0]).toBe('Close cancelled.');
    expect(panelRows(cancelled.card).map((row) => row.sessionId)).toEqual(['home', kimItem, louItem]);
    expect((await scene.workItem(louItem))?.item.state).toBe('active');

    const closed = await scene.press(alex, 'closeConfirm', { sessionId: louItem });
    expect(closed.texts).toEqual([
      'Visitor 2 closed',
      'The conversation is Waiting; the customer can pick it up again.',
    ]);
    expect(closed.calls.filter((call) => call.conversationId === lou.conversationId)).toEqual([]);
    expect((await scene.workItem(louItem))?.item.state).toBe('waiting');
    const panel = scene.latestPanel(alex);
    expect(panelRows(panel).map((row) => row.sessionId)).toEqual(['home', kimItem]);
    expect(textBlocks(panel)).toContain('● Busy');
    expect((await scene.agentDoc(alex))?.presence).toBe('busy');

    scene.desk.clock.advance(60_000);
    const back = await scene.say(lou, 'Hello again, is there an update?');
    expect(textsTo(back.calls, lou.conversationId)).toEqual([QUEUED]);
    const offer = offersTo(back.calls, alex)[0];
    expect(actionData(cardOf(offer), 'accept')['workItemId']).toBe(louItem);
    expect(textBlocks(cardOf(offer))).toContain('Hello again, is there an update?');
    const accepted = await scene.acceptOffer(alex, offer);
    expect(textsTo(accepted.calls, lou.conversationId)).toEqual([joined(alex)]);
    const [active] = cardsTitled(accepted.calls, alex, 'Active conversation');
    expect(textBlocks(active)).toEqual(
      expect.arrayContaining([
        '**Customer:** Where is my order 1234',
        '**You:** Let me check that for you.',
        '**Customer:** Hello again, is there an update?',
      ]),
    );
    expect((await scene.agentDoc(alex))?.presence).toBe('dnd');
  });

  it('end tells the customer and answers with the wrap-up; Finish with an outcome closes it', async () => {
    const endedCard = await scene.press(alex, 'end', { sessionId: kimItem });
    expect(endedCard.texts[0]).toBe('Wrap up Visitor 1');
    expect(textsTo(endedCard.calls, kim.conversationId)).toEqual([ended(alex), SURVEY]);
    expect((await scene.workItem(kimItem))?.item.state).toBe('wrap-up');
    // The wrap-up holds its capacity for WRAP_UP_HOLD_S: still both sessions' worth (MAX_SESSIONS=2).
    expect((await scene.agentDoc(alex))?.presence).toBe('dnd');
    const finished = await scene.press(alex, 'wrapUp', { sessionId: kimItem, outcome: 'Resolved' });
    expect(finished.texts).toEqual(['Visitor 1 closed', 'Outcome: Resolved.']);
    expect((await scene.workItem(kimItem))?.item).toMatchObject({ state: 'closed', outcome: 'Resolved' });
    expect((await scene.agentDoc(alex))?.presence).toBe('busy');
  });

  it("end's customer writes again: a new item, same visitor title, without the old history", async () => {
    const fresh = await scene.say(kim, 'I need to reset my password');
    expect(textsTo(fresh.calls, kim.conversationId)).toEqual([QUEUED]);
    const offer = offersTo(fresh.calls, alex)[0];
    const newItem = actionData(cardOf(offer), 'accept')['workItemId']!;
    expect(newItem).not.toBe(kimItem);
    expect(textBlocks(cardOf(offer))).toEqual(
      expect.arrayContaining(['Visitor 1', 'I need to reset my password']),
    );
    const doc = await scene.workItem(newItem);
    expect(doc?.item.title).toBe('Visitor 1');
    expect(doc?.transcript.map((line) => line.text)).toEqual(['I need to reset my password']);
  });

  it('a stale accept (offer already answered) answers "This request is no longer available." and changes nothing', async () => {
    const before = await scene.workItem(kimItem);
    const stale = await scene.acceptOffer(alex, kimFirstOffer);
    expect(stale.texts).toContain(NO_LONGER_AVAILABLE);
    expect(actionsWithVerb(stale.card, 'accept')).toEqual([]);
    expect(stale.calls).toEqual([]);
    expect(await scene.workItem(kimItem)).toEqual(before);
  });

  it('a stale end (session already ended) is refused with a card, sends nothing and changes nothing', async () => {
    const before = await scene.workItem(kimItem);
    const agentBefore = await scene.agentDoc(alex);
    const stale = await scene.press(alex, 'end', { sessionId: kimItem });
    expect(stale.texts[0]).toBe('Not possible');
    expect(stale.calls).toEqual([]);
    expect(await scene.workItem(kimItem)).toEqual(before);
    expect(await scene.agentDoc(alex)).toEqual(agentBefore);
  });

  // Fails against src: Desk.end looks the session up in the agent's panel first, and an ended session has left
  // the panel, so the answer is SessionNotFoundError's 'There is no session "<id>".' instead (see the report).
  it('a stale end (session already ended) answers "This request is no longer available."', async () => {
    const stale = await scene.press(alex, 'end', { sessionId: kimItem });
    expect(stale.texts).toEqual(['Not possible', NO_LONGER_AVAILABLE]);
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('point 3 and authority: reject, timeout, stale and forged answers to an offer (two agents)', () => {
  const scene = useScene();
  const max = customer('max');
  let offer: RecordedCall;
  let first: TestAgent;
  let second: TestAgent;
  let ids: Record<string, string>;

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    await scene.tell(bea, 'hi');
  });

  it('offers a new conversation to exactly one of the two available agents', async () => {
    const { calls } = await scene.say(max, 'Can you check invoice INV-1042 for me');
    const offers = [...offersTo(calls, alex), ...offersTo(calls, bea)];
    expect(offers).toHaveLength(1);
    offer = offers[0]!;
    [first, second] = offer.conversationId === alex.conversationId ? [alex, bea] : [bea, alex];
    ids = actionData(cardOf(offer), 'accept');
  });

  it('refuses a reject forged by the other agent, and changes nothing', async () => {
    const queueBefore = await scene.queue();
    const forged = await scene.press(second, 'reject', ids, offer.activityId);
    expect(forged.texts).toContain(OFFERED_TO_ANOTHER);
    expect(forged.calls).toEqual([]);
    expect(await scene.queue()).toEqual(queueBefore);
  });

  it('refuses the customer pressing Accept on the real offer (invoke or submitted card) with a card, and changes nothing', async () => {
    const queueBefore = await scene.queue();
    const invoked = await scene.send(customerInvoke(scene.serviceUrl, max, 'accept', ids));
    expect((invoked.body as InvokeBody).statusCode).toBe(200);
    expect(textBlocks((invoked.body as InvokeBody).value)).toContain(FOR_AGENTS);
    expect(invoked.calls).toEqual([]);

    const submitted = await scene.send({
      ...customerMessage(scene.serviceUrl, max, ''),
      text: undefined,
      value: { verb: 'accept', ...ids },
    });
    expect(submitted.calls.map((call) => call.conversationId)).toEqual([max.conversationId]);
    expect(textBlocks(cardOf(submitted.calls[0]))).toContain(FOR_AGENTS);
    expect(await scene.queue()).toEqual(queueBefore);
    expect((await scene.workItem(ids['workItemId']!))?.item.state).toBe('open');
  });

  it('reject turns the card into "Rejected" and offers the item to the next agent', async () => {
    const rejected = await scene.press(first, 'reject', ids, offer.activityId);
    expect(rejected.texts).toContain('Rejected');
    expect(actionsWithVerb(rejected.card, 'accept')).toEqual([]);
    expect(postedTo(rejected.calls, max.conversationId)).toEqual([]);
    const next = offersTo(rejected.calls, second);
    expect(next).toHaveLength(1);
    expect(actionData(cardOf(next[0]), 'accept')['workItemId']).toBe(ids['workItemId']);
    expect(offersTo(rejected.calls, first)).toEqual([]);
    const [entry] = await scene.queue();
    expect(entry?.offer?.agentId).toBe(second.aadObjectId);
  });

  it('Accept pressed on the rejected offer answers "This request is no longer available."', async () => {
    const queueBefore = await scene.queue();
    const stale = await scene.press(first, 'accept', ids, offer.activityId);
    expect(stale.texts).toContain(NO_LONGER_AVAILABLE);
    expect(stale.calls).toEqual([]);
    expect(await scene.queue()).toEqual(queueBefore);
  });

  it('an offer accepted after its timeout answers "This request is no longer available."; the sweeper marks it Missed and offers it on', async () => {
    const secondOffer = offersTo(scene.connector.calls, second).at(-1)!;
    const secondIds = actionData(cardOf(secondOffer), 'accept');
    scene.desk.clock.advance(TIMEOUT_S * 1000 + 1000);

    const late = await scene.press(second, 'accept', secondIds, secondOffer.activityId);
    expect(late.texts).toContain(NO_LONGER_AVAILABLE);
    expect(late.calls).toEqual([]);
    expect((await scene.workItem(secondIds['workItemId']!))?.item.state).toBe('open');

    const mark = scene.connector.calls.length;
    await scene.desk.app.sweep();
    const swept = scene.connector.calls.slice(mark);
    const missed = updatesTo(swept, second.conversationId).filter(
      (call) => call.activityId === secondOffer.activityId,
    );
    expect(missed).toHaveLength(1);
    expect(textBlocks(cardOf(missed[0]))).toContain('Missed');
    const again = offersTo(swept, first);
    expect(again).toHaveLength(1);

    const afterMissed = await scene.press(second, 'accept', secondIds, secondOffer.activityId);
    expect(afterMissed.texts).toContain(NO_LONGER_AVAILABLE);

    const accepted = await scene.acceptOffer(first, again[0]);
    expect(accepted.texts).toContain('Accepted');
    // Told they were queued once and joined once (the other card they got is the refusal of their own press).
    expect(textsTo(scene.connector.calls, max.conversationId).filter((text) => text !== undefined)).toEqual([
      QUEUED,
      joined(first),
    ]);
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('authority: only the agent a session belongs to may act on it; customers may not press buttons', () => {
  const scene = useScene();
  const ned = customer('ned');
  let item: string;

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    await scene.tell(bea, 'hi');
    await scene.tell(bea, 'presence away');
    const { calls } = await scene.say(ned, 'My parcel has not arrived yet');
    const offer = offersTo(calls, alex)[0];
    item = actionData(cardOf(offer), 'accept')['workItemId']!;
    await scene.acceptOffer(alex, offer);
  });

  it.each([
    ['end', { sessionId: 'ITEM' }],
    ['close', { sessionId: 'ITEM' }],
    ['closeConfirm', { sessionId: 'ITEM' }],
    ['reply', { sessionId: 'ITEM', text: 'Hi, I am someone else' }],
    ['focus', { sessionId: 'ITEM' }],
    ['open', { workItemId: 'ITEM' }],
    ['pick', { workItemId: 'ITEM' }],
    ['kbSearch', { sessionId: 'ITEM', query: 'refund' }],
  ])(
    'another agent pressing %s on that session gets a refusal card, and nothing changes',
    async (verb, raw) => {
      const data = Object.fromEntries(
        Object.entries(raw).map(([key, value]) => [key, value.replace('ITEM', item)]),
      );
      const itemBefore = await scene.workItem(item);
      const alexBefore = await scene.agentDoc(alex);
      const beaBefore = await scene.agentDoc(bea);
      const refused = await scene.press(bea, verb, data);
      expect(refused.texts[0]).toBe('Not possible');
      expect([[`There is no session "${item}".`], [NO_LONGER_AVAILABLE]]).toContainEqual(
        refused.texts.slice(1),
      );
      expect(refused.calls).toEqual([]);
      expect(await scene.workItem(item)).toEqual(itemBefore);
      expect(await scene.agentDoc(alex)).toEqual(alexBefore);
      expect((await scene.agentDoc(bea))?.panel).toEqual(beaBefore?.panel);
      expect(
        scene.desk.lines.some((line) => line.msg === 'agent action refused' && line['agentId'] === 'aad-bea'),
      ).toBe(true);
    },
  );

  it.each(['end', 'reply', 'close', 'focus'])(
    'the customer pressing %s (invoke, or a submitted card) gets a refusal card, and nothing changes',
    async (verb) => {
      const itemBefore = await scene.workItem(item);
      const data = { sessionId: item, text: 'pretending to be the agent' };
      const invoked = await scene.send(customerInvoke(scene.serviceUrl, ned, verb, data));
      expect(textBlocks((invoked.body as InvokeBody).value)).toContain(FOR_AGENTS);
      expect(invoked.calls).toEqual([]);
      const submitted = await scene.send({
        ...customerMessage(scene.serviceUrl, ned, ''),
        text: undefined,
        value: { verb, ...data },
      });
      expect(submitted.calls.map((call) => call.conversationId)).toEqual([ned.conversationId]);
      expect(textBlocks(cardOf(submitted.calls[0]))).toContain(FOR_AGENTS);
      expect(await scene.workItem(item)).toEqual(itemBefore);
    },
  );

  it('the owner still holds the session afterwards', async () => {
    const { calls } = await scene.tell(alex, 'Thanks for waiting.');
    expect(textsTo(calls, ned.conversationId)).toEqual(['Thanks for waiting.']);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('bad input: hostile and long customer text, unknown verbs, missing ids, unhandled activity types', () => {
  const scene = useScene({ MAX_TEXT_CHARS: '200' });
  const eve = customer('eve');
  const HOSTILE =
    '[click me](https://evil.example) <at>Alex Agent</at> **now** ${1+1} {"type":"Action.OpenUrl","url":"https://evil.example"}';

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
  });

  it('shows a hostile first message inert on the offer card and on the relayed card: no link, mention, expression or action', async () => {
    const queued = await scene.say(eve, HOSTILE);
    const offer = offersTo(queued.calls, alex)[0];
    const checkInert = (card: Json) => {
      expect(textBlocks(card)).toContain(escapeCardText(HOSTILE));
      const json = JSON.stringify(card);
      expect(json).not.toContain('<at>');
      expect(json).not.toContain('[click me](https://evil.example)');
      expect(json).not.toContain('${1+1}');
      expect(json).not.toContain('**now**');
      expect(actionTypes(card).every((type) => type === 'Action.Execute' || type === 'Action.Submit')).toBe(
        true,
      );
    };
    checkInert(cardOf(offer));
    await scene.acceptOffer(alex, offer);

    const relayed = await scene.say(eve, HOSTILE);
    checkInert(cardOf(postedTo(relayed.calls, alex.conversationId)[0]));
  });

  it('caps a long message with a visible "(truncated)" on the agent card and in the transcript', async () => {
    const long = `${'a'.repeat(150)} ${'b'.repeat(150)}`;
    const { calls } = await scene.say(eve, long);
    const expected = `${long.slice(0, 200)} (truncated)`;
    const card = cardOf(postedTo(calls, alex.conversationId)[0]);
    expect(textBlocks(card).at(-1)).toBe(expected);
    const workItemId = actionData(card, 'reply')['sessionId']!;
    expect((await scene.workItem(workItemId))?.transcript.at(-1)?.text).toBe(expected);
  });

  it.each([
    ['an unknown verb', 'selfDestruct', { sessionId: 'home' }, 'Unknown verb "selfDestruct".'],
    [
      'accept without an offerId',
      'accept',
      { workItemId: 'w-1' },
      'accept: "offerId" must be a non-empty string',
    ],
    ['focus without a sessionId', 'focus', {}, 'focus: "sessionId" must be a non-empty string'],
    ['end with a blank sessionId', 'end', { sessionId: '  ' }, 'end: "sessionId" must be a non-empty string'],
    [
      'reply with a numeric sessionId',
      'reply',
      { sessionId: 42 },
      'reply: "sessionId" must be a non-empty string',
    ],
    [
      'pick with a 201-character id',
      'pick',
      { workItemId: 'x'.repeat(201) },
      'pick: "workItemId" is longer than 200 characters',
    ],
    ['an action whose data is not an object', 'focus', 'home', 'The "focus" action carries no data object.'],
  ])(
    'answers an invoke with %s with a 400 error body and a log line, sending nothing',
    async (_what, verb, data, message) => {
      const invoke = agentInvoke(scene.serviceUrl, alex, verb, {});
      const value = { action: { type: 'Action.Execute', verb, data } };
      const linesBefore = scene.desk.lines.length;
      const result = await scene.post({ ...invoke, value });
      expect(result.status).toBe(400);
      expect(result.body).toEqual({
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'BadRequest', message },
      });
      expect(result.calls).toEqual([]);
      expect(
        scene.desk.lines
          .slice(linesBefore)
          .some(
            (line) => line.msg === 'malformed card action' && line['reason'] === message && line.level === 40,
          ),
      ).toBe(true);
    },
  );

  it('answers a submitted card with an unknown verb or a missing id with a card saying so, and a log line', async () => {
    for (const [value, message] of [
      [{ verb: 'selfDestruct' }, 'Unknown verb "selfDestruct".'],
      [{ verb: 'accept', offerId: 'o-1' }, 'accept: "workItemId" must be a non-empty string'],
      [{ sessionId: 'home' }, 'The action has no verb.'],
    ] as const) {
      const linesBefore = scene.desk.lines.length;
      const { calls } = await scene.send(agentMessage(scene.serviceUrl, alex, undefined, { value }));
      expect(calls.map((call) => call.conversationId)).toEqual([alex.conversationId]);
      expect(textBlocks(cardOf(calls[0]))).toEqual(['That action could not be used', message]);
      expect(
        scene.desk.lines
          .slice(linesBefore)
          .some((line) => line.msg === 'malformed card submit' && line['reason'] === message),
      ).toBe(true);
    }
  });

  it('answers a well-formed action on a session that does not exist with a clear card and a log line', async () => {
    const linesBefore = scene.desk.lines.length;
    for (const verb of ['focus', 'end', 'close', 'closeConfirm']) {
      const refused = await scene.press(alex, verb, { sessionId: 'no-such-session' });
      expect(refused.texts).toEqual(['Not possible', 'There is no session "no-such-session".']);
      expect(refused.calls).toEqual([]);
    }
    const refusedOpen = await scene.press(alex, 'open', { workItemId: 'no-such-item' });
    expect(refusedOpen.texts).toEqual(['Not possible', NO_LONGER_AVAILABLE]);
    const logged = scene.desk.lines.slice(linesBefore).filter((line) => line.msg === 'agent action refused');
    expect(logged.length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['typing', 'agent'],
    ['typing', 'customer'],
    ['messageReaction', 'customer'],
    ['messageUpdate', 'agent'],
    ['messageDelete', 'customer'],
    ['event', 'agent'],
    ['trace', 'agent'],
  ])(
    'answers a "%s" activity from the %s with 200, sends nothing, and logs that it was ignored',
    async (type, who) => {
      const base =
        who === 'agent'
          ? agentMessage(scene.serviceUrl, alex, undefined)
          : customerMessage(scene.serviceUrl, eve, '');
      const activity: ActivityJson = {
        ...base,
        type,
        text: undefined,
        name: type === 'event' ? 'someEvent' : undefined,
      };
      const queueBefore = await scene.queue();
      const result = await scene.post(activity);
      expect(result.status).toBe(200);
      expect(result.calls).toEqual([]);
      expect(await scene.queue()).toEqual(queueBefore);
      expect(
        scene.desk.lines.some(
          (line) =>
            line.msg === 'activity type ignored' &&
            line['activityId'] === activity['id'] &&
            line.level === 20,
        ),
      ).toBe(true);
    },
  );

  it('nothing above threw out of a turn: no error was logged and the server still answers', async () => {
    expect(scene.errors()).toEqual([]);
    const health = await fetch(`${scene.desk.app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('point 7: the Home dashboard (pick, open Waiting, open Closed read-only) and the 11th session (MAX_SESSIONS=10)', () => {
  const scene = useScene({ MAX_SESSIONS: '10' });
  const ann = customer('ann');
  let annItem: string;

  async function dashboard() {
    const { calls } = await scene.tell(alex, 'sessions');
    const posted = postedTo(calls, alex.conversationId);
    expect(posted).toHaveLength(1);
    expect(panelCallsTo(calls, alex).every((call) => call.kind === 'update')).toBe(true);
    const card = cardOf(posted[0]);
    expect(textBlocks(card).slice(0, 2)).toEqual(['Home', 'Agent dashboard']);
    return { card, activityId: posted[0]!.activityId };
  }

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    await scene.tell(alex, 'presence away');
  });

  it('"sessions" lists an Open work item with Pick; pick starts the session and tells the customer', async () => {
    const queued = await scene.say(ann, 'Where is my order 1234');
    // Alex is Away: nobody is at work, and Ann is told her message waits for the next free agent.
    expect(textsTo(queued.calls, ann.conversationId)).toEqual([NOBODY_AT_WORK]);
    expect(offersTo(queued.calls, alex)).toEqual([]);

    const home = await dashboard();
    expect(textBlocks(home.card)).toEqual(
      expect.arrayContaining([
        'My work items (0)',
        'Nothing is assigned to you.',
        'Open work items (1)',
        'Visitor 1',
        'Bot Framework Emulator · Open since 10:00 UTC',
        'Waiting work items (0)',
        'Closed work items (0)',
      ]),
    );
    expect(actionsWithVerb(home.card, 'open')).toEqual([]);
    annItem = actionData(home.card, 'pick')['workItemId']!;

    const picked = await scene.press(alex, 'pick', { workItemId: annItem }, home.activityId);
    expect(isPanel(picked.card)).toBe(true);
    expect(picked.texts).toContain('Focused: Visitor 1');
    expect(textsTo(picked.calls, ann.conversationId)).toEqual([joined(alex)]);
    expect(cardsTitled(picked.calls, alex, 'Active conversation')).toHaveLength(1);
    expect(cardsTitled(picked.calls, alex, 'Knowledge base')).toHaveLength(1);
    expect((await scene.workItem(annItem))?.item).toMatchObject({
      state: 'active',
      assignedAgentId: alex.aadObjectId,
    });
    expect(await scene.queue()).toEqual([]);

    const after = await dashboard();
    expect(textBlocks(after.card)).toEqual(
      expect.arrayContaining(['My work items (1)', 'Open work items (0)', 'The queue is empty.']),
    );
    expect(actionData(after.card, 'open')).toEqual({ workItemId: annItem });
  });

  it('open on a Waiting work item resumes it with its history', async () => {
    await scene.press(alex, 'close', { sessionId: annItem });
    await scene.press(alex, 'closeConfirm', { sessionId: annItem });
    const home = await dashboard();
    expect(textBlocks(home.card)).toEqual(
      expect.arrayContaining(['My work items (0)', 'Waiting work items (1)']),
    );
    expect(actionData(home.card, 'open')).toEqual({ workItemId: annItem });

    const opened = await scene.press(alex, 'open', { workItemId: annItem }, home.activityId);
    expect(isPanel(opened.card)).toBe(true);
    expect(textsTo(opened.calls, ann.conversationId)).toEqual([joined(alex)]);
    const [active] = cardsTitled(opened.calls, alex, 'Active conversation');
    expect(facts(active)).toContainEqual({ title: 'Status', value: 'Active' });
    expect(textBlocks(active)).toContain('**Customer:** Where is my order 1234');
    expect((await scene.workItem(annItem))?.item.state).toBe('active');
  });

  it('open on a Closed work item opens it read-only: no reply box, nothing told to the customer, no capacity used', async () => {
    await scene.press(alex, 'end', { sessionId: annItem });
    await scene.press(alex, 'wrapUp', { sessionId: annItem, outcome: 'Resolved' });
    await scene.tell(alex, 'presence available');
    const home = await dashboard();
    expect(textBlocks(home.card)).toEqual(expect.arrayContaining(['Closed work items (1)']));
    expect(actionData(home.card, 'open')).toEqual({ workItemId: annItem });

    const opened = await scene.press(alex, 'open', { workItemId: annItem }, home.activityId);
    expect(isPanel(opened.card)).toBe(true);
    expect(opened.calls.filter((call) => call.conversationId === ann.conversationId)).toEqual([]);
    const [active] = cardsTitled(opened.calls, alex, 'Active conversation');
    expect(textBlocks(active)).toContain('Closed — read only');
    expect(facts(active)).toContainEqual({ title: 'Status', value: 'Closed' });
    for (const verb of ['reply', 'end', 'close']) expect(actionsWithVerb(active, verb)).toEqual([]);
    expect(cardsTitled(opened.calls, alex, 'Knowledge base')).toEqual([]);
    expect((await scene.workItem(annItem))?.item.state).toBe('closed');
    const agent = await scene.agentDoc(alex);
    expect(agent?.panel.sessions).toEqual([expect.objectContaining({ id: annItem, readOnly: true })]);
    expect(agent?.presence).toBe('available');

    // Typing to a read-only session sends nothing to its customer.
    const typed = await scene.tell(alex, 'Hello?');
    expect(typed.calls.filter((call) => call.conversationId === ann.conversationId)).toEqual([]);
    expect(textBlocks(cardOf(postedTo(typed.calls, alex.conversationId)[0]))).toContain(NO_LONGER_AVAILABLE);
  });

  it('the 11th session is refused with "Maximum sessions reached. Close a session before opening another." (accept, pick and open)', async () => {
    const closedReadOnly = await scene.press(alex, 'closeConfirm', { sessionId: annItem });
    expect(closedReadOnly.texts).toEqual(['Visitor 1 closed', 'The session is closed.']);
    expect((await scene.agentDoc(alex))?.panel.sessions).toEqual([]);

    const crowd = Array.from({ length: 11 }, (_, index) => customer(`limit-${index + 1}`));
    for (const who of crowd.slice(0, 9)) {
      const { calls } = await scene.say(who, 'Where is my order 1234');
      const accepted = await scene.acceptOffer(alex, offersTo(calls, alex)[0]);
      expect(accepted.texts).toContain('Accepted');
    }
    expect((await scene.agentDoc(alex))?.panel.sessions).toHaveLength(9);

    // The tenth customer is offered while Alex has nine sessions; then a read-only session fills the tenth slot …
    const tenth = await scene.say(crowd[9]!, 'Where is my order 1234');
    const tenthOffer = offersTo(tenth.calls, alex)[0];
    expect(tenthOffer).toBeDefined();
    const readOnly = await scene.press(alex, 'open', { workItemId: annItem });
    expect(isPanel(readOnly.card)).toBe(true);
    expect((await scene.agentDoc(alex))?.panel.sessions).toHaveLength(10);
    // … so accepting the offer would be an 11th session.
    const refused = await scene.acceptOffer(alex, tenthOffer);
    expect(refused.texts).toEqual(['Not possible', MAX_SESSIONS_REACHED]);
    expect(postedTo(refused.calls, crowd[9]!.conversationId)).toEqual([]);
    expect((await scene.agentDoc(alex))?.panel.sessions).toHaveLength(10);
    expect((await scene.queue()).map((entry) => entry.offer?.agentId)).toEqual([alex.aadObjectId]);

    // Closing the read-only session makes room; the same offer is then accepted: ten sessions, Do not disturb.
    await scene.press(alex, 'closeConfirm', { sessionId: annItem });
    const accepted = await scene.acceptOffer(alex, tenthOffer);
    expect(accepted.texts).toContain('Accepted');
    const agent = await scene.agentDoc(alex);
    expect(agent?.panel.sessions).toHaveLength(10);
    expect(agent?.presence).toBe('dnd');
    expect(textBlocks(scene.latestPanel(alex))).toContain('● Do not disturb');

    // The eleventh customer is queued and not offered; picking it, or opening the Closed item, is refused.
    const eleventh = await scene.say(crowd[10]!, 'Where is my order 1234');
    expect(textsTo(eleventh.calls, crowd[10]!.conversationId)).toEqual([QUEUED]);
    expect(offersTo(eleventh.calls, alex)).toEqual([]);
    const home = await dashboard();
    const eleventhItem = actionData(home.card, 'pick')['workItemId']!;
    const pick = await scene.press(alex, 'pick', { workItemId: eleventhItem }, home.activityId);
    expect(pick.texts).toEqual(['Not possible', MAX_SESSIONS_REACHED]);
    expect(pick.calls).toEqual([]);
    const open = await scene.press(alex, 'open', { workItemId: annItem }, home.activityId);
    expect(open.texts).toEqual(['Not possible', MAX_SESSIONS_REACHED]);
    expect(open.calls).toEqual([]);
    expect((await scene.workItem(eleventhItem))?.item.state).toBe('open');
    expect((await scene.workItem(annItem))?.item.state).toBe('closed');
    expect((await scene.queue()).map((entry) => entry.workItemId)).toEqual([eleventhItem]);
    expect((await scene.agentDoc(alex))?.panel.sessions).toHaveLength(10);
    expect(textsTo(scene.connector.calls, crowd[10]!.conversationId)).toEqual([QUEUED]);
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('point 9: agent commands in chat', () => {
  const scene = useScene();

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
  });

  it.each([
    ['presence busy', 'busy', 'Busy'],
    ['presence dnd', 'dnd', 'Do not disturb'],
    ['presence away', 'away', 'Away'],
    ['presence offline', 'offline', 'Offline'],
    ['Presence AVAILABLE', 'available', 'Available'],
  ])(
    '"%s" sets the presence and updates the panel in place, answering nothing else',
    async (command, status, label) => {
      const panelId = await scene.panelId(alex);
      const { calls } = await scene.tell(alex, command);
      expect(postedTo(calls, alex.conversationId)).toEqual([]);
      const panels = panelCallsTo(calls, alex);
      expect(panels.map((call) => [call.kind, call.activityId])).toEqual([['update', panelId]]);
      expect(textBlocks(cardOf(panels[0]))).toContain(`● ${label}`);
      expect((await scene.agentDoc(alex))?.presence).toBe(status);
    },
  );

  it('"presence" without a status is explained with the choices', async () => {
    const { calls } = await scene.tell(alex, 'presence');
    expect(textBlocks(cardOf(postedTo(calls, alex.conversationId)[0]))).toEqual([
      'Unknown presence',
      'Choose one of: available, busy, dnd, away, offline.',
    ]);
  });

  it('"help" answers the help card naming every command', async () => {
    const { calls } = await scene.tell(alex, 'help');
    const card = cardOf(postedTo(calls, alex.conversationId)[0]);
    expect(textBlocks(card)[0]).toBe('Relaydesk commands');
    expect(facts(card).map((fact) => fact.title)).toEqual([
      'sessions',
      'presence available|busy|dnd|away|offline',
      'end',
      'close',
      '/q words or #tag',
      '/t',
      '/c',
      '/note text',
      'help',
      'floor',
    ]);
  });

  it('"close" and "end" typed with a session focused: close asks, end ends and tells the customer', async () => {
    const zoe = customer('zoe');
    const { calls } = await scene.say(zoe, 'Where is my order 1234');
    const offer = offersTo(calls, alex)[0];
    const item = actionData(cardOf(offer), 'accept')['workItemId']!;
    await scene.acceptOffer(alex, offer);

    const close = await scene.tell(alex, 'close');
    const confirm = cardOf(postedTo(close.calls, alex.conversationId)[0]);
    expect(textBlocks(confirm)[0]).toBe('Close Visitor 1?');
    expect(actionData(confirm, 'closeConfirm')).toEqual({ sessionId: item });
    expect((await scene.workItem(item))?.item.state).toBe('active');

    const end = await scene.tell(alex, 'end');
    expect(textsTo(end.calls, zoe.conversationId)).toEqual([ended(alex), SURVEY]);
    expect(textBlocks(cardOf(postedTo(end.calls, alex.conversationId)[0]))[0]).toBe('Wrap up Visitor 1');
    expect((await scene.workItem(item))?.item.state).toBe('wrap-up');
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('Tests: two agents and five customers at once', () => {
  const scene = useScene();
  const crowd = [1, 2, 3, 4, 5].map((n) => customer(`crowd-${n}`, n % 2 === 0 ? 'webchat' : 'emulator'));
  /** workItemId → the agent it was offered to, and the offer card. */
  const offered = new Map<string, { agent: TestAgent; offer: RecordedCall }>();
  const itemOf = new Map<TestCustomer, string>();
  const holder = new Map<string, TestAgent>();

  beforeAll(async () => {
    await Promise.all([scene.tell(alex, 'hi'), scene.tell(bea, 'hi')]);
  });

  it('five customers writing at once are each queued exactly once, and every item is offered to exactly one agent, spread over both', async () => {
    const mark = scene.connector.calls.length;
    const results = await Promise.all(
      crowd.map((who, index) =>
        scene.post(customerMessage(scene.serviceUrl, who, `Where is my order ${100 + index}`)),
      ),
    );
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200]);
    const calls = scene.connector.calls.slice(mark);

    for (const [index, who] of crowd.entries()) {
      expect(textsTo(calls, who.conversationId)).toEqual([QUEUED]);
      const doc = await scene.read<CustomerDocument>(`customer/${customerIdOf(who)}`);
      const workItemId = doc?.latestWorkItemId;
      expect(workItemId).toBeDefined();
      itemOf.set(who, workItemId!);
      const item = await scene.workItem(workItemId!);
      expect(item?.item.state).toBe('open');
      expect(item?.transcript.map((line) => line.text)).toEqual([`Where is my order ${100 + index}`]);
    }
    const items = [...itemOf.values()];
    expect(new Set(items).size).toBe(5);
    const titles = await Promise.all(items.map(async (id) => (await scene.workItem(id))?.item.title));
    expect(new Set(titles)).toEqual(
      new Set(['Visitor 1', 'Visitor 2', 'Visitor 3', 'Visitor 4', 'Visitor 5']),
    );

    for (const agent of [alex, bea]) {
      for (const offer of offersTo(calls, agent)) {
        const workItemId = actionData(cardOf(offer), 'accept')['workItemId']!;
        expect(offered.has(workItemId)).toBe(false);
        offered.set(workItemId, { agent, offer });
      }
    }
    expect([...offered.keys()].sort()).toEqual([...items].sort());
    const perAgent = [alex, bea].map(
      (agent) => [...offered.values()].filter((o) => o.agent === agent).length,
    );
    expect(Math.min(...perAgent)).toBeGreaterThanOrEqual(2);
    expect(Math.abs(perAgent[0]! - perAgent[1]!)).toBeLessThanOrEqual(1);

    const queue = await scene.queue();
    expect(queue.map((entry) => entry.workItemId).sort()).toEqual([...items].sort());
    for (const entry of queue) {
      const { agent, offer } = offered.get(entry.workItemId)!;
      expect(entry.offer).toMatchObject({
        agentId: agent.aadObjectId,
        id: actionData(cardOf(offer), 'accept')['offerId'],
      });
    }
  });

  it('both agents accepting all their offers at once, with a forged accept among them: each item gets exactly one session, each customer is told once', async () => {
    const mark = scene.connector.calls.length;
    const presses = [...offered.values()];
    const forgedTarget = presses.find((press) => press.agent === alex)!;
    const [answers, forged] = await Promise.all([
      Promise.all(
        presses.map(({ agent, offer }) =>
          scene.post(
            agentInvoke(
              scene.serviceUrl,
              agent,
              'accept',
              actionData(cardOf(offer), 'accept'),
              offer.activityId,
            ),
          ),
        ),
      ),
      scene.post(
        agentInvoke(
          scene.serviceUrl,
          bea,
          'accept',
          actionData(cardOf(forgedTarget.offer), 'accept'),
          forgedTarget.offer.activityId,
        ),
      ),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(textBlocks((answer.body as InvokeBody).value)).toContain('Accepted');
    }
    expect(forged.status).toBe(200);
    const forgedTexts = textBlocks((forged.body as InvokeBody).value);
    expect(forgedTexts).not.toContain('Accepted');
    expect(forgedTexts.some((text) => text === OFFERED_TO_ANOTHER || text === NO_LONGER_AVAILABLE)).toBe(
      true,
    );

    const calls = scene.connector.calls.slice(mark);
    for (const who of crowd) {
      const { agent } = offered.get(itemOf.get(who)!)!;
      expect(textsTo(calls, who.conversationId)).toEqual([joined(agent)]);
      const doc = await scene.workItem(itemOf.get(who)!);
      expect(doc?.item).toMatchObject({ state: 'active', assignedAgentId: agent.aadObjectId });
      holder.set(itemOf.get(who)!, agent);
    }
    const sessions = await Promise.all(
      [alex, bea].map(async (agent) => (await scene.agentDoc(agent))?.panel.sessions.map((s) => s.id) ?? []),
    );
    const all = sessions.flat();
    expect(all.sort()).toEqual([...itemOf.values()].sort());
    for (const [index, agent] of [alex, bea].entries()) {
      const expected = [...offered.entries()].filter(([, o]) => o.agent === agent).map(([id]) => id);
      expect([...sessions[index]!].sort()).toEqual(expected.sort());
      expect((await scene.agentDoc(agent))?.presence).toBe('busy');
      const rows = panelRows(scene.latestPanel(agent)).map((row) => row.sessionId);
      expect(rows[0]).toBe('home');
      expect(rows.slice(1).sort()).toEqual(expected.sort());
    }
    expect(await scene.queue()).toEqual([]);
  });

  it('five customers writing at once each reach only the agent holding their session', async () => {
    const mark = scene.connector.calls.length;
    await Promise.all(crowd.map((who, index) => scene.say(who, `Still there? (${index + 1})`)));
    const calls = scene.connector.calls.slice(mark);
    for (const [index, who] of crowd.entries()) {
      const text = `Still there? (${index + 1})`;
      const agent = holder.get(itemOf.get(who)!)!;
      const other = agent === alex ? bea : alex;
      const carrying = (to: TestAgent) =>
        postedTo(calls, to.conversationId).filter((call) => textBlocks(cardOf(call)).includes(text));
      expect(carrying(agent)).toHaveLength(1);
      expect(actionData(cardOf(carrying(agent)[0]), 'reply')['sessionId']).toBe(itemOf.get(who));
      expect(carrying(other)).toEqual([]);
      expect(textsTo(calls, who.conversationId)).toEqual([]);
    }
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('point 8: the contacts directory titles customers from any channel; everyone else is "Visitor N"', () => {
  const directory = mkdtempSync(join(tmpdir(), 'relaydesk-points-contacts-'));
  const contactsFile = join(directory, 'contacts.json');
  writeFileSync(
    contactsFile,
    JSON.stringify([
      {
        channelId: 'emulator',
        userId: 'points-kenny',
        contactName: 'Kenny Smith',
        accountName: 'Contoso Ltd',
        caseTitle: 'Router keeps dropping the connection',
      },
      { channelId: 'directline', userId: 'points-buyer', accountName: 'Fabrikam' },
      { channelId: 'sms', userId: 'points-case', caseTitle: 'Replacement for damaged blender' },
    ]),
  );
  const scene = useScene({ CONTACTS_FILE: contactsFile });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
  });

  it.each([
    ['an Emulator contact (contact name)', 'Kenny Smith', customer('kenny'), 'Ke'],
    ['a Direct Line contact with an account only', 'Fabrikam', customer('buyer', 'directline'), 'Fa'],
    ['an SMS contact with a case only', 'Replacement for damaged blender', customer('case', 'sms'), 'Re'],
    ['a Web Chat stranger', 'Visitor 1', customer('stranger', 'webchat'), 'Vi'],
    [
      'the same user id on another channel',
      'Visitor 2',
      { userId: 'points-kenny', conversationId: 'conv-points-kenny-webchat', channelId: 'webchat' },
      'Vi',
    ],
  ])('%s is titled "%s" on the offer card', async (_what, title, who, icon) => {
    const { calls } = await scene.say(who, 'Where is my order 1234');
    expect(textsTo(calls, who.conversationId)).toEqual([QUEUED]);
    const card = cardOf(offersTo(calls, alex)[0]);
    expect(textBlocks(card).slice(1, 3)).toEqual([icon, title]);
  });

  it('shows contact, account and case on the Active Conversation card of a known contact', async () => {
    const offer = offersTo(scene.connector.calls, alex).find((call) =>
      textBlocks(cardOf(call)).includes('Kenny Smith'),
    );
    const accepted = await scene.acceptOffer(alex, offer);
    const [active] = cardsTitled(accepted.calls, alex, 'Active conversation');
    expect(facts(active).slice(0, 4)).toEqual([
      { title: 'Customer', value: 'Kenny Smith' },
      { title: 'Account', value: 'Contoso Ltd' },
      { title: 'Case', value: 'Router keeps dropping the connection' },
      { title: 'Channel', value: 'Bot Framework Emulator' },
    ]);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('edge: sends the bot makes during a turn retry on 429 / 5xx, honouring Retry-After, and arrive once', () => {
  const scene = useScene();
  const ivy = customer('ivy');

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
  });

  it('a throttled "you are queued" text and a failing offer card are each retried and delivered exactly once', async () => {
    scene.connector.failNext(1, 429, { 'Retry-After': '2' });
    scene.connector.failNext(2, 503);
    const delaysBefore = scene.desk.delays.length;
    const { calls } = await scene.say(ivy, 'Where is my order 1234');
    expect(scene.connector.refused.map((call) => call.status)).toEqual([429, 503, 503]);
    expect(scene.desk.delays.slice(delaysBefore)[0]).toBe(2000);
    expect(scene.desk.delays.length - delaysBefore).toBe(3);
    expect(textsTo(calls, ivy.conversationId)).toEqual([QUEUED]);
    expect(offersTo(calls, alex)).toHaveLength(1);
    // The retried send is the same activity: the refused attempts carry the relaydeskId that was delivered.
    const delivered = new Set(calls.map((call) => relaydeskIdOf(call.activity)));
    for (const refused of scene.connector.refused)
      expect(delivered.has(relaydeskIdOf(refused.activity))).toBe(true);
    expect(scene.errors()).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('point 6 past WAITING_PERIOD_DAYS: a closed conversation is not resumed after the waiting period', () => {
  const scene = useScene({ WAITING_PERIOD_DAYS: '1' });
  const uma = customer('uma');
  let oldItem: string;
  let newItem: string;

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    const { calls } = await scene.say(uma, 'Where is my order 1234');
    const offer = offersTo(calls, alex)[0];
    oldItem = actionData(cardOf(offer), 'accept')['workItemId']!;
    await scene.acceptOffer(alex, offer);
    await scene.press(alex, 'closeConfirm', { sessionId: oldItem });
  });

  it('the customer writing after the waiting period starts a new work item without the old history; the old one is listed as Closed', async () => {
    scene.desk.clock.advance(24 * 60 * 60 * 1000 + 60_000);
    const { calls } = await scene.say(uma, 'I need to reset my password');
    expect(textsTo(calls, uma.conversationId)).toEqual([QUEUED]);
    const offer = offersTo(calls, alex)[0];
    newItem = actionData(cardOf(offer), 'accept')['workItemId']!;
    expect(newItem).not.toBe(oldItem);
    expect(textBlocks(cardOf(offer))).toEqual(
      expect.arrayContaining(['Visitor 1', 'I need to reset my password']),
    );
    expect((await scene.workItem(newItem))?.transcript.map((line) => line.text)).toEqual([
      'I need to reset my password',
    ]);

    const { calls: home } = await scene.tell(alex, 'sessions');
    const dashboard = cardOf(postedTo(home, alex.conversationId)[0]);
    expect(textBlocks(dashboard)).toEqual(
      expect.arrayContaining(['Open work items (1)', 'Waiting work items (0)', 'Closed work items (1)']),
    );
    expect(actionData(dashboard, 'open')).toEqual({ workItemId: oldItem });
  });

  // Fails against src: the expiry is written to the dashboard index only; the work item document stays
  // 'waiting', so Desk.open resumes it as a live conversation (see the report).
  it('open on that Closed item opens it read-only and tells the customer nothing', async () => {
    const opened = await scene.press(alex, 'open', { workItemId: oldItem });
    expect(opened.calls.filter((call) => call.conversationId === uma.conversationId)).toEqual([]);
    const [active] = cardsTitled(opened.calls, alex, 'Active conversation');
    expect(textBlocks(active)).toContain('Closed — read only');
    expect((await scene.workItem(oldItem))?.item.state).toBe('closed');
  });
});
