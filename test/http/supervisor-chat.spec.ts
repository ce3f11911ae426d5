/**
 * A supervisor's actions in chat, over HTTP with the fake Bot Connector: Sam (a supervisor who takes no work) types
 * `floor` and acts on the card it answers with, pressing its buttons as Teams would post them (the action's data
 * plus the card's inputs). Alex and Bea are agents; Alex takes one conversation at a time, Bea has stepped away so
 * that the queue waits. Each press goes through the same use case as the tab's Floor; Alex, who is no supervisor,
 * is refused every supervisor verb and nothing changes. The sweeper's clock is fake.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { agentInvoke, postActivity } from '../support/activities';
import {
  actionsWithVerb,
  cardOf,
  dataOf,
  objectsOfType,
  panelRows,
  textBlocks,
  textOf,
  visibleTexts,
  type CardObject,
} from '../support/cards';
import { alex, bea, samSupervisor } from '../support/fixtures';
import { acceptLatestOffer, offersPosted } from '../support/offers';
import { cardTexts, saidTo, useTeamworkDesk } from '../support/teamwork-desk';

const sam = samSupervisor;
const kim: TestCustomer = { userId: 'chat-floor-visitor-1', conversationId: 'conv-chat-floor-1' };
const lou: TestCustomer = { userId: 'chat-floor-visitor-2', conversationId: 'conv-chat-floor-2' };
const max: TestCustomer = { userId: 'chat-floor-visitor-3', conversationId: 'conv-chat-floor-3' };
const SAM_JOINED = 'Sam Supervisor (supervisor) joined the conversation.';
const CLOSED_BY_TEAM = 'This conversation was closed by our team.';
const NOT_SUPERVISOR = 'Only supervisors can see the floor and act on other agents’ conversations.';

/** The Action.Execute titled `title` on the card, and what Teams posts when it is pressed with `inputs`. */
function pressData(card: unknown, verb: string, title: string, inputs: Record<string, unknown> = {}) {
  const action = actionsWithVerb(card, verb).find((candidate) => candidate['title'] === title);
  if (!action) throw new Error(`no "${title}" (${verb}) on the card`);
  return { ...dataOf(action), ...(action['associatedInputs'] === 'none' ? {} : inputs) };
}

describe('supervision in chat: the floor card’s actions', () => {
  const team = useTeamworkDesk([alex, bea], {
    AGENT_CAPACITY: '1',
    SUPERVISOR_IDS: `${sam.aadObjectId}|${sam.userId}`,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  let kimItem: string;
  let louItem: string;
  let maxItem: string;
  let floor: CardObject;

  /** Presses as `agent`, lets the outbox deliver, and returns the answer card and every call it caused. */
  const press = async (agent: TestAgent, verb: string, data: Record<string, unknown>) => {
    const mark = team.connector.calls.length;
    const pressed = await team.press(agent, verb, data);
    await team.desk.app.drainOutbox();
    return { ...pressed, calls: team.connector.calls.slice(mark) };
  };
  const stateOf = async (workItemId: string) => (await team.tables().workItems.get(workItemId))?.item.state;
  const supervising = async (agent: TestAgent) =>
    (await team.sessionsOf(agent)).flatMap((s) => (s.supervising ? [[s.id, s.supervising, s.readOnly]] : []));
  const logged = (msg: string) => team.desk.lines.filter((line) => line.msg === msg);
  /** Focuses the conversation on Sam's panel, as its row's button does, and returns the conversation card he got. */
  const openOnPanel = async (workItemId: string) => {
    const focused = await press(sam, 'focus', { sessionId: workItemId });
    const cards = focused.calls.filter((call) => call.conversationId === sam.conversationId).map(cardOf);
    const card = cards.find(
      (candidate) =>
        actionsWithVerb(candidate, 'reply').length > 0 ||
        textBlocks(candidate).some((line) => line.includes('read only')),
    );
    if (!card) throw new Error('no conversation card after focus');
    return { card, replyBoxes: objectsOfType(card, 'Input.Text').filter((input) => input['id'] === 'text') };
  };

  it('starts with Alex holding Kim’s conversation and Lou and Max waiting in the queue', async () => {
    for (const agent of [alex, bea, sam]) await team.tell(agent, 'hi');
    await team.tell(bea, 'presence away');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    await team.say(lou, 'Where is my refund?');
    team.desk.clock.advance(30_000);
    await team.say(max, 'Hello?');
    const queue = (await team.tables().queue.get('default')).entries.map((entry) => entry.workItemId);
    expect(queue).toHaveLength(2);
    [louItem, maxItem] = queue as [string, string];
  });

  it('`floor` answers with a card whose rows carry the supervisor actions and their data', async () => {
    const asked = await team.tell(sam, 'floor');
    const posted = saidTo(asked.calls, sam.conversationId).map(cardOf);
    floor = posted.find((card) => textBlocks(card).includes('The floor'))!;
    expect(floor).toBeDefined();
    expect(actionsWithVerb(floor, 'assign').map(dataOf)).toEqual([
      { workItemId: louItem },
      { workItemId: maxItem },
    ]);
    const choice = objectsOfType(floor, 'Input.ChoiceSet')[0];
    expect(choice?.['id']).toBe('assignTo');
    expect(choice?.['choices']).toEqual([
      { title: 'Alex Agent (Do not disturb, 1 / 1)', value: alex.aadObjectId },
      { title: 'Bea Agent (Away, 0 / 1)', value: bea.aadObjectId },
    ]);
    for (const verb of ['monitor', 'join', 'forceClose'])
      expect(actionsWithVerb(floor, verb).map(dataOf)).toEqual([{ sessionId: kimItem }]);
  });

  it('Assign with the agent chosen on the card offers the conversation to them, and the card says so', async () => {
    const assigned = await press(
      sam,
      'assign',
      pressData(floor, 'assign', 'Assign', { assignTo: bea.aadObjectId }),
    );
    expect(assigned.texts).toContain('Visitor 2 offered to Bea Agent.');
    expect(actionsWithVerb(assigned.card, 'assign').map(dataOf)).toContainEqual({ workItemId: maxItem });
    const offers = offersPosted(team.connector, bea);
    expect(offers).toHaveLength(1);
    expect(textBlocks(cardOf(offers[0]))).toContain('Visitor 2');
    expect(saidTo(assigned.calls, lou.conversationId)).toEqual([]);
    expect(logged('conversation assigned by a supervisor')).toEqual([
      expect.objectContaining({
        supervisorId: sam.aadObjectId,
        workItemId: louItem,
        agentId: bea.aadObjectId,
      }),
    ]);
  });

  it('Assign over capacity asks first, saying by how much, and offers nothing until Assign anyway', async () => {
    const asked = await press(sam, 'assign', { workItemId: maxItem, assignTo: alex.aadObjectId });
    expect(asked.texts).toEqual(
      expect.arrayContaining([
        'Assign Visitor 3 to Alex Agent over capacity?',
        'Alex Agent has 1 of 1 conversations; assigning makes 2. They can still decline it.',
      ]),
    );
    expect(offersPosted(team.connector, alex)).toHaveLength(1);
    const anyway = pressData(asked.card, 'assign', 'Assign anyway');
    expect(anyway).toEqual({ workItemId: maxItem, agentId: alex.aadObjectId, overCapacity: true });
    const assigned = await press(sam, 'assign', anyway);
    expect(assigned.texts).toContain('Visitor 3 offered to Alex Agent, over their capacity.');
    expect(offersPosted(team.connector, alex)).toHaveLength(2);
  });

  it('Assign pressed with no agent chosen asks for one and offers nothing', async () => {
    const before = team.connector.calls.length;
    const unchosen = await press(sam, 'assign', { workItemId: louItem, assignTo: '' });
    expect(unchosen.texts).toContain(
      'Choose an agent in “Agent for Assign”, then press Assign on the conversation.',
    );
    expect(
      team.connector.calls.slice(before).filter((call) => call.conversationId !== sam.conversationId),
    ).toEqual([]);
  });

  it('Monitor opens the conversation read-only on the supervisor’s panel and tells nobody', async () => {
    const watched = await press(sam, 'monitor', pressData(floor, 'monitor', 'Monitor'));
    expect(watched.texts).toContain(
      'You are monitoring Visitor 1: it is open on your panel, read-only, and nobody is told.',
    );
    expect(await supervising(sam)).toEqual([[kimItem, 'monitoring', true]]);
    expect(saidTo(watched.calls, kim.conversationId)).toEqual([]);
    expect(watched.calls.filter((call) => call.conversationId === alex.conversationId)).toEqual([]);
    // The panel card shows the conversation, as after the tab's Monitor.
    const panels = watched.calls.filter((call) => call.conversationId === sam.conversationId).map(cardOf);
    expect(
      panels.some((card) => panelRows(card).some((row) => visibleTexts(row).includes('Visitor 1'))),
    ).toBe(true);
    // The refreshed floor offers to stop, and to join.
    expect(actionsWithVerb(watched.card, 'stopMonitor').map(dataOf)).toEqual([{ sessionId: kimItem }]);
    expect(actionsWithVerb(watched.card, 'monitor')).toEqual([]);
  });

  it('the monitored conversation’s card says it is monitored, read only, and has no reply box', async () => {
    const { card, replyBoxes } = await openOnPanel(kimItem);
    expect(textBlocks(card)).toContain(
      'Monitoring — read only, and nobody is told. Join it from the floor card to write to the customer.',
    );
    expect(textBlocks(card)).not.toContain('Closed — read only');
    expect(replyBoxes).toEqual([]);
  });

  it('Join tells the agent and the customer "<name> (supervisor) joined the conversation."', async () => {
    const joined = await press(sam, 'join', { sessionId: kimItem });
    expect(joined.texts).toContain(
      'You joined Visitor 1: it is open on your panel, and your replies reach the customer.',
    );
    expect(saidTo(joined.calls, kim.conversationId).map(textOf)).toEqual([SAM_JOINED]);
    expect(cardTexts(joined.calls, alex)).toContain(SAM_JOINED);
    expect(await supervising(sam)).toEqual([[kimItem, 'joined', true]]);
  });

  it('the joined conversation’s card has a reply box, and what Sam sends from it reaches the customer', async () => {
    const { card, replyBoxes } = await openOnPanel(kimItem);
    expect(replyBoxes).toHaveLength(1);
    expect(textBlocks(card).filter((line) => line.includes('read only'))).toEqual([]);
    const sent = await press(sam, 'reply', {
      sessionId: kimItem,
      text: 'Sam here: a replacement is on its way.',
    });
    expect(saidTo(sent.calls, kim.conversationId).map(textOf)).toEqual([
      'Sam here: a replacement is on its way.',
    ]);
  });

  it('Stop monitoring takes the conversation off the supervisor’s panel', async () => {
    const stopped = await press(sam, 'stopMonitor', { sessionId: kimItem });
    expect(stopped.texts).toContain('You stopped monitoring Visitor 1.');
    expect(await supervising(sam)).toEqual([]);
    expect(actionsWithVerb(stopped.card, 'monitor').map(dataOf)).toEqual([{ sessionId: kimItem }]);
  });

  describe('an agent who is not a supervisor, pressing forged supervisor actions', () => {
    it.each([
      ['monitor', () => ({ sessionId: kimItem })],
      ['join', () => ({ sessionId: kimItem })],
      ['stopMonitor', () => ({ sessionId: kimItem })],
      ['forceClose', () => ({ sessionId: kimItem })],
      ['forceClose', () => ({ sessionId: kimItem, confirmed: true })],
      ['assign', () => ({ workItemId: maxItem, agentId: alex.aadObjectId, overCapacity: true })],
      ['floor', () => ({})],
    ])(
      'is refused "%s" with a clear card, a log line with the ids, and nothing changes',
      async (verb, data) => {
        const before = logged('agent action refused').length;
        const offers = offersPosted(team.connector, alex).length;
        const refused = await press(alex, verb, data());
        expect(refused.texts).toContain(NOT_SUPERVISOR);
        expect(refused.calls.filter((call) => call.conversationId !== alex.conversationId)).toEqual([]);
        expect(await stateOf(kimItem)).toBe('active');
        expect(await supervising(alex)).toEqual([]);
        expect(offersPosted(team.connector, alex)).toHaveLength(offers);
        const line = logged('agent action refused').slice(before);
        expect(line).toEqual([
          expect.objectContaining({ agentId: alex.aadObjectId, action: verb, reason: 'not-supervisor' }),
        ]);
        const ids: { sessionId?: string; workItemId?: string } = data();
        const workItemId = ids.sessionId ?? ids.workItemId;
        if (workItemId !== undefined) expect(line[0]).toMatchObject({ workItemId });
      },
    );
  });

  it.each([
    ['monitor', {}, 'monitor: "sessionId" must be a non-empty string'],
    ['join', { sessionId: '   ' }, 'join: "sessionId" must be a non-empty string'],
    ['forceClose', { sessionId: 'x', confirmed: 'yes' }, 'forceClose: "confirmed" must be true when given'],
    ['assign', { workItemId: 7, agentId: 'aad-bea' }, 'assign: "workItemId" must be a non-empty string'],
    [
      'assign',
      { workItemId: 'x', agentId: 'aad-bea', overCapacity: 'yes' },
      'assign: "overCapacity" must be true or false',
    ],
  ])(
    'answers malformed "%s" data with a 400 naming what is wrong, and changes nothing',
    async (verb, data, message) => {
      const mark = team.connector.calls.length;
      const invoke = agentInvoke(team.connector.serviceUrl, sam, verb, data);
      const result = await postActivity(team.desk.app.url, invoke);
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'BadRequest', message },
      });
      await team.desk.app.drainOutbox();
      expect(team.connector.calls.slice(mark)).toEqual([]);
    },
  );

  it('Force close asks first and changes nothing; confirmed, the customer and the agent are told', async () => {
    const asked = await press(sam, 'forceClose', pressData(floor, 'forceClose', 'Force close…'));
    expect(asked.texts).toEqual(
      expect.arrayContaining([
        'Force close Visitor 1?',
        'The customer and Alex Agent are told it was closed by the team. This cannot be undone.',
      ]),
    );
    expect(saidTo(asked.calls, kim.conversationId)).toEqual([]);
    expect(await stateOf(kimItem)).toBe('active');

    const confirm = pressData(asked.card, 'forceClose', 'Force close');
    expect(confirm).toEqual({ sessionId: kimItem, confirmed: true });
    const closed = await press(sam, 'forceClose', confirm);
    expect(closed.texts).toContain('Visitor 1 is closed; the customer was told.');
    expect(saidTo(closed.calls, kim.conversationId).map(textOf)).toEqual([CLOSED_BY_TEAM]);
    expect(cardTexts(closed.calls, alex)).toContain('Sam Supervisor closed this conversation.');
    expect(await stateOf(kimItem)).toBe('closed');
    expect(actionsWithVerb(closed.card, 'forceClose')).toEqual([]);
  });

  it('a stale action (the conversation closed meanwhile) is a clear line on the floor card, nobody told', async () => {
    for (const [verb, data] of [
      ['forceClose', { sessionId: kimItem, confirmed: true }],
      ['monitor', { sessionId: kimItem }],
    ] as const) {
      const stale = await press(sam, verb, data);
      expect(stale.texts).toContain(
        verb === 'forceClose'
          ? 'That conversation is closed already, or there is none with that id.'
          : 'Only an Active, Waiting or Wrap-up conversation can be monitored; this one is closed.',
      );
      expect(stale.calls.filter((call) => call.conversationId !== sam.conversationId)).toEqual([]);
    }
    expect(logged('supervisor action refused')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ supervisorId: sam.aadObjectId, verb: 'forceClose', workItemId: kimItem }),
      ]),
    );
  });
});
