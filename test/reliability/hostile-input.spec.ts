/**
 * Hostile and malformed input on POST /api/messages: property-based activity shapes (fast-check, fixed seed and
 * runs), and customer text that tries to inject markup or is far too long. Issue 6, "Hostile and malformed input".
 */
import fc from 'fast-check';
import { escapeCardText } from '../../src/cards/escape';
import {
  agentInvoke,
  agentMessage,
  customerMessage,
  postActivity,
  type ActivityJson,
} from '../support/activities';
import { allObjects, cardOf, textBlocks } from '../support/cards';
import { recordReliabilityRow } from '../support/reliability-rows';
import {
  FOR_AGENTS,
  QUEUED,
  offersTo,
  postedTo,
  relayedTextOf,
  testAgent,
  testCustomer,
  textsTo,
  useReliabilityScene,
  type InvokeBody,
} from '../support/reliability-scene';

const SEED = 20260105;
const RUNS = 100;
const MAX_TEXT_CHARS = 4000;
const TRUNCATED = '(truncated)';

const alex = testAgent('Alex');
const bea = testAgent('Bea');
const active = testCustomer('active');
const waiting = testCustomer('waiting');

/** Card verbs a fuzzed agent action may carry: every one that can only refuse, given ids that do not exist. */
const REFUSING_VERBS = [
  'accept',
  'reject',
  'pick',
  'open',
  'focus',
  'end',
  'close',
  'closeConfirm',
  'closeCancel',
  'reply',
  'kbSearch',
  'quickReply',
  'presence',
  'openCase',
  'transfer',
  'note',
];
const PRESENCE_VALUES = new Set(['available', 'busy', 'dnd', 'away', 'offline']);

/** Strings that are nasty to a JSON, markdown or card pipeline. */
const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uD800',
    '\u202E',
    '${x}',
    '{{DATE(2017-02-14T06:08:39Z)}}',
    '<at>Alex</at>',
    '[x](http://evil)',
    '__proto__',
    'constructor',
    'home',
    'null',
    '{"type":"AdaptiveCard"}',
  ),
  fc.nat({ max: 2 }).map((size) => 'x'.repeat([1_000, 10_000, 60_000][size]!)),
  fc.constant('🙂'.repeat(5_000)),
);

const junk: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  nastyString,
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
);

/** An id that names nothing the desk holds (so an action on it can only be refused). */
const strangerId: fc.Arbitrary<unknown> = fc.oneof(
  nastyString.filter((text) => text !== 'home'),
  junk,
);

function withField(base: ActivityJson, path: string, value: unknown): ActivityJson {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) {
    const copy = { ...base };
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const inner = base[head];
  const object = typeof inner === 'object' && inner !== null ? { ...(inner as ActivityJson) } : {};
  if (value === undefined) delete object[tail];
  else object[tail] = value;
  return { ...base, [head]: object };
}

/** Changes to an activity that must never let it do more than it could before: removals and junk. */
function mutate(fields: readonly string[]): fc.Arbitrary<(activity: ActivityJson) => ActivityJson> {
  const one = fc.record({ field: fc.constantFrom(...fields), remove: fc.boolean(), value: junk }).map(
    ({ field, remove, value }) =>
      (activity: ActivityJson) =>
        withField(activity, field, remove ? undefined : value),
  );
  return fc
    .array(one, { maxLength: 3 })
    .map(
      (changes) => (activity: ActivityJson) => changes.reduce((current, change) => change(current), activity),
    );
}

/** Fields any activity may lose or have replaced; `from`, `text`, `serviceUrl` are left to the shapes below. */
const SHAPE_FIELDS = [
  'id',
  'type',
  'channelId',
  'conversation',
  'conversation.id',
  'conversation.conversationType',
  'recipient',
  'replyToId',
  'name',
  'value',
  'channelData',
  'entities',
  'attachments',
  'timestamp',
  'locale',
  'membersAdded',
  'action',
];

/** fast-check's failure report, cut short: a counterexample may hold a 60 kB string. */
function shortReport<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const report = fc.defaultReportMessage(details) ?? 'property failed';
  throw new Error(report.length > 4000 ? `${report.slice(0, 4000)} … (cut)` : report);
}

type Actor = 'active customer' | 'agent' | 'stranger';

interface Fuzzed {
  readonly actor: Actor;
  readonly body: ActivityJson | string;
  readonly description: string;
}

function fuzzedActivities(serviceUrl: string): fc.Arbitrary<Fuzzed> {
  const invokeName = fc.oneof(
    fc.constantFrom(
      'adaptiveCard/action',
      'task/fetch',
      'composeExtension/query',
      'signin/verifyState',
      'config/fetch',
    ),
    nastyString,
  );
  const actionValue = fc.oneof(
    junk,
    fc.record({ action: junk }),
    fc.record(
      {
        action: fc.record(
          {
            type: fc.oneof(fc.constant('Action.Execute'), junk),
            verb: fc.oneof(fc.constantFrom(...REFUSING_VERBS), nastyString, junk),
            data: fc.oneof(
              junk,
              fc.record(
                {
                  workItemId: strangerId,
                  offerId: strangerId,
                  sessionId: strangerId,
                  cardSessionId: strangerId,
                  text: junk,
                  presence: junk.filter((value) => !PRESENCE_VALUES.has(value as string)),
                  query: junk,
                  toAgentId: junk,
                  toQueue: junk,
                  note: junk,
                },
                { requiredKeys: [] },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
  );
  const unknownType = fc.oneof(
    fc.constantFrom(
      'event',
      'messageReaction',
      // endOfConversation is not here: from a customer it is handled (they have left), as a message is.
      'typing',
      'messageUpdate',
      'messageDelete',
      'trace',
    ),
    nastyString,
  );

  // The customer whose conversation is Active: anything but a plain text message (which would rightly be relayed).
  const customerInvokes = fc
    .tuple(
      invokeName,
      actionValue,
      mutate(SHAPE_FIELDS.filter((field) => field !== 'type' && field !== 'value')),
    )
    .map(([name, value, change]): Fuzzed => ({
      actor: 'active customer',
      description: 'customer invoke',
      body: change({
        ...customerMessage(serviceUrl, active, ''),
        type: 'invoke',
        text: undefined,
        name,
        value,
      }),
    }));
  const customerSubmits = fc
    .tuple(
      junk.filter((value) => value !== null && value !== undefined),
      fc.option(nastyString, { nil: undefined }),
      mutate(SHAPE_FIELDS.filter((field) => field !== 'type' && field !== 'value')),
    )
    .map(([value, text, change]): Fuzzed => ({
      actor: 'active customer',
      description: 'customer card submit',
      body: change({
        ...customerMessage(serviceUrl, active, text ?? ''),
        value,
        ...(text === undefined ? { text: undefined } : {}),
      }),
    }));
  const customerOthers = fc
    .tuple(unknownType, mutate(SHAPE_FIELDS.filter((field) => field !== 'type')))
    .map(([type, change]): Fuzzed => ({
      actor: 'active customer',
      description: 'customer activity of another type',
      body: change({ ...customerMessage(serviceUrl, active, 'not a message'), type }),
    }));

  // The agent: card actions with junk or ids that name nothing, submits, other types; never plain text.
  const agentFields = SHAPE_FIELDS.filter(
    (field) =>
      field !== 'type' && field !== 'value' && field !== 'conversation' && field !== 'conversation.id',
  );
  const agentInvokes = fc
    .tuple(invokeName, actionValue, mutate(agentFields))
    .map(([name, value, change]): Fuzzed => ({
      actor: 'agent',
      description: 'agent invoke',
      body: change({ ...agentInvoke(serviceUrl, alex, 'focus', {}), name, value }),
    }));
  const agentSubmits = fc
    .tuple(
      fc.record(
        {
          verb: fc.oneof(fc.constantFrom(...REFUSING_VERBS), nastyString),
          workItemId: strangerId,
          offerId: strangerId,
          sessionId: strangerId,
          presence: junk.filter((value) => !PRESENCE_VALUES.has(value as string)),
          toAgentId: junk,
          toQueue: junk,
          note: junk,
          text: junk,
        },
        { requiredKeys: [] },
      ),
      mutate(agentFields),
    )
    .map(([value, change]): Fuzzed => ({
      actor: 'agent',
      description: 'agent card submit',
      body: change(agentMessage(serviceUrl, alex, undefined, { value })),
    }));
  const agentOthers = fc.tuple(unknownType, mutate(agentFields)).map(([type, change]): Fuzzed => ({
    actor: 'agent',
    description: 'agent activity of another type',
    body: change({ ...agentMessage(serviceUrl, alex, undefined), type }),
  }));

  // Strangers: shapes with missing or wrong ids, wrong types, junk senders, or no JSON at all.
  const strangerShapes = fc
    .tuple(
      fc.record({ id: nastyString, name: junk, aadObjectId: junk }, { requiredKeys: [] }),
      fc.option(nastyString, { nil: undefined }),
      fc.oneof(fc.constant(serviceUrl), junk),
      mutate([...SHAPE_FIELDS, 'from', 'from.id', 'text']),
    )
    .map(([from, text, url, change]): Fuzzed => ({
      actor: 'stranger',
      description: 'stranger activity',
      body: change({
        ...customerMessage(serviceUrl, testCustomer('stranger'), text ?? 'hello'),
        from,
        serviceUrl: typeof url === 'string' && url !== serviceUrl ? `not a url ${url}` : url,
      }),
    }));
  const rawBodies = fc
    .oneof(
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 200 }),
    )
    .map((body): Fuzzed => ({ actor: 'stranger', description: 'raw body', body }));

  const shapes: fc.Arbitrary<Fuzzed> = fc.oneof(
    customerInvokes,
    customerSubmits,
    customerOthers,
    agentInvokes,
    agentSubmits,
    agentOthers,
    strangerShapes,
    rawBodies,
  );
  return shapes;
}

describe('arbitrary activity shapes posted to /api/messages (fast-check)', () => {
  // Alex works the active customer at full capacity and Bea is Away, so a stranger who writes waits in the queue
  // without changing anyone else's documents.
  const scene = useReliabilityScene([alex, bea], { env: { AGENT_CAPACITY: '1' } });
  let activeItem: string;
  let waitingItem: string;
  let guarded: string[];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    await scene.tell(bea, 'hi');
    await scene.tell(bea, 'presence away');
    activeItem = await scene.activeSession(alex, active, 'My router keeps dropping');
    await scene.say(waiting, 'I am still waiting');
    waitingItem = (await scene.customerDoc(waiting))!.latestWorkItemId!;
    guarded = [
      `agent/${alex.aadObjectId}`,
      `agent/${bea.aadObjectId}`,
      `workitem/${activeItem}`,
      `workitem/${waitingItem}`,
      `customer/emulator:${active.userId}`,
      `customer/emulator:${waiting.userId}`,
      `card/${alex.aadObjectId}:panel`,
      `card/${bea.aadObjectId}:panel`,
    ];
  });

  async function queueEntryOf(workItemId: string) {
    return (await scene.queue()).find((entry) => entry.workItemId === workItemId);
  }

  it(`never crashes, answers 2xx/4xx, and changes none of the documents it must not (${RUNS} runs, seed ${SEED})`, async () => {
    const before = await scene.snapshot(guarded);
    const waitingEntry = await queueEntryOf(waitingItem);
    expect(waitingEntry).toBeDefined();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fuzzedActivities(scene.serviceUrl), { minLength: 1, maxLength: 3 }),
        async (batch) => {
          const mark = scene.desk.lines.length;
          for (const fuzzed of batch) {
            const result = await postActivity(scene.app.url, fuzzed.body);
            await scene.settle();
            statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
            // botbuilder answers an invoke it has no handler for (task/fetch …) with 501 Not Implemented.
            const notImplemented =
              result.status === 501 && fuzzed.actor === 'agent' && typeof fuzzed.body !== 'string';
            if (result.status >= 500 && !notImplemented) {
              throw new Error(
                `${fuzzed.description} answered ${result.status}: ${JSON.stringify(result.body).slice(0, 300)}`,
              );
            }
            expect(result.status).toBeGreaterThanOrEqual(200);
            if (result.status === 400)
              expect(JSON.stringify(result.body)).toMatch(/BadRequest|InvalidContent|error/);
          }
          expect(await scene.snapshot(guarded)).toEqual(before);
          expect(await queueEntryOf(waitingItem)).toEqual(waitingEntry);
          expect(scene.desk.lines.slice(mark).filter((line) => line.level >= 50)).toEqual([]);
        },
      ),
      {
        seed: SEED,
        numRuns: RUNS,
        endOnFailure: true,
        asyncReporter: async (details) => shortReport(details),
      },
    );
    const health = await fetch(`${scene.app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const posted = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    recordReliabilityRow({
      scenario: '3a. arbitrary activity shapes (fast-check)',
      load: `${RUNS} runs of 1–3 activities (seed ${SEED}), ${posted} POSTs`,
      faults: 'missing ids, wrong types, junk values, unicode, huge strings, unknown types and invokes',
      sent: posted,
      delivered: posted,
      lost: 0,
      duplicated: 0,
      note: `answers: ${[...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(', ')}; guarded documents unchanged`,
    });
  });

  it('still relays the active customer, and refuses their card action with the agents-only card', async () => {
    const relayed = await scene.say(active, 'Still here after all that');
    expect(postedTo(relayed.calls, alex.conversationId).map(relayedTextOf)).toContain(
      'Still here after all that',
    );
    const refused = await scene.post({
      ...customerMessage(scene.serviceUrl, active, ''),
      type: 'invoke',
      name: 'adaptiveCard/action',
      text: undefined,
      value: { action: { type: 'Action.Execute', verb: 'end', data: { sessionId: activeItem } } },
    });
    expect(textBlocks((refused.body as InvokeBody).value)).toContain(FOR_AGENTS);
  });
});

describe('fields the replies are sent through, with the wrong type', () => {
  const scene = useReliabilityScene([alex]);
  let index = 0;

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
  });

  // botbuilder copies these fields into the conversation reference every reply goes through. Accepted with junk in
  // them (as they once were), the message was queued and offered, yet every send to that customer then failed in
  // botbuilder's serializer: never told they were queued, and whatever the agent answered was lost.
  it.each([
    [
      'from.aadObjectId',
      (activity: ActivityJson) => ({
        ...activity,
        from: { ...(activity['from'] as object), aadObjectId: 42 },
      }),
    ],
    [
      'from.name',
      (activity: ActivityJson) => ({
        ...activity,
        from: { ...(activity['from'] as object), name: { first: 'Kim' } },
      }),
    ],
    [
      'from.role',
      (activity: ActivityJson) => ({ ...activity, from: { ...(activity['from'] as object), role: 7 } }),
    ],
    ['recipient.id', (activity: ActivityJson) => ({ ...activity, recipient: { id: 5 } })],
    [
      'conversation.conversationType',
      (activity: ActivityJson) => ({
        ...activity,
        conversation: { ...(activity['conversation'] as object), conversationType: 5 },
      }),
    ],
    [
      'conversation.isGroup',
      (activity: ActivityJson) => ({
        ...activity,
        conversation: { ...(activity['conversation'] as object), isGroup: 'yes' },
      }),
    ],
    ['locale', (activity: ActivityJson) => ({ ...activity, locale: ['en-US'] })],
  ])(
    'a first message with a wrongly typed %s is refused with 400 and logged; nothing is queued or sent',
    async (field, spoil) => {
      index += 1;
      const customer = testCustomer(`reference-${index}`);
      const mark = scene.connector.calls.length;
      const lines = scene.desk.lines.length;
      const result = await postActivity(
        scene.app.url,
        spoil(customerMessage(scene.serviceUrl, customer, 'Hello?')),
      );
      await scene.settle();
      expect(result.status).toBe(400);
      expect(await scene.customerDoc(customer)).toBeUndefined();
      expect(scene.connector.calls.slice(mark)).toEqual([]);
      expect(scene.desk.lines.slice(lines)).toContainEqual(
        expect.objectContaining({
          msg: 'request refused: not an activity',
          reason: expect.stringContaining(field) as unknown,
        }),
      );
      expect(scene.desk.lines.slice(lines).filter((line) => line.level >= 50)).toEqual([]);
    },
  );
});

describe('customer text that tries to inject markup, and bodies that are far too long', () => {
  const scene = useReliabilityScene([alex], {
    env: { MAX_TEXT_CHARS: String(MAX_TEXT_CHARS), MAX_BODY_KB: '256' },
  });
  const talker = testCustomer('talker');
  const other = testCustomer('other');
  let talkerItem: string;
  let benignActions: string[];
  let sent = 0;
  let shownEscaped = 0;

  const actionsOf = (card: unknown) =>
    allObjects(card)
      .filter((object) => typeof object['type'] === 'string' && String(object['type']).startsWith('Action.'))
      .map(
        (object) => `${String(object['type'])}:${JSON.stringify(object['verb'] ?? object['title'] ?? '')}`,
      );

  /** The customer writes; returns the message card the agent got for it. */
  async function relay(text: string) {
    sent += 1;
    const { calls } = await scene.say(talker, text);
    const cards = postedTo(calls, alex.conversationId).filter((call) => relayedTextOf(call) !== undefined);
    expect(cards).toHaveLength(1);
    return cardOf(cards[0]);
  }

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    talkerItem = await scene.activeSession(alex, talker, 'Hello');
    await scene.activeSession(alex, other, 'Hello too');
    benignActions = actionsOf(await relay('A perfectly ordinary message'));
    shownEscaped += 1;
  });

  afterAll(() => {
    recordReliabilityRow({
      scenario: '3b. injection and oversized text',
      load: `${sent} customer messages (markup, mentions, HTML, 100 kB) and one 300 kB body`,
      faults:
        'card/markdown/HTML injection, mentions, control and bidi characters, 100 kB text, body over MAX_BODY_KB',
      sent,
      delivered: shownEscaped,
      lost: sent - shownEscaped,
      duplicated: 0,
      note: 'delivered = relayed once, escaped and capped; the 300 kB body is refused with 413',
    });
  });

  it.each([
    ['a markdown link and image', '[click me](http://evil.example) ![x](http://evil.example/x.png)'],
    ['a mention', '<at>Alex Agent</at> please look'],
    ['HTML', '<script>alert(1)</script><img src=x onerror=alert(1)><b>bold</b>'],
    ['template expressions', '${$root.secret} {{DATE(2017-02-14T06:08:39Z, SHORT)}} ${if(true, "a", "b")}'],
    ['card JSON', '{"type":"AdaptiveCard","body":[{"type":"Action.OpenUrl","url":"http://evil"}]}'],
    ['block markdown', '# Heading\n- item\n1. first\n> quote\n| a | b |\n---'],
    ['entities, emphasis and code', '&lt;at&gt; **bold** _it_ `code` ~~gone~~ \\escaped'],
    ['control and bidi characters', 'safe\u0000\u0007\u001b[31m red \u202Edesrever\u202C \u2066iso\u2069'],
  ])('%s is shown escaped on the agent card, with the same actions as any message', async (_what, text) => {
    const card = await relay(text);
    const shown = textBlocks(card).at(-1);
    expect(shown).toBe(escapeCardText(text));
    const json = JSON.stringify(card);
    expect(json).not.toContain('<at>');
    expect(json).not.toContain('<script');
    expect(json).not.toMatch(/[^\\]\]\(http/);
    expect(json).not.toContain('${$root');
    expect(actionsOf(card)).toEqual(benignActions);
    shownEscaped += 1;
  });

  it('any text at all comes out as escapeCardText of what was stored, never with a raw "<" (fast-check, 40 runs)', async () => {
    const markupish = fc.string({
      unit: fc.oneof(
        fc.constantFrom(
          '<',
          '>',
          '[',
          ']',
          '(',
          ')',
          '*',
          '_',
          '`',
          '~',
          '|',
          '#',
          '-',
          '&',
          '$',
          '{',
          '}',
          '\\',
          '\n',
          '@',
          '!',
        ),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      minLength: 1,
      maxLength: 80,
    });
    await fc.assert(
      fc.asyncProperty(
        markupish.filter((text) => text.trim() !== ''),
        async (text) => {
          const card = await relay(text);
          const shown = textBlocks(card).at(-1);
          const stored = (await scene.workItem(talkerItem))!.transcript.at(-1)!.text;
          expect(stored).toBe(text.trim());
          expect(shown).toBe(escapeCardText(stored));
          expect(JSON.stringify(card)).not.toContain('<');
          expect(actionsOf(card)).toEqual(benignActions);
          shownEscaped += 1;
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it(`a 100 kB message is accepted, then stored and shown capped at ${MAX_TEXT_CHARS} characters with "${TRUNCATED}"`, async () => {
    const text = `${'Lorem ipsum dolor sit amet. '.repeat(3572)}THE END`.slice(0, 100_000);
    expect(text).toHaveLength(100_000);
    const card = await relay(text);
    const stored = (await scene.workItem(talkerItem))!.transcript.at(-1)!.text;
    expect(stored).toBe(`${text.slice(0, MAX_TEXT_CHARS)} ${TRUNCATED}`);
    expect(textBlocks(card).at(-1)).toBe(escapeCardText(stored));
    expect(JSON.stringify(card).length).toBeLessThan(MAX_TEXT_CHARS * 3);
    shownEscaped += 1;
  });

  it('a new customer whose first message is 100 kB gets an offer card with it capped', async () => {
    const newcomer = testCustomer('newcomer');
    const text = '🙂'.repeat(50_000);
    sent += 1;
    const queued = await scene.say(newcomer, text);
    expect(textsTo(queued.calls, newcomer.conversationId)).toEqual([QUEUED]);
    const offer = cardOf(offersTo(queued.calls, alex).at(-1));
    const capped = `${'🙂'.repeat(MAX_TEXT_CHARS / 2)} ${TRUNCATED}`;
    expect(textBlocks(offer)).toContain(escapeCardText(capped));
    expect(JSON.stringify(offer).length).toBeLessThan(MAX_TEXT_CHARS * 4);
    shownEscaped += 1;
  });

  it('a body over MAX_BODY_KB (300 kB) is refused with 413, and nothing changes', async () => {
    const keys = [
      `workitem/${talkerItem}`,
      `agent/${alex.aadObjectId}`,
      `customer/emulator:${talker.userId}`,
    ];
    const before = await scene.snapshot(keys);
    const mark = scene.connector.calls.length;
    const result = await postActivity(
      scene.app.url,
      customerMessage(scene.serviceUrl, talker, 'y'.repeat(300 * 1024)),
    );
    await scene.settle();
    expect(result.status).toBe(413);
    expect(await scene.snapshot(keys)).toEqual(before);
    expect(scene.connector.calls.slice(mark)).toEqual([]);
    expect((await fetch(`${scene.app.baseUrl}/healthz`)).status).toBe(200);
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});
