import { activityProblem, authorizationProblem } from '../../src/teams/inbound-checks';

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
  ])('refuses an activity %s', (_what, body, mentions) => {
    expect(activityProblem(body)).toContain(mentions);
  });
});
