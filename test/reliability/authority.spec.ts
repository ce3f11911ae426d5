/**
 * Authority: whoever is not allowed to do something is refused, the refusal is logged, and the store does not
 * change. Customers pressing agent buttons, agents acting on each other's sessions, replayed stale actions, forged
 * or expired workspace tokens, and unauthenticated or forged Bot Framework tokens. Issue 6, "Hostile input".
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  agentInvoke,
  agentMessage,
  customerInvoke,
  customerMessage,
  postActivity,
  type ActivityJson,
  type TestAgent,
} from '../support/activities';
import { actionData, cardOf, textBlocks } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import type { LogLine } from '../support/harness';
import { recordHardeningRow, recordReliabilityRow } from '../support/reliability-rows';
import {
  FOR_AGENTS,
  NO_LONGER_AVAILABLE,
  OFFERED_TO_ANOTHER,
  customerIdOf,
  offersTo,
  testAgent,
  testCustomer,
  useReliabilityScene,
  type InvokeBody,
  type ReliabilityScene,
} from '../support/reliability-scene';
import { api, devSignIn, refusals } from '../web/agent-api-support';

const alex = testAgent('Alex');
const CASE_NOT_ALLOWED = 'Open a case on a conversation you are working on or have worked on.';
const bea = testAgent('Bea');

/** Tallies for the report row: every hostile attempt, and those refused with a log line and nothing changed. */
const tally = { attempts: 0, refused: 0 };

afterAll(() => {
  recordReliabilityRow({
    scenario: '4. authority',
    load: `${tally.attempts} hostile actions (chat, tab API, Bot Framework tokens)`,
    faults:
      'customer card actions, cross-agent actions, replays, forged/expired tab tokens, missing/forged JWT',
    sent: tally.attempts,
    delivered: tally.refused,
    lost: tally.attempts - tally.refused,
    duplicated: 0,
    note: 'delivered = refused, logged, store unchanged; lost = refused but not logged, or store changed',
  });
});

function linesSince(scene: ReliabilityScene, mark: number): LogLine[] {
  return scene.desk.lines.slice(mark);
}

describe('in anonymous mode (Emulator customers, Teams agents)', () => {
  const kim = testCustomer('kim');
  const lou = testCustomer('lou');
  const max = testCustomer('max');
  const scene = useReliabilityScene([alex, bea]);
  let kimItem: string;
  let louItem: string;
  let maxItem: string;
  let maxOffer: RecordedCall;
  let kimAccept: ActivityJson;
  let guarded: string[];

  /** Runs `attempt` and expects the guarded documents to be exactly as before (eTags included). */
  async function unchanged(attempt: () => Promise<void>): Promise<void> {
    const before = await scene.snapshot(guarded);
    const queueBefore = await scene.queue();
    await attempt();
    await scene.settle();
    expect(await scene.snapshot(guarded)).toEqual(before);
    expect(await scene.queue()).toEqual(queueBefore);
  }

  async function invokeAs(agent: TestAgent, verb: string, data: Record<string, unknown>, replyToId?: string) {
    const result = await scene.post(agentInvoke(scene.serviceUrl, agent, verb, data, replyToId));
    expect(result.status).toBe(200);
    return { texts: textBlocks((result.body as InvokeBody).value), calls: result.calls };
  }

  beforeAll(async () => {
    await scene.tell(alex, 'hi');
    await scene.tell(bea, 'hi');
    // Kim goes to Alex, Lou to Bea (the least loaded), and Max is offered to Alex and left pending.
    const kimQueued = await scene.say(kim, 'My parcel is late');
    const kimOffer = offersTo(kimQueued.calls, alex).at(-1)!;
    kimAccept = agentInvoke(
      scene.serviceUrl,
      alex,
      'accept',
      actionData(cardOf(kimOffer), 'accept'),
      kimOffer.activityId,
    );
    expect(textBlocks(((await scene.send(kimAccept)).body as InvokeBody).value)).toContain('Accepted');
    kimItem = actionData(cardOf(kimOffer), 'accept')['workItemId']!;
    louItem = await scene.activeSession(bea, lou, 'My invoice is wrong');
    const maxQueued = await scene.say(max, 'Can someone call me?');
    maxOffer = offersTo(maxQueued.calls, alex).at(-1)!;
    maxItem = actionData(cardOf(maxOffer), 'accept')['workItemId']!;
    guarded = [
      `agent/${alex.aadObjectId}`,
      `agent/${bea.aadObjectId}`,
      `workitem/${kimItem}`,
      `workitem/${louItem}`,
      `workitem/${maxItem}`,
      `customer/${customerIdOf(kim)}`,
      `customer/${customerIdOf(lou)}`,
      `card/${alex.aadObjectId}:panel`,
      `card/${bea.aadObjectId}:panel`,
    ];
  });

  it.each([
    [
      'an Action.Execute "end" on their own conversation',
      () => customerInvoke(scene.serviceUrl, kim, 'end', { sessionId: kimItem }),
    ],
    [
      'an Action.Execute "accept" of an offer made to Alex',
      () => customerInvoke(scene.serviceUrl, kim, 'accept', actionData(cardOf(maxOffer), 'accept')),
    ],
    [
      'an invoke that is not a card action',
      () => ({ ...customerInvoke(scene.serviceUrl, kim, 'x', {}), name: 'task/fetch' }),
    ],
  ])('a customer posting %s gets the agents-only card; logged; nothing changes', async (_what, build) => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    await unchanged(async () => {
      const result = await scene.post(build());
      expect(result.status).toBe(200);
      expect(textBlocks((result.body as InvokeBody).value)).toContain(FOR_AGENTS);
      expect(result.calls).toEqual([]);
    });
    expect(linesSince(scene, mark)).toContainEqual(
      expect.objectContaining({ msg: 'card action from a customer refused', customerId: customerIdOf(kim) }),
    );
    tally.refused += 1;
  });

  it('a customer submitting card data (Action.Submit) is answered with the agents-only card; logged; nothing changes', async () => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    await unchanged(async () => {
      const result = await scene.post({
        ...customerMessage(scene.serviceUrl, kim, ''),
        value: { verb: 'end', sessionId: kimItem },
      });
      expect(result.status).toBe(200);
      expect(result.calls.map((call) => textBlocks(cardOf(call)))).toEqual([
        expect.arrayContaining([FOR_AGENTS]),
      ]);
    });
    expect(linesSince(scene, mark)).toContainEqual(
      expect.objectContaining({ msg: 'card submit from a customer refused', customerId: customerIdOf(kim) }),
    );
    tally.refused += 1;
  });

  it.each([
    ['end', () => ({ sessionId: kimItem }), 'gone'],
    ['close', () => ({ sessionId: kimItem }), 'gone'],
    ['closeConfirm', () => ({ sessionId: kimItem }), 'gone'],
    ['reply', () => ({ sessionId: kimItem, text: 'Hi Kim, Bea here' }), 'gone'],
    ['open', () => ({ workItemId: kimItem }), 'gone'],
    ['focus', () => ({ sessionId: kimItem }), 'not hers'],
    ['kbSearch', () => ({ sessionId: kimItem, query: 'parcel' }), 'not hers'],
    ['quickReply', () => ({ sessionId: kimItem, quickReplyId: 'greeting' }), 'gone'],
    // Transfer and accept/reject of a transfer offer are pressed by every kind of stranger in authority-teamwork.
    ['note', () => ({ sessionId: kimItem, text: 'Bea was here' }), 'gone'],
  ])(
    "Bea pressing %s on Alex's conversation is refused with a card; logged; nothing changes",
    async (verb, data, why) => {
      tally.attempts += 1;
      const mark = scene.desk.lines.length;
      await unchanged(async () => {
        const { texts, calls } = await invokeAs(bea, verb, data());
        expect(texts).toContain(why === 'gone' ? NO_LONGER_AVAILABLE : `There is no session "${kimItem}".`);
        expect(calls.filter((call) => call.conversationId === kim.conversationId)).toEqual([]);
      });
      expect(linesSince(scene, mark)).toContainEqual(
        expect.objectContaining({ msg: 'agent action refused', agentId: bea.aadObjectId }),
      );
      tally.refused += 1;
    },
  );

  it("Bea pressing Accept on Max's offer (made to Alex) is refused; logged; nothing changes", async () => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    await unchanged(async () => {
      const { texts } = await invokeAs(
        bea,
        'accept',
        actionData(cardOf(maxOffer), 'accept'),
        maxOffer.activityId,
      );
      expect(texts).toContain(OFFERED_TO_ANOTHER);
    });
    expect(linesSince(scene, mark)).toContainEqual(
      expect.objectContaining({
        msg: 'accept refused',
        agentId: bea.aadObjectId,
        reason: OFFERED_TO_ANOTHER,
      }),
    );
    tally.refused += 1;
  });

  it("Bea pressing Reject on Max's offer (made to Alex) is refused; logged; nothing changes", async () => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    await unchanged(async () => {
      const { texts } = await invokeAs(
        bea,
        'reject',
        actionData(cardOf(maxOffer), 'accept'),
        maxOffer.activityId,
      );
      expect(texts).toContain(OFFERED_TO_ANOTHER);
    });
    expect(linesSince(scene, mark)).toContainEqual(
      expect.objectContaining({ agentId: bea.aadObjectId, msg: expect.stringMatching(/refused/) }),
    );
    tally.refused += 1;
  });

  it("Bea, through the workspace tab API, cannot read, draft on, end or open a case on Alex's conversation; logged; nothing changes", async () => {
    tally.attempts += 4;
    const token = await devSignIn(scene.app.baseUrl, bea.aadObjectId);
    const mark = scene.desk.lines.length;
    await unchanged(async () => {
      const read = await api(scene.app.baseUrl, 'GET', `/api/agent/sessions/${kimItem}`, { token });
      expect(read.status).toBe(404);
      const draft = await api(scene.app.baseUrl, 'PUT', `/api/agent/sessions/${kimItem}/draft`, {
        token,
        body: { reply: 'sneaky' },
      });
      expect(draft.status).toBe(404);
      for (const [body, refusal] of [
        [{ verb: 'end', sessionId: kimItem }, NO_LONGER_AVAILABLE],
        [{ verb: 'openCase', workItemId: kimItem }, CASE_NOT_ALLOWED],
      ] as const) {
        const answer = await api<{ view: { text?: string } }>(
          scene.app.baseUrl,
          'POST',
          '/api/agent/actions',
          {
            token,
            body,
          },
        );
        expect(answer.status).toBe(200);
        expect(answer.body.view.text).toBe(refusal);
      }
    });
    const lines = linesSince(scene, mark);
    expect(lines.filter((line) => line.msg === 'agent action refused')).toEqual([
      expect.objectContaining({ agentId: bea.aadObjectId, action: 'draft' }),
      expect.objectContaining({ agentId: bea.aadObjectId, action: 'end' }),
      expect.objectContaining({ agentId: bea.aadObjectId, action: 'openCase' }),
    ]);
    // The two 404s are logged by the API itself too, with the route asked for.
    expect(refusals(lines)).toEqual([
      expect.objectContaining({
        msg: 'agent api refused: no such session',
        agentId: bea.aadObjectId,
        sessionId: kimItem,
        route: `/api/agent/sessions/${kimItem}`,
        method: 'GET',
        status: 404,
      }),
      expect.objectContaining({
        msg: 'agent api refused: no such session',
        agentId: bea.aadObjectId,
        sessionId: kimItem,
        route: `/api/agent/sessions/${kimItem}/draft`,
        method: 'PUT',
        status: 404,
      }),
    ]);
    tally.refused += 4;
  });

  it('a replayed Accept (the very same activity, posted again) is no longer available; logged; nothing changes', async () => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    await unchanged(async () => {
      const again = await scene.post(kimAccept);
      expect(again.status).toBe(200);
      expect(textBlocks((again.body as InvokeBody).value)).toContain(NO_LONGER_AVAILABLE);
      expect(again.calls.filter((call) => call.conversationId === kim.conversationId)).toEqual([]);
    });
    expect(linesSince(scene, mark)).toContainEqual(
      expect.objectContaining({
        msg: 'accept refused',
        agentId: alex.aadObjectId,
        reason: NO_LONGER_AVAILABLE,
      }),
    );
    expect(
      (await scene.agentDoc(alex))?.panel.sessions.filter((session) => session.id === kimItem),
    ).toHaveLength(1);
    tally.refused += 1;
  });

  it('after Bea ends her conversation and finishes its wrap-up, replaying end, closeConfirm and reply is refused as no longer available; logged; nothing changes', async () => {
    const ended = await scene.press(bea, 'end', { sessionId: louItem });
    expect(ended.texts.join(' ')).toMatch(/ended/);
    const finished = await scene.press(bea, 'wrapUp', { sessionId: louItem, outcome: 'Resolved' });
    expect(finished.texts).toEqual(['Visitor 2 closed', 'Outcome: Resolved.']);
    for (const [verb, data] of [
      ['end', { sessionId: louItem }],
      ['closeConfirm', { sessionId: louItem }],
      ['reply', { sessionId: louItem, text: 'One more thing' }],
    ] as const) {
      tally.attempts += 1;
      const mark = scene.desk.lines.length;
      await unchanged(async () => {
        const { texts, calls } = await invokeAs(bea, verb, data);
        expect(texts).toContain(NO_LONGER_AVAILABLE);
        expect(calls.filter((call) => call.conversationId === lou.conversationId)).toEqual([]);
      });
      expect(linesSince(scene, mark)).toContainEqual(
        expect.objectContaining({
          msg: 'agent action refused',
          agentId: bea.aadObjectId,
          reason: 'no-longer-available',
        }),
      );
      tally.refused += 1;
    }
    expect((await scene.workItem(louItem))?.item.state).toBe('closed');
  });

  it('the workspace tab API refuses a forged token and an expired one with 401; logged; nothing changes', async () => {
    const token = await devSignIn(scene.app.baseUrl, bea.aadObjectId);
    const [head, body, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const asAlex = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: alex.aadObjectId })).toString('base64url')}.${signature}`;
    const otherSecret = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('relaydesk-dev-sign-in')
      .setAudience('relaydesk-agent-api')
      .setSubject(alex.aadObjectId)
      .setExpirationTime(Math.floor(scene.desk.clock.now() / 1000) + 600)
      .sign(new Uint8Array(32).fill(3));
    for (const [forged, reason] of [
      [asAlex, 'bad signature'],
      [otherSecret, 'bad signature'],
    ] as const) {
      tally.attempts += 1;
      const mark = scene.desk.lines.length;
      await unchanged(async () => {
        const answer = await api(scene.app.baseUrl, 'POST', '/api/agent/actions', {
          token: forged,
          body: { verb: 'end', sessionId: kimItem },
        });
        expect(answer.status).toBe(401);
      });
      expect(refusals(linesSince(scene, mark))).toEqual([expect.objectContaining({ reason })]);
      tally.refused += 1;
    }

    tally.attempts += 1;
    const alexToken = await devSignIn(scene.app.baseUrl, alex.aadObjectId);
    scene.desk.clock.advance(3601_000);
    const mark = scene.desk.lines.length;
    await unchanged(async () => {
      const answer = await api(scene.app.baseUrl, 'POST', '/api/agent/actions', {
        token: alexToken,
        body: { verb: 'end', sessionId: kimItem },
      });
      expect(answer.status).toBe(401);
    });
    expect(refusals(linesSince(scene, mark))).toEqual([expect.objectContaining({ reason: 'expired' })]);
    tally.refused += 1;
  });

  it('logged no error', () => {
    expect(scene.errors()).toEqual([]);
  });
});

describe('with MicrosoftAppId set: POST /api/messages without a token or with a forged one', () => {
  const APP_ID = 'relaydesk-reliability-app';
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const webUser = testCustomer('jwt-web', 'webchat');
  const scene = useReliabilityScene([alex], {
    env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret' },
    // Key lookup goes to the fake connector instead of login.botframework.com, which is unreachable here.
    start: (connector) => ({ openIdMetadataUrl: connector.openIdMetadataUrl }),
  });

  beforeAll(() => {
    scene.connector.setSigningKeys([
      { ...keys.publicKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig' },
    ]);
  });

  function channelToken(privateKey: KeyObject, claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const head = part({ alg: 'RS256', typ: 'JWT', kid: 'test-key' });
    const body = part({
      iss: 'https://api.botframework.com',
      aud: APP_ID,
      nbf: now - 60,
      exp: now + 3600,
      serviceurl: scene.connector.serviceUrl,
      ...claims,
    });
    return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
  }

  const storedFor = async () =>
    scene.snapshot([
      `customer/${customerIdOf(webUser)}`,
      `reference/customer:${customerIdOf(webUser)}`,
      `agent/${alex.aadObjectId}`,
      'queue/default',
    ]);

  it('refuses a message without an Authorization header with 401 before any key lookup; logged; nothing stored', async () => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    const before = await storedFor();
    const result = await postActivity(
      scene.app.url,
      customerMessage(scene.connector.serviceUrl, webUser, 'hello'),
    );
    expect(result.status).toBe(401);
    expect(scene.connector.openIdRequests).toBe(0);
    expect(await storedFor()).toEqual(before);
    expect(Object.values(before).every((value) => value === null)).toBe(true);
    expect(linesSince(scene, mark)).toContainEqual(
      expect.objectContaining({
        msg: 'request refused: not authenticated',
        reason: 'the Authorization header is missing',
      }),
    );
    tally.refused += 1;
  });

  async function postWithToken(
    token: string,
    activity = customerMessage(scene.connector.serviceUrl, webUser, 'hello, let me in'),
  ) {
    // botbuilder reports these refusals on the console itself.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const callsBefore = scene.connector.calls.length;
    const before = await storedFor();
    try {
      const result = await postActivity(scene.app.url, activity, { authorization: `Bearer ${token}` });
      expect(result.status).toBe(401);
    } finally {
      quiet.mockRestore();
    }
    expect(await storedFor()).toEqual(before);
    expect(scene.connector.calls.length).toBe(callsBefore);
  }

  it('refuses a forged token (signed with a key the metadata does not list) with 401; logged; nothing stored or sent', async () => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    await postWithToken(channelToken(stranger));
    expect(linesSince(scene, mark)).toContainEqual(expect.objectContaining({ msg: 'token refused' }));
    tally.refused += 1;
  });

  it.each([
    ['issued for another bot', () => channelToken(keys.privateKey, { aud: 'another-bot' }), /Invalid AppId/],
    [
      'expired an hour ago',
      () => channelToken(keys.privateKey, { exp: Math.floor(Date.now() / 1000) - 3600 }),
      /expired/,
    ],
  ])('refuses a token %s with 401; logged; nothing stored or sent', async (_what, token, reason) => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    const activity = customerMessage(scene.connector.serviceUrl, webUser, 'hello, let me in');
    const bearer = token();
    await postWithToken(bearer, activity);
    const refused = linesSince(scene, mark).filter((line) => /refused/.test(line.msg));
    expect(refused).toEqual([
      expect.objectContaining({
        msg: 'token refused',
        reason: expect.stringMatching(reason),
        activityId: activity.id,
        conversationId: webUser.conversationId,
      }),
    ]);
    expect(JSON.stringify(refused)).not.toContain(bearer.split('.')[2]);
    tally.refused += 1;
  });

  it('an agent message without a token is refused the same way', async () => {
    tally.attempts += 1;
    const mark = scene.desk.lines.length;
    const result = await postActivity(scene.app.url, agentMessage(scene.connector.serviceUrl, alex, 'end'));
    expect(result.status).toBe(401);
    expect(await scene.agentDoc(alex)).toBeUndefined();
    expect(linesSince(scene, mark)).toContainEqual(
      expect.objectContaining({ msg: 'request refused: not authenticated' }),
    );
    tally.refused += 1;
  });

  it('a valid token on web chat with from.aadObjectId set to an agent’s id stays a customer: no panel, the agent’s reference untouched', async () => {
    const token = channelToken(keys.privateKey);
    const asAlex = await postActivity(
      scene.app.url,
      agentMessage(scene.connector.serviceUrl, alex, 'sessions'),
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(asAlex.status).toBe(200);
    const agentReference = `reference/agent:${alex.aadObjectId}`;
    const before = await scene.snapshot([agentReference]);
    const panelBefore = (await scene.agentDoc(alex))?.panel;
    expect(before[agentReference]).toMatchObject({
      reference: { conversation: { id: alex.conversationId } },
    });

    const impostor = testCustomer('aad-impostor', 'webchat');
    const forged = {
      ...customerMessage(scene.connector.serviceUrl, impostor, 'sessions'),
      from: { id: impostor.userId, name: alex.name, aadObjectId: alex.aadObjectId },
    };
    const result = await postActivity(scene.app.url, forged, { authorization: `Bearer ${token}` });
    expect(result.status).toBe(200);
    // Sends need a Bot Framework access token, which cannot be fetched here: what the desk decided is in the store.
    const customer = await scene.customerDoc(impostor);
    expect(customer).toMatchObject({ id: customerIdOf(impostor), channelId: 'webchat' });
    expect((await scene.queue()).map((entry) => entry.workItemId)).toContain(customer?.latestWorkItemId);
    expect(await scene.snapshot([agentReference])).toEqual(before);
    // The impostor is queued and offered to Alex like any customer; Alex's panel and sessions are as they were.
    expect((await scene.agentDoc(alex))?.panel).toEqual(panelBefore);
    recordHardeningRow({
      finding: '5. from.aadObjectId of an agent on web chat, with a valid token',
      attempts: 1,
      refused: 1,
      lost: 0,
      alive: (await fetch(`${scene.app.baseUrl}/healthz`)).status === 200,
      note: 'classified as a customer (queued), the agent’s document (panel) and conversation reference unchanged',
    });
  });
});
