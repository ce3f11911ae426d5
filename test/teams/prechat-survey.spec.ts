import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { silentLogger } from '../../src/app/ports';
import { SqlPrechatStates } from '../../src/store/sql/prechat-states';
import { retryPrompt } from '../../src/teams/prechat/prechat-dialog';
import { StoredDialogState, type PrechatStates } from '../../src/teams/prechat/prechat-state';
import { PrechatSurvey } from '../../src/teams/prechat/prechat-survey';
import { EDGE_BACKENDS, type EdgeDatabase } from '../support/edge-databases';

const NAME = { id: 'name', prompt: 'What is your name?' };
const TOPIC = { id: 'topic', prompt: 'What can we help you with?' };
const CUSTOMER = 'emulator:web-user-1';

function surveyOn(
  states: PrechatStates,
  hasLiveWorkItem: (customerId: string) => Promise<boolean> = async () => false,
) {
  return new PrechatSurvey({
    questions: [NAME, TOPIC],
    states,
    hasLiveWorkItem,
    // The app queues the replies in the outbox; here they go straight into the test turn.
    send: async (context, _customerId, activity) => {
      await context.sendActivity(activity);
    },
    logger: silentLogger,
  });
}

/** A customer's turn whose replies land in `sent`. */
function turn(text: string | undefined) {
  const adapter = new TestAdapter(async () => undefined);
  const activity: Partial<Activity> = {
    type: 'message',
    channelId: 'emulator',
    from: { id: 'web-user-1', name: 'User' },
    recipient: { id: 'bot', name: 'Relaydesk' },
    conversation: { id: 'conv-1', isGroup: false, conversationType: 'personal', name: '' },
    serviceUrl: 'http://127.0.0.1/',
    ...(text !== undefined ? { text } : {}),
  };
  const context = new TurnContext(adapter, activity);
  return { context, sent: () => adapter.activeQueue.map((reply) => reply.text) };
}

async function say(survey: PrechatSurvey, text: string) {
  const { context, sent } = turn(text);
  const outcome = await survey.run(context, CUSTOMER, text.trim());
  return { outcome, sent: sent() };
}

describe.each(EDGE_BACKENDS)('the pre-chat survey on $name', (backend) => {
  let edge: EdgeDatabase;
  let store: SqlPrechatStates;
  /** The same table through another connection, as a second bot instance has it. */
  let otherInstance: SqlPrechatStates;

  beforeAll(async () => {
    edge = await backend.create();
    store = new SqlPrechatStates(edge.connect());
    otherInstance = new SqlPrechatStates(edge.connect());
  });

  afterAll(async () => {
    await edge.dispose();
  });

  beforeEach(async () => {
    await edge.reset();
  });

  const stored = () => store.load(CUSTOMER);

  it('keeps the survey in the customer’s row, one revision per save, and drops the dialog when answered', async () => {
    const survey = surveyOn(store);

    expect(await say(survey, 'My printer is on fire')).toEqual({
      outcome: { kind: 'asking' },
      sent: [NAME.prompt],
    });
    const asking = await stored();
    expect(asking?.revision).toBe(1);
    expect(asking?.dialogState?.dialogStack.length).toBeGreaterThan(0);

    expect(await say(survey, 'Sam')).toEqual({ outcome: { kind: 'asking' }, sent: [TOPIC.prompt] });
    expect(await say(survey, 'Printing')).toEqual({
      outcome: {
        kind: 'answered',
        firstMessage: 'My printer is on fire',
        answers: [
          { question: NAME.prompt, answer: 'Sam' },
          { question: TOPIC.prompt, answer: 'Printing' },
        ],
      },
      sent: [],
    });
    const done = await stored();
    expect(done?.revision).toBe(3);
    expect(done?.dialogState).toBeUndefined();

    // The next conversation starts a new survey.
    expect((await say(survey, 'Hello again')).sent).toEqual([NAME.prompt]);
  });

  it('hands every question to send(), for the customer of the turn (the notifier stamps its relaydeskId)', async () => {
    const { context } = turn('hello');
    const sent: [string, Partial<Activity>][] = [];
    const survey = new PrechatSurvey({
      questions: [NAME, TOPIC],
      states: store,
      hasLiveWorkItem: async () => false,
      send: async (_context, customerId, activity) => void sent.push([customerId, activity]),
      logger: silentLogger,
    });
    await survey.run(context, CUSTOMER, 'hello');
    expect(sent.map(([customerId, activity]) => [customerId, activity.text])).toEqual([
      [CUSTOMER, NAME.prompt],
    ]);
  });

  it('does not ask a customer whose message joins a live work item, and stores nothing', async () => {
    const survey = surveyOn(store, async () => true);
    expect(await say(survey, 'Are you still there?')).toEqual({ outcome: { kind: 'not-asked' }, sent: [] });
    expect(await stored()).toBeUndefined();
  });

  it('starts nothing from a message without text', async () => {
    const hasLiveWorkItem = jest.fn(async () => false);
    const { context, sent } = turn(undefined);
    expect(await surveyOn(store, hasLiveWorkItem).run(context, CUSTOMER, '')).toEqual({ kind: 'not-asked' });
    expect(sent()).toEqual([]);
    expect(hasLiveWorkItem).not.toHaveBeenCalled();
  });

  it('takes a message without text during the survey as an empty answer', async () => {
    const survey = surveyOn(store);
    await say(survey, 'hello');
    const { context, sent } = turn(undefined);
    expect(await survey.run(context, CUSTOMER, '')).toEqual({ kind: 'asking' });
    expect(sent()).toEqual([retryPrompt(NAME.prompt)]);
  });

  it('saves with compare-and-swap: a turn that read the state before another turn saved it loses', async () => {
    const state = new StoredDialogState(store);
    const first = turn('a').context;
    const second = turn('b').context;
    await state.load(first, CUSTOMER);
    await state.load(second, CUSTOMER);
    await state.set(first, { dialogStack: [{ id: 'x', state: { from: 'first' } }] });
    await state.set(second, { dialogStack: [{ id: 'x', state: { from: 'second' } }] });

    expect(await state.save(first)).toBe(true);
    expect(await state.save(second)).toBe(false);
    expect((await stored())?.dialogState?.dialogStack[0]?.state).toEqual({ from: 'first' });
  });

  it('runs a turn that lost the race to another process again on the state that won, sending only what it said then', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Two bot instances on one database; the first is held up after reading the (empty) state.
    const slow = surveyOn(store, async () => {
      await gate;
      return false;
    });
    const fast = surveyOn(otherInstance);

    const slowTurn = say(slow, 'hello');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await say(fast, 'My printer is on fire')).toEqual({
      outcome: { kind: 'asking' },
      sent: [NAME.prompt],
    });
    release();

    // The slow turn's own "What is your name?" was never sent; it answered the question the fast turn asked.
    expect(await slowTurn).toEqual({ outcome: { kind: 'asking' }, sent: [TOPIC.prompt] });
    expect(await say(fast, 'Printing')).toEqual({
      outcome: {
        kind: 'answered',
        firstMessage: 'My printer is on fire',
        answers: [
          { question: NAME.prompt, answer: 'hello' },
          { question: TOPIC.prompt, answer: 'Printing' },
        ],
      },
      sent: [],
    });
  });

  it('runs one customer’s turns one at a time in a process', async () => {
    const survey = surveyOn(store);
    const [first, second, third] = await Promise.all([
      say(survey, 'hello'),
      say(survey, 'Sam'),
      say(survey, 'Printing'),
    ]);
    expect(first.sent).toEqual([NAME.prompt]);
    expect(second.sent).toEqual([TOPIC.prompt]);
    expect(third.outcome.kind).toBe('answered');
  });
});
