import {
  MAX_BODY_DEPTH,
  nestingDepth,
  activityProblem,
  authorizationProblem,
} from '../../src/teams/inbound-checks';

const jwtPart = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = `${jwtPart({ alg: 'RS256' })}.${jwtPart({ iss: 'https://api.botframework.com' })}.c2ln`;

describe('Authorization header pre-check', () => {
  it('lets a bearer JWT through to botbuilder', () => {
    expect(authorizationProblem(`Bearer ${jwt}`)).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['repeated', [`Bearer ${jwt}`, `Bearer ${jwt}`]],
    ['another scheme', `Basic ${jwt}`],
    ['lower-case scheme', `bearer ${jwt}`],
    ['two segments', 'Bearer aaa.bbb'],
    ['not base64url', 'Bearer a+b.c/d.e=f'],
    ['not JSON', 'Bearer aaa.bbb.ccc'],
    ['JSON that is not an object', `Bearer ${Buffer.from('42').toString('base64url')}.${jwtPart({})}.x`],
  ])('refuses a header that is %s', (_what, header) => {
    expect(authorizationProblem(header)).toEqual(expect.any(String));
  });
});

describe('activity shape check', () => {
  const activity = {
    type: 'message',
    id: 'a-1',
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9/',
    from: { id: 'user-1' },
    conversation: { id: 'c-1' },
    text: 'hi',
  };

  it('accepts a well-formed activity, with or without optional fields', () => {
    expect(activityProblem(activity)).toBeUndefined();
    expect(activityProblem({ ...activity, id: undefined, text: null, replyToId: 'r-1' })).toBeUndefined();
    expect(
      activityProblem({
        ...activity,
        from: { id: 'u', name: '', role: 'user', aadObjectId: null },
        recipient: { id: 'bot', name: 'Relaydesk' },
        conversation: { id: 'c', isGroup: false, conversationType: 'personal', tenantId: 't' },
        locale: 'en-US',
      }),
    ).toBeUndefined();
  });

  it.each([
    ['not an object', [activity], 'the body must be a JSON object'],
    ['without a type', { ...activity, type: undefined }, 'type'],
    ['with a blank type', { ...activity, type: ' ' }, 'type'],
    ['without a channel', { ...activity, channelId: 42 }, 'channelId'],
    [
      'with a serviceUrl that is not http(s)',
      { ...activity, serviceUrl: 'javascript:alert(1)' },
      'serviceUrl',
    ],
    ['without a conversation id', { ...activity, conversation: {} }, 'conversation.id'],
    ['without a sender', { ...activity, from: 'user-1' }, 'from'],
    ['with a huge id', { ...activity, id: 'x'.repeat(1001) }, 'id'],
    ['with text that is not a string', { ...activity, text: { evil: true } }, 'text'],
    // Fields botbuilder copies into the reference every reply goes through.
    ['with a sender name that is an object', { ...activity, from: { id: 'u', name: { a: 1 } } }, 'from.name'],
    [
      'with a numeric sender aadObjectId',
      { ...activity, from: { id: 'u', aadObjectId: 4 } },
      'from.aadObjectId',
    ],
    ['with a recipient that is a string', { ...activity, recipient: 'bot' }, 'recipient'],
    ['with a numeric recipient id', { ...activity, recipient: { id: 5 } }, 'recipient.id'],
    [
      'with a numeric conversation type',
      { ...activity, conversation: { id: 'c', conversationType: 5 } },
      'conversation.conversationType',
    ],
    ['with isGroup as a string', { ...activity, conversation: { id: 'c', isGroup: 'yes' } }, 'isGroup'],
    ['with a locale that is a list', { ...activity, locale: ['en-US'] }, 'locale'],
    // Anything nested in the accounts would be copied into every reply's reference, and walked when stored.
    [
      'with an object nested in the sender',
      { ...activity, from: { id: 'u', properties: { a: 1 } } },
      'from.properties must be a plain value',
    ],
    [
      'with a list nested in the conversation',
      { ...activity, conversation: { id: 'c', members: [] } },
      'conversation.members must be a plain value',
    ],
    [
      'with an object nested in the recipient',
      { ...activity, recipient: { id: 'bot', extra: {} } },
      'recipient.extra must be a plain value',
    ],
  ])('refuses an activity %s', (_what, body, mentions) => {
    expect(activityProblem(body)).toContain(mentions);
  });

  it('refuses a body that nests deeper than MAX_BODY_DEPTH anywhere, without overflowing the stack', () => {
    let deep: Record<string, unknown> = { id: 'u' };
    for (let level = 0; level < 60_000; level += 1) deep = { id: 'u', next: deep };
    expect(activityProblem({ ...activity, from: deep })).toBe(
      `the body nests deeper than ${MAX_BODY_DEPTH} levels`,
    );
    expect(activityProblem({ ...activity, channelData: deep })).toBe(
      `the body nests deeper than ${MAX_BODY_DEPTH} levels`,
    );
  });

  it('takes a card value nested as deep as real Adaptive Cards are', () => {
    let value: unknown = { verb: 'accept' };
    for (let level = 0; level < 20; level += 1) value = { items: [value] };
    expect(activityProblem({ ...activity, value })).toBeUndefined();
  });
});

describe('nestingDepth', () => {
  it('counts objects and arrays, and stops counting past the limit', () => {
    expect(nestingDepth('text', 10)).toBe(0);
    expect(nestingDepth({}, 10)).toBe(1);
    expect(nestingDepth({ a: [{ b: 1 }] }, 10)).toBe(3);
    let deep: unknown = {};
    for (let level = 0; level < 1000; level += 1) deep = [deep];
    expect(nestingDepth(deep, 10)).toBe(11);
  });
});
