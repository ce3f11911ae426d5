/**
 * The supervisor's routes under attack: Sam is a supervisor who takes no work, Alex and Bea agents taking one
 * conversation at a time. Alex holds Kim's conversation, Lou's waits in the queue (Bea is away). Requests without a
 * token, with a forged one, with broken or hostile bodies, with ids nobody has, for a conversation already closed,
 * or sent twice at once are each answered with a status and a JSON `{code, message}`, logged with the ids, and
 * change nothing they must not; the desk answers afterwards. The sweeper's clock is fake.
 */
import type { TestAgent, TestCustomer } from '../support/activities';
import { readStored } from '../support/desk-tables';
import { faultSwitch } from '../support/failing-storage';
import { alex, bea, QUEUED, samSupervisor } from '../support/fixtures';
import { acceptLatestOffer } from '../support/offers';
import { rawRequest } from '../support/raw-http';
import { seededRandom } from '../support/seeded-random';
import { saidTo, useTeamworkDesk } from '../support/teamwork-desk';
import { cardOf, textBlocks, textOf } from '../support/cards';
import type { RecordedCall } from '../support/fake-connector';
import { api, devSignIn, type ApiAnswer, signedInTokens } from '../web/agent-api-support';

const sam = samSupervisor;
const kim: TestCustomer = { userId: 'hostile-sup-visitor-1', conversationId: 'conv-hostile-sup-1' };
const lou: TestCustomer = { userId: 'hostile-sup-visitor-2', conversationId: 'conv-hostile-sup-2' };
const max: TestCustomer = { userId: 'hostile-sup-visitor-3', conversationId: 'conv-hostile-sup-3' };

const ACTIONS = '/api/supervisor/actions';
const FLOOR = '/api/supervisor/floor';
const CSV = '/api/supervisor/conversations.csv';

describe('hostile requests to the supervisor routes', () => {
  const team = useTeamworkDesk([alex, bea], {
    AGENT_CAPACITY: '1',
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  let kimItem = '';
  let louItem = '';

  const tokenOf = signedInTokens(() => team.desk.app.baseUrl);
  const actAs = async (agent: TestAgent, body: unknown): Promise<ApiAnswer<Record<string, unknown>>> =>
    api(team.desk.app.baseUrl, 'POST', ACTIONS, { token: await tokenOf(agent), body });
  const getAs = async (agent: TestAgent, path: string) =>
    api<Record<string, unknown>>(team.desk.app.baseUrl, 'GET', path, { token: await tokenOf(agent) });
  /** Everything an action could change: both conversations with their transcripts, the queue, the three staff. */
  const stored = () =>
    readStored({ database: team.desk.app.database }, [
      `workitem/${kimItem}`,
      `workitem/${louItem}`,
      'queue/default',
      `agent/${alex.aadObjectId}`,
      `agent/${bea.aadObjectId}`,
      `agent/${sam.aadObjectId}`,
    ]);
  const logged = (msg: string) => team.desk.lines.filter((line) => line.msg === msg);
  const expectJsonError = (answer: ApiAnswer<Record<string, unknown>>, status: number) => {
    expect([answer.status, typeof answer.body?.['code'], typeof answer.body?.['message']]).toEqual([
      status,
      'string',
      'string',
    ]);
  };
  const expectStillServing = async () => {
    expect((await getAs(sam, FLOOR)).status).toBe(200);
  };

  it('starts with Alex holding Kim, Lou queued, Bea away and Sam signed in', async () => {
    for (const agent of [alex, bea, sam]) await team.tell(agent, 'hi');
    await team.tell(bea, 'presence away');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    expect(
      saidTo((await team.say(lou, 'Where is my refund?')).calls, lou.conversationId).map(textOf),
    ).toEqual([QUEUED]);
    louItem = (await team.tables().queue.get('default')).entries.at(-1)!.workItemId;
    await tokenOf(sam);
    await tokenOf(alex);
  });

  it('answers 401 JSON without a token or with a forged one, on every supervisor route, and changes nothing', async () => {
    const before = await stored();
    const mark = logged('agent api refused: not authenticated').length;
    const forged = `${(await tokenOf(sam)).slice(0, -4)}AAAA`;
    const requests: Array<[string, string, Record<string, string>]> = [
      ['POST', ACTIONS, {}],
      ['GET', FLOOR, {}],
      ['GET', `${CSV}?from=2026-01-01&to=2026-01-31`, {}],
      ['GET', `/api/supervisor/conversations/${kimItem}/transcript.txt`, {}],
      ['POST', ACTIONS, { authorization: `Bearer ${forged}` }],
      ['POST', ACTIONS, { authorization: 'Basic c2FtOnNhbQ==' }],
      ['POST', ACTIONS, { authorization: `Bearer ${'x'.repeat(8000)}` }],
    ];
    for (const [method, path, headers] of requests) {
      const answer = await api<Record<string, unknown>>(team.desk.app.baseUrl, method, path, {
        headers,
        ...(method === 'POST' ? { body: { verb: 'forceClose', workItemId: kimItem } } : {}),
      });
      expectJsonError(answer, 401);
    }
    expect(logged('agent api refused: not authenticated').length - mark).toBeGreaterThanOrEqual(4);
    expect(await stored()).toEqual(before);
    await expectStillServing();
  });

  it('answers 403 to an agent who is not a supervisor even with a hostile body, and changes nothing', async () => {
    const before = await stored();
    const mark = logged('supervisor api refused: not a supervisor').length;
    for (const body of [[], 'null', { verb: 'forceClose', workItemId: 'x'.repeat(10_240) }]) {
      expectJsonError(await actAs(alex, body), 403);
    }
    // A body that is no JSON is refused by the body parser, before anyone is signed in.
    expectJsonError(await actAs(alex, '{"verb":'), 400);
    expectJsonError(await getAs(alex, `${CSV}?from=0000-01-01&to=99999-01-01`), 403);
    const refusals = logged('supervisor api refused: not a supervisor').slice(mark);
    expect(refusals).toHaveLength(4);
    expect(refusals.at(-1)).toMatchObject({ agentId: alex.aadObjectId, route: CSV });
    expect(await stored()).toEqual(before);
  });

  it.each<[string, unknown]>([
    ['JSON cut off', '{"verb":"forceClose","workItemId":'],
    ['JSON null', 'null'],
    ['a JSON string', '"forceClose"'],
    ['a JSON number', '42'],
    ['an array instead of an object', []],
    ['an array of actions', [{ verb: 'forceClose', workItemId: 'x' }]],
    ['no verb', { workItemId: 'x' }],
    ['a verb it does not know', { verb: 'delete', workItemId: 'x' }],
    ['a verb in capitals', { verb: 'FORCECLOSE', workItemId: 'x' }],
    ['a verb from the prototype', { verb: '__proto__', workItemId: 'x' }],
    ['an id that is a number', { verb: 'forceClose', workItemId: 42 }],
    ['an id that is an array', { verb: 'monitor', workItemId: ['x'] }],
    ['an id that is a query object', { verb: 'join', workItemId: { $ne: '' } }],
    ['an id of blanks', { verb: 'stopMonitor', workItemId: ' \t ' }],
    ['an id 10 KB long', { verb: 'forceClose', workItemId: 'k'.repeat(10_240) }],
    ['an agent id 10 KB long', { verb: 'assign', workItemId: 'x', agentId: 'a'.repeat(10_240) }],
    ['overCapacity as a string', { verb: 'assign', workItemId: 'x', agentId: 'y', overCapacity: 'true' }],
    ['overCapacity as a number', { verb: 'assign', workItemId: 'x', agentId: 'y', overCapacity: 1 }],
    ['a field it does not know', { verb: 'forceClose', workItemId: 'x', force: true }],
    [
      'a transfer to an agent and the queue',
      { verb: 'transfer', workItemId: 'x', toAgentId: 'y', toQueue: true },
    ],
    ['a transfer to nowhere', { verb: 'transfer', workItemId: 'x' }],
    ['a transfer with toQueue false', { verb: 'transfer', workItemId: 'x', toQueue: false }],
    ['a __proto__ key', '{"verb":"forceClose","workItemId":"x","__proto__":{"admin":true}}'],
  ])('answers 400 JSON to %s from a supervisor, and changes nothing', async (_name, body) => {
    const before = await stored();
    const answer = await actAs(sam, body);
    expectJsonError(answer, 400);
    expect(await stored()).toEqual(before);
  });

  it('logs a malformed action with the supervisor and the reason, and a broken body with its route', async () => {
    const mark = team.desk.lines.length;
    await actAs(sam, { verb: 'assign', workItemId: louItem, agentId: bea.aadObjectId, overCapacity: 'yes' });
    await actAs(sam, '{"verb":');
    const lines = team.desk.lines.slice(mark);
    expect(lines.find((line) => line.msg === 'malformed supervisor action')).toMatchObject({
      agentId: sam.aadObjectId,
      reason: expect.stringContaining('overCapacity'),
    });
    expect(lines.find((line) => line.msg === 'request refused')).toMatchObject({
      path: ACTIONS,
      statusCode: 400,
    });
  });

  it('answers 400 to a body that is not JSON at all, or JSON sent as text', async () => {
    const before = await stored();
    const url = `${team.desk.app.baseUrl}${ACTIONS}`;
    const authorization = `Bearer ${await tokenOf(sam)}`;
    for (const [contentType, body] of [
      ['text/plain', `{"verb":"forceClose","workItemId":"${kimItem}"}`],
      ['application/x-www-form-urlencoded', `verb=forceClose&workItemId=${kimItem}`],
      ['application/json', ''],
      ['application/json', '\u0000\u0001\u0002'],
    ] as const) {
      const answer = await rawRequest(url, {
        headers: { authorization, 'content-type': contentType },
        body,
      });
      expect([contentType, body, answer.status]).toEqual([contentType, body, 400]);
      expect(JSON.parse(answer.text)).toMatchObject({ message: expect.any(String) });
    }
    expect(await stored()).toEqual(before);
  });

  it.each<[string, (ids: { kim: string; lou: string }) => Record<string, unknown>]>([
    ['Force close of an unknown conversation', () => ({ verb: 'forceClose', workItemId: 'no-such-item' })],
    [
      'Monitor of an id with control and bidi characters',
      () => ({ verb: 'monitor', workItemId: '\u0000\u202e💥' }),
    ],
    ['Join of an unknown conversation', () => ({ verb: 'join', workItemId: 'wi-' + '9'.repeat(190) })],
    [
      'Stop monitoring a conversation never monitored',
      ({ kim: id }) => ({ verb: 'stopMonitor', workItemId: id }),
    ],
    [
      'Assign to an unknown agent',
      ({ lou: id }) => ({ verb: 'assign', workItemId: id, agentId: 'aad-nobody' }),
    ],
    [
      'Assign to a supervisor who takes no work',
      ({ lou: id }) => ({ verb: 'assign', workItemId: id, agentId: sam.aadObjectId }),
    ],
    [
      'Assign of an Active conversation',
      ({ kim: id }) => ({ verb: 'assign', workItemId: id, agentId: bea.aadObjectId }),
    ],
    [
      'Transfer to an unknown agent',
      ({ kim: id }) => ({ verb: 'transfer', workItemId: id, toAgentId: 'aad-nobody' }),
    ],
    [
      'Transfer to the agent who holds it',
      ({ kim: id }) => ({ verb: 'transfer', workItemId: id, toAgentId: alex.aadObjectId }),
    ],
    [
      'Transfer to a supervisor who takes no work',
      ({ kim: id }) => ({ verb: 'transfer', workItemId: id, toAgentId: sam.aadObjectId }),
    ],
    [
      'Assign to an agent named by their Teams user id instead of their key',
      ({ lou: id }) => ({ verb: 'assign', workItemId: id, agentId: bea.userId }),
    ],
    [
      'Transfer of an unknown conversation',
      () => ({ verb: 'transfer', workItemId: 'no-such-item', toQueue: true }),
    ],
  ])('refuses %s with 409 JSON, logged with the ids, and changes nothing', async (_name, bodyOf) => {
    const body = bodyOf({ kim: kimItem, lou: louItem });
    const before = await stored();
    const mark = logged('supervisor action refused').length;
    const answer = await actAs(sam, body);
    expectJsonError(answer, 409);
    expect(logged('supervisor action refused').slice(mark)).toEqual([
      expect.objectContaining({
        supervisorId: sam.aadObjectId,
        verb: body['verb'],
        workItemId: body['workItemId'],
        reason: answer.body['code'],
      }),
    ]);
    expect(await stored()).toEqual(before);
  });

  it.each<[string, string]>([
    ['a state it does not know', '?state=closed'],
    ['a state in capitals', '?state=OPEN'],
    ['a state as an array', '?state[]=open'],
    ['an agent id 10 KB long', `?agent=${'a'.repeat(10_240)}`],
    ['an empty agent id', '?agent='],
    ['a filter it does not know', '?state=open&drop=1'],
    ['a prototype key', '?__proto__=x'],
  ])('answers 400 JSON to a floor read with %s, and logs it with the supervisor', async (_name, query) => {
    const mark = logged('floor read refused: malformed filter').length;
    expectJsonError(await getAs(sam, `${FLOOR}${query}`), 400);
    expect(logged('floor read refused: malformed filter').slice(mark)).toEqual([
      expect.objectContaining({ supervisorId: sam.aadObjectId, reason: expect.any(String) }),
    ]);
  });

  it.each<[string, string]>([
    ['no range', ''],
    ['only a start', '?from=2026-01-01'],
    ['a reversed range', '?from=2026-01-31&to=2026-01-01'],
    ['year 99999', '?from=2026-01-01&to=99999-01-01'],
    ['a ten-year span', '?from=2016-01-01&to=2026-01-01'],
    ['a day that does not exist', '?from=2026-02-30&to=2026-03-01'],
    ['a day without its zeros', '?from=2026-1-5&to=2026-01-06'],
    ['a time of day', '?from=2026-01-05T00:00:00Z&to=2026-01-06'],
    ['a signed year', '?from=%2B02026-01-05&to=2026-01-06'],
    ['a number of milliseconds', '?from=0&to=1767225600000'],
    ['a parameter it does not know', '?from=2026-01-01&to=2026-01-02&limit=1'],
    ['a start with control characters', '?from=2026-01-01%00&to=2026-01-02'],
  ])('answers 400 JSON to the CSV export with %s, sends no file, and logs it', async (_name, query) => {
    const mark = logged('conversations export refused: malformed range').length;
    const answer = await getAs(sam, `${CSV}${query}`);
    expectJsonError(answer, 400);
    expect(answer.headers.get('content-disposition')).toBeNull();
    expect(logged('conversations export refused: malformed range').slice(mark)).toEqual([
      expect.objectContaining({ supervisorId: sam.aadObjectId, reason: expect.any(String) }),
    ]);
  });

  it('exports year 0 and the last day of year 9999 as empty files, not an error', async () => {
    for (const query of ['?from=0000-01-01&to=0000-01-02', '?from=9999-12-31&to=9999-12-31']) {
      const answer = await api<string>(team.desk.app.baseUrl, 'GET', `${CSV}${query}`, {
        token: await tokenOf(sam),
      });
      expect(answer.status).toBe(200);
      expect(answer.body.trim().split('\r\n')).toHaveLength(1);
    }
  });

  it('answers 404 JSON to a transcript export with an id 10 KB long, unknown or hostile', async () => {
    // The router takes path parameters of up to 100 characters: a longer id matches no route at all.
    const mark = team.desk.lines.length;
    const long = await getAs(sam, `/api/supervisor/conversations/${'k'.repeat(10_240)}/transcript.txt`);
    expectJsonError(long, 404);
    expect(team.desk.lines.slice(mark)).toEqual([
      expect.objectContaining({ msg: 'request refused', statusCode: 404 }),
    ]);
    for (const id of ['no-such-item', encodeURIComponent('\u0000\u202e💥'), '..%2F..%2Fetc%2Fpasswd']) {
      expectJsonError(await getAs(sam, `/api/supervisor/conversations/${id}/transcript.txt`), 404);
    }
  });

  it('answers 4xx JSON to paths and queries with broken percent-encoding', async () => {
    const authorization = `Bearer ${await tokenOf(sam)}`;
    for (const [path, status] of [
      ['/api/supervisor/conversations/%E0%A4%A/transcript.txt', 404],
      ['/api/supervisor/conversations/%/transcript.txt', 404],
      ['/api/supervisor/%E0%A4%A', 404],
      [`${FLOOR}?state=%E0%A4%A`, 400],
      [`${CSV}?from=%&to=%ZZ`, 400],
    ] as const) {
      const answer = await rawRequest(`${team.desk.app.baseUrl}${path}`, {
        method: 'GET',
        headers: { authorization },
      });
      expect([path, answer.status]).toEqual([path, status]);
      expect(JSON.parse(answer.text)).toMatchObject({
        code: expect.any(String),
        message: expect.any(String),
      });
    }
    await expectStillServing();
  });

  it('refuses a JSON body nested 5,000 levels deep with 400 JSON on every route that reads one, and logs it', async () => {
    const authorization = `Bearer ${await tokenOf(sam)}`;
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const before = await stored();
    const mark = team.desk.lines.length;
    const requests = [
      ['POST', ACTIONS, `{"verb":"forceClose","workItemId":${deep}}`],
      ['POST', '/api/agent/actions', `{"verb":${deep}}`],
      ['PUT', `/api/agent/sessions/${kimItem}/draft`, `{"text":${deep}}`],
      ['POST', '/api/agent/quick-replies', `{"title":"a","text":${deep}}`],
      ['POST', '/api/agent/dev-sign-in', `{"agentId":${deep}}`],
      ['POST', '/v3/directline/conversations', deep],
      ['POST', '/webchat-connector/v3/conversations/x/activities', deep],
    ] as const;
    for (const [method, path, body] of requests) {
      const answer = await rawRequest(`${team.desk.app.baseUrl}${path}`, {
        method,
        headers: { authorization, 'content-type': 'application/json' },
        body,
      });
      expect([path, answer.status, JSON.parse(answer.text)]).toEqual([
        path,
        400,
        { code: 'BadRequest', message: 'The body nests deeper than 64 levels.' },
      ]);
    }
    const refusals = team.desk.lines.slice(mark).filter((line) => line.msg === 'request refused');
    expect(refusals.map((line) => line['path'])).toEqual(requests.map(([, path]) => path));
    expect(await stored()).toEqual(before);
    await expectStillServing();
  });

  it('takes the same Assign sent twice at once once: one offer, the other answered 409', async () => {
    const body = { verb: 'assign', workItemId: louItem, agentId: alex.aadObjectId, overCapacity: true };
    const answers = await Promise.all([actAs(sam, body), actAs(sam, body)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const offer = (await team.tables().queue.get('default')).entries.find(
      (entry) => entry.workItemId === louItem,
    )?.offer;
    expect(offer).toMatchObject({ agentId: alex.aadObjectId, assignedBy: sam.aadObjectId });
  });

  it('takes the same Monitor sent twice at once once: one monitoring session for Sam', async () => {
    const body = { verb: 'monitor', workItemId: kimItem };
    const answers = await Promise.all([actAs(sam, body), actAs(sam, body)]);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    const sessions = (await team.sessionsOf(sam)).filter((session) => session.id === kimItem);
    expect(sessions).toHaveLength(1);
  });

  it('takes the same Transfer to the queue sent twice at once once: Kim at the head of the queue once', async () => {
    const body = { verb: 'transfer', workItemId: kimItem, toQueue: true };
    const answers = await Promise.all([actAs(sam, body), actAs(sam, body)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const entries = (await team.tables().queue.get('default')).entries.filter(
      (entry) => entry.workItemId === kimItem,
    );
    expect(entries).toHaveLength(1);
    expect((await team.sessionsOf(alex)).map((session) => session.id)).not.toContain(kimItem);
  });

  it('takes the same Force close sent twice at once once, then refuses every verb on the closed conversation', async () => {
    const body = { verb: 'forceClose', workItemId: louItem };
    const answers = await Promise.all([actAs(sam, body), actAs(sam, body)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect((await team.tables().workItems.get(louItem))?.item.state).toBe('closed');
    const before = await stored();
    const mark = logged('supervisor action refused').length;
    const stale = [
      { verb: 'forceClose', workItemId: louItem },
      { verb: 'monitor', workItemId: louItem },
      { verb: 'join', workItemId: louItem },
      { verb: 'stopMonitor', workItemId: louItem },
      { verb: 'assign', workItemId: louItem, agentId: bea.aadObjectId, overCapacity: true },
      { verb: 'transfer', workItemId: louItem, toQueue: true },
      { verb: 'transfer', workItemId: louItem, toAgentId: bea.aadObjectId },
    ];
    for (const action of stale) expectJsonError(await actAs(sam, action), 409);
    expect(logged('supervisor action refused').slice(mark)).toHaveLength(stale.length);
    expect(await stored()).toEqual(before);
    await expectStillServing();
  });

  it('logged no error', () => {
    expect(team.desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe('supervisor actions raced against each other', () => {
  const team = useTeamworkDesk([alex, bea], {
    AGENT_CAPACITY: '1',
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  const SAM_JOINED = 'Sam Supervisor (supervisor) joined the conversation.';
  const WITHDRAWN = 'This request is no longer available.';
  let kimItem = '';
  let louItem = '';
  let token = '';

  const actAs = async (body: unknown) => {
    const answer = await api<Record<string, unknown>>(team.desk.app.baseUrl, 'POST', ACTIONS, {
      token,
      body,
    });
    return answer;
  };
  const both = async (first: unknown, second: unknown) => {
    const mark = team.connector.calls.length;
    const answers = await Promise.all([actAs(first), actAs(second)]);
    await team.desk.app.drainOutbox();
    return { statuses: answers.map((answer) => answer.status), calls: team.connector.calls.slice(mark) };
  };
  const one = async (body: unknown) => {
    const mark = team.connector.calls.length;
    const answer = await actAs(body);
    await team.desk.app.drainOutbox();
    return { status: answer.status, calls: team.connector.calls.slice(mark) };
  };
  const stateOf = async (workItemId: string) => (await team.tables().workItems.get(workItemId))?.item.state;
  const queued = async () =>
    (await team.tables().queue.get('default')).entries.map((entry) => entry.workItemId);

  it('starts with Alex holding Kim and Lou queued', async () => {
    for (const agent of [alex, bea, sam]) await team.tell(agent, 'hi');
    await team.tell(bea, 'presence away');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    await team.say(lou, 'Where is my refund?');
    louItem = (await queued()).at(-1)!;
    token = await devSignIn(team.desk.app.baseUrl, sam.aadObjectId);
  });

  it('a Join sent twice at once tells the customer and the agent once', async () => {
    const join = { verb: 'join', workItemId: kimItem };
    const raced = await both(join, join);
    expect(raced.statuses).toEqual([200, 200]);
    expect(saidTo(raced.calls, kim.conversationId).map(textOf)).toEqual([SAM_JOINED]);
    expect(
      saidTo(raced.calls, alex.conversationId).filter((call) =>
        JSON.stringify(call.activity).includes(SAM_JOINED),
      ),
    ).toHaveLength(1);
    expect((await team.sessionsOf(sam)).filter((session) => session.id === kimItem)).toHaveLength(1);
  });

  it('a Stop monitoring sent twice at once is taken once, the other refused with 409', async () => {
    const stop = { verb: 'stopMonitor', workItemId: kimItem };
    const raced = await both(stop, stop);
    expect([...raced.statuses].sort()).toEqual([200, 409]);
    expect((await team.sessionsOf(sam)).filter((session) => session.id === kimItem)).toEqual([]);
  });

  /** Bea's offer cards as they stand after `calls`: the texts of the last post or update of each. */
  const offerCardTexts = (calls: readonly RecordedCall[]) =>
    calls
      .filter((call) => call.conversationId === bea.conversationId)
      .map((call) => [call.kind, textBlocks(cardOf(call))]);

  it('a Force close of a queued conversation offered to Bea withdraws her offer card in place', async () => {
    const assigned = await one({
      verb: 'assign',
      workItemId: louItem,
      agentId: bea.aadObjectId,
      overCapacity: true,
    });
    expect(assigned.status).toBe(200);
    expect(offerCardTexts(assigned.calls)).toEqual([
      ['send', expect.arrayContaining(['Accept within 120 s'])],
    ]);
    const closed = await one({ verb: 'forceClose', workItemId: louItem });
    expect(closed.status).toBe(200);
    expect(await stateOf(louItem)).toBe('closed');
    expect(offerCardTexts(closed.calls)).toEqual([['update', expect.arrayContaining([WITHDRAWN])]]);
  });

  it('a Force close and an Assign of the same queued conversation at once leave it closed, out of the queue, with no live offer', async () => {
    await team.say(max, 'Anyone there?');
    const maxItem = (await queued()).at(-1)!;
    const raced = await both(
      { verb: 'assign', workItemId: maxItem, agentId: bea.aadObjectId, overCapacity: true },
      { verb: 'forceClose', workItemId: maxItem },
    );
    expect(raced.statuses.every((status) => status === 200 || status === 409)).toBe(true);
    expect(raced.statuses).toContain(200);
    expect(await stateOf(maxItem)).toBe('closed');
    expect(await queued()).not.toContain(maxItem);
    expect((await team.sessionsOf(bea)).map((session) => session.id)).not.toContain(maxItem);
    // Whichever came first, no card of Bea's is left showing Accept for it.
    const [, lastCard = []] = offerCardTexts(raced.calls).at(-1) ?? [];
    expect(lastCard).not.toContain('Accept within 120 s');
  });

  it('a Force close and a Transfer to the queue of the same Active conversation at once leave it closed, out of the queue and off Alex', async () => {
    const raced = await both(
      { verb: 'transfer', workItemId: kimItem, toQueue: true },
      { verb: 'forceClose', workItemId: kimItem },
    );
    expect(raced.statuses.every((status) => status === 200 || status === 409)).toBe(true);
    expect(raced.statuses).toContain(200);
    expect(await stateOf(kimItem)).toBe('closed');
    expect(await queued()).not.toContain(kimItem);
    expect((await team.sessionsOf(alex)).map((session) => session.id)).not.toContain(kimItem);
    expect(await api(team.desk.app.baseUrl, 'GET', FLOOR, { token })).toMatchObject({ status: 200 });
  });

  it('logged no error', () => {
    expect(team.desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe('supervisor routes while the store fails', () => {
  const team = useTeamworkDesk([alex], {
    AGENT_CAPACITY: '1',
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  let kimItem = '';
  let token = '';
  let store: ReturnType<typeof faultSwitch>;

  const call = (method: string, path: string, body?: unknown) =>
    api<Record<string, unknown>>(team.desk.app.baseUrl, method, path, {
      token,
      ...(body !== undefined ? { body } : {}),
    });
  const stored = () =>
    readStored({ database: team.desk.app.database }, [
      `workitem/${kimItem}`,
      'queue/default',
      `agent/${alex.aadObjectId}`,
      `agent/${sam.aadObjectId}`,
    ]);

  it('starts with Alex holding Kim and Sam signed in', async () => {
    for (const agent of [alex, sam]) await team.tell(agent, 'hi');
    await team.say(kim, 'My parcel is late');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    kimItem = (await team.sessionsOf(alex))[0]!.id;
    token = await devSignIn(team.desk.app.baseUrl, sam.aadObjectId);
    store = faultSwitch(team.desk.app.database);
  });

  it('answers every verb 503 JSON with Retry-After while writes fail, changes nothing, and logs each with its route', async () => {
    const before = await stored();
    const mark = team.desk.lines.length;
    const verbs = [
      { verb: 'monitor', workItemId: kimItem },
      { verb: 'join', workItemId: kimItem },
      { verb: 'transfer', workItemId: kimItem, toQueue: true },
      { verb: 'forceClose', workItemId: kimItem },
    ];
    store.set('writes');
    try {
      for (const body of verbs) {
        const answer = await call('POST', ACTIONS, body);
        expect([body.verb, answer.status, answer.body['code']]).toEqual([
          body.verb,
          503,
          'ServiceUnavailable',
        ]);
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    } finally {
      store.set('none');
    }
    expect(await stored()).toEqual(before);
    const failures = team.desk.lines
      .slice(mark)
      .filter((line) => line.msg === 'request failed: the store failed');
    expect(failures).toHaveLength(verbs.length);
    expect(failures[0]).toMatchObject({ path: ACTIONS, statusCode: 503 });
  });

  it('answers the floor, the CSV and a transcript 503 JSON while the store cannot be read, sending no file', async () => {
    store.set('reads-and-writes');
    try {
      for (const path of [
        FLOOR,
        `${CSV}?from=2026-01-01&to=2026-01-31`,
        `/api/supervisor/conversations/${kimItem}/transcript.txt`,
      ]) {
        const answer = await call('GET', path);
        expect([path, answer.status, answer.body?.['code']]).toEqual([path, 503, 'ServiceUnavailable']);
        expect(answer.headers.get('content-disposition')).toBeNull();
      }
    } finally {
      store.set('none');
    }
  });

  it('answers again once the store is back: the floor, and a Force close that now takes', async () => {
    store.restore();
    expect((await call('GET', FLOOR)).status).toBe(200);
    expect((await call('POST', ACTIONS, { verb: 'forceClose', workItemId: kimItem })).status).toBe(200);
    expect((await team.tables().workItems.get(kimItem))?.item.state).toBe('closed');
  });
});

describe('a burst of mixed supervisor actions (seeded)', () => {
  const team = useTeamworkDesk([alex, bea], {
    AGENT_CAPACITY: '2',
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  const SEED = 20261207;
  const ROUNDS = 8;
  const AT_ONCE = 6;
  const customers: TestCustomer[] = Array.from({ length: 4 }, (_, index) => ({
    userId: `hostile-burst-${index}`,
    conversationId: `conv-hostile-burst-${index}`,
  }));
  const items: string[] = [];
  let token = '';

  const act = (body: unknown) =>
    api<Record<string, unknown>>(team.desk.app.baseUrl, 'POST', ACTIONS, { token, body });

  /** Every conversation where the queue and the agents say it is, and nowhere else. */
  async function expectConsistent() {
    const queue = (await team.tables().queue.get('default')).entries.map((entry) => entry.workItemId);
    const held = new Map<string, string[]>();
    for (const agent of [alex, bea]) {
      for (const session of await team.sessionsOf(agent)) {
        if (session.supervising) continue;
        held.set(session.id, [...(held.get(session.id) ?? []), agent.aadObjectId]);
      }
    }
    for (const id of items) {
      const item = (await team.tables().workItems.get(id))!.item;
      const inQueue = queue.filter((queued) => queued === id).length;
      const holders = held.get(id) ?? [];
      const where = { id, state: item.state, inQueue, holders };
      if (item.state === 'open') expect(where).toEqual({ ...where, inQueue: 1, holders: [] });
      if (item.state === 'active') {
        expect(where).toEqual({ ...where, inQueue: 0, holders: [item.assignedAgentId] });
      }
      if (item.state === 'closed') expect(where).toEqual({ ...where, inQueue: 0, holders: [] });
    }
  }

  it('starts with two conversations Active and two queued', async () => {
    for (const agent of [alex, bea, sam]) await team.tell(agent, 'hi');
    for (const customer of customers) {
      await team.say(customer, 'Hello?');
      items.push((await team.tables().customers.get(`emulator:${customer.userId}`))!.latestWorkItemId!);
    }
    for (const agent of [alex, bea]) {
      expect((await acceptLatestOffer(team.desk.app.url, team.connector, agent)).status).toBe(200);
    }
    await team.tell(alex, 'presence away');
    await team.tell(bea, 'presence away');
    token = await devSignIn(team.desk.app.baseUrl, sam.aadObjectId);
    await expectConsistent();
  });

  it(`answers every action 200 or 409 and leaves each conversation in one place (${ROUNDS} rounds of ${AT_ONCE} at once, seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!;
    const agents = [alex.aadObjectId, bea.aadObjectId];
    const bodies = [
      (id: string) => ({ verb: 'monitor', workItemId: id }),
      (id: string) => ({ verb: 'join', workItemId: id }),
      (id: string) => ({ verb: 'stopMonitor', workItemId: id }),
      (id: string) => ({ verb: 'assign', workItemId: id, agentId: pick(agents), overCapacity: true }),
      (id: string) => ({ verb: 'transfer', workItemId: id, toQueue: true }),
      (id: string) => ({ verb: 'transfer', workItemId: id, toAgentId: pick(agents) }),
      (id: string) => ({ verb: 'forceClose', workItemId: id }),
    ];
    const statuses = new Map<number, number>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const batch = Array.from({ length: AT_ONCE }, () => pick(bodies)(pick(items)));
      const answers = await Promise.all(batch.map(act));
      await team.desk.app.drainOutbox();
      for (const [index, answer] of answers.entries()) {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect([batch[index], answer.status === 200 || answer.status === 409]).toEqual([batch[index], true]);
      }
      await expectConsistent();
    }
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect((await api(team.desk.app.baseUrl, 'GET', FLOOR, { token })).status).toBe(200);
  });

  it('logged no error', () => {
    expect(team.desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe('an agent and a supervisor acting on the same conversation at once', () => {
  const team = useTeamworkDesk([alex, bea], {
    AGENT_CAPACITY: '2',
    WRAP_UP_HOLD_S: '0',
    SUPERVISOR_IDS: sam.aadObjectId,
    AGENT_NAMES: `${sam.aadObjectId}=Sam Supervisor`,
  });
  let token = '';
  const act = (body: unknown) =>
    api<Record<string, unknown>>(team.desk.app.baseUrl, 'POST', ACTIONS, { token, body });
  const itemOf = async (customer: TestCustomer) =>
    (await team.tables().customers.get(`emulator:${customer.userId}`))!.latestWorkItemId!;
  const holdersOf = async (workItemId: string) => {
    const holders: string[] = [];
    for (const agent of [alex, bea]) {
      if (
        (await team.sessionsOf(agent)).some((session) => session.id === workItemId && !session.supervising)
      ) {
        holders.push(agent.aadObjectId);
      }
    }
    return holders;
  };

  it('starts with Alex available and Bea away, Sam signed in', async () => {
    for (const agent of [alex, bea, sam]) await team.tell(agent, 'hi');
    await team.tell(bea, 'presence away');
    token = await devSignIn(team.desk.app.baseUrl, sam.aadObjectId);
  });

  it('Alex’s Accept and Sam’s Assign to Bea at once: the conversation has exactly one holder, the one its state names', async () => {
    await team.say(kim, 'Hello?');
    const workItemId = await itemOf(kim);
    const [accepted, assigned] = await Promise.all([
      acceptLatestOffer(team.desk.app.url, team.connector, alex),
      act({ verb: 'assign', workItemId, agentId: bea.aadObjectId, overCapacity: true }),
    ]);
    await team.desk.app.drainOutbox();
    expect(accepted.status).toBe(200);
    expect([200, 409]).toContain(assigned.status);
    const item = (await team.tables().workItems.get(workItemId))!.item;
    const queued = (await team.tables().queue.get('default')).entries.filter(
      (e) => e.workItemId === workItemId,
    );
    if (item.state === 'active') {
      expect(await holdersOf(workItemId)).toEqual([item.assignedAgentId]);
      expect(queued).toEqual([]);
    } else {
      expect(item.state).toBe('open');
      expect(await holdersOf(workItemId)).toEqual([]);
      expect(queued.map((entry) => entry.offer?.agentId)).toEqual([bea.aadObjectId]);
    }
  });

  it('refuses Transfer, Assign and Join of a conversation the customer ended (wrap-up) with 409: it stays with Alex', async () => {
    const ned: TestCustomer = { userId: 'hostile-wrap-1', conversationId: 'conv-hostile-wrap-1' };
    await team.say(ned, 'Hello?');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const workItemId = await itemOf(ned);
    await team.say(ned, 'end');
    const before = (await team.tables().workItems.get(workItemId))?.item;
    expect(before?.state).toBe('wrap-up');
    for (const body of [
      { verb: 'transfer', workItemId, toQueue: true },
      { verb: 'transfer', workItemId, toAgentId: bea.aadObjectId },
      { verb: 'assign', workItemId, agentId: bea.aadObjectId, overCapacity: true },
      { verb: 'join', workItemId },
    ]) {
      const answer = await act(body);
      expect([body, answer.status, typeof answer.body['message']]).toEqual([body, 409, 'string']);
    }
    expect((await team.tables().workItems.get(workItemId))?.item).toEqual(before);
    expect(await holdersOf(workItemId)).toEqual([alex.aadObjectId]);
  });

  it('the customer’s End and Sam’s Force close at once: closed, held by nobody, out of the queue', async () => {
    await team.say(lou, 'Hello again?');
    expect((await acceptLatestOffer(team.desk.app.url, team.connector, alex)).status).toBe(200);
    const workItemId = await itemOf(lou);
    expect((await team.tables().workItems.get(workItemId))?.item.state).toBe('active');
    const [ended, closed] = await Promise.all([
      team.say(lou, 'end'),
      act({ verb: 'forceClose', workItemId }),
    ]);
    expect(ended.status).toBe(200);
    expect([200, 409]).toContain(closed.status);
    expect((await team.tables().workItems.get(workItemId))?.item.state).toBe('closed');
    expect(await holdersOf(workItemId)).toEqual([]);
    const queued = (await team.tables().queue.get('default')).entries.map((entry) => entry.workItemId);
    expect(queued).not.toContain(workItemId);
  });

  it('logged no error', () => {
    expect(team.desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
