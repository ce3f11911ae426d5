import {
  LocalDirectLine,
  activityIdOf,
  displayNameOf,
  parseWatermark,
  type Access,
  type DirectLineLimits,
} from '../../src/web/webchat/local-directline';
import { FakeClock } from '../support/fake-clock';

/** The local Direct Line channel's state without HTTP: tokens, bounds, watermarks and expiry. */

const MINUTE = 60 * 1000;

function channel(limits: Partial<DirectLineLimits> = {}, reservedUserIds: string[] = []) {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  return { clock, line: new LocalDirectLine({ clock, limits, reservedUserIds }) };
}

function access(line: LocalDirectLine): Access & { token: string } {
  const started = line.start();
  return { conversationId: started.conversationId, userId: started.userId, token: started.token };
}

describe('the local Direct Line channel', () => {
  describe('starting a conversation', () => {
    it('makes the conversation and the customer id itself, and binds both to an opaque token', () => {
      const { line } = channel();
      const started = line.start();
      expect(started.conversationId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(started.userId).toMatch(/^dl-[A-Za-z0-9_-]{16}$/);
      expect(started.token).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
      expect(started.expiresInSeconds).toBe(30 * 60);
      expect(line.authorize(started.conversationId, started.token)).toEqual({
        ok: true,
        conversationId: started.conversationId,
        userId: started.userId,
      });
    });

    it('never gives a customer an id that is reserved (an agent id)', () => {
      const clock = new FakeClock(0);
      // The first two user ids drawn would be `dl-` + these bytes: both reserved.
      const draws = [Buffer.alloc(16, 1), Buffer.alloc(12, 2), Buffer.alloc(12, 3), Buffer.alloc(12, 4)];
      const reserved = [
        `dl-${Buffer.alloc(12, 2).toString('base64url')}`,
        `dl-${Buffer.alloc(12, 3).toString('base64url')}`,
      ];
      const line = new LocalDirectLine({
        clock,
        reservedUserIds: reserved,
        randomBytes: (size) => draws.shift() ?? Buffer.alloc(size, 9),
      });
      expect(line.start().userId).toBe(`dl-${Buffer.alloc(12, 4).toString('base64url')}`);
    });
  });

  describe('tokens', () => {
    it('refuses a missing, malformed, unknown or wrong token with 401', () => {
      const { line } = channel();
      const { conversationId, token } = access(line);
      const [tokenId] = token.split('.');
      const wrongSecret = `${tokenId}.${'A'.repeat(43)}`;
      expect(line.authorize(conversationId, undefined)).toMatchObject({
        ok: false,
        status: 401,
        reason: 'no token',
      });
      expect(line.authorize(conversationId, 'garbage')).toMatchObject({
        status: 401,
        reason: 'malformed token',
      });
      expect(line.authorize(conversationId, `${'B'.repeat(16)}.${'A'.repeat(43)}`)).toMatchObject({
        status: 401,
        reason: 'unknown token',
      });
      expect(line.authorize(conversationId, wrongSecret)).toMatchObject({
        status: 401,
        reason: 'wrong token',
      });
    });

    it("refuses another conversation's token", () => {
      const { line } = channel();
      const first = access(line);
      const second = access(line);
      expect(line.authorize(first.conversationId, second.token)).toMatchObject({
        ok: false,
        status: 401,
        reason: 'token of another conversation',
      });
    });

    it('answers 404 for a conversation that does not exist', () => {
      const { line } = channel();
      const { token } = access(line);
      expect(line.authorize('no-such-conversation', token)).toMatchObject({ ok: false, status: 404 });
    });

    it('expires a token after expires_in; a refreshed one goes on, and the old one stays good until its own end', () => {
      const { line, clock } = channel({ tokenTtlMs: 10 * MINUTE });
      const { conversationId, token } = access(line);
      clock.advance(6 * MINUTE);
      const refreshed = line.issueToken(conversationId);
      expect(refreshed.expiresInSeconds).toBe(600);
      expect(line.authorize(conversationId, token).ok).toBe(true);
      clock.advance(4 * MINUTE);
      expect(line.authorize(conversationId, token)).toMatchObject({ status: 401, reason: 'expired token' });
      expect(line.authorize(conversationId, refreshed.token).ok).toBe(true);
    });

    it('keeps at most maxTokensPerConversation live tokens, dropping the oldest', () => {
      const { line } = channel({ maxTokensPerConversation: 2 });
      const { conversationId, token } = access(line);
      const second = line.issueToken(conversationId).token;
      const third = line.issueToken(conversationId).token;
      expect(line.authorize(conversationId, token)).toMatchObject({ status: 401, reason: 'unknown token' });
      expect(line.authorize(conversationId, second).ok).toBe(true);
      expect(line.authorize(conversationId, third).ok).toBe(true);
    });
  });

  describe('bounds', () => {
    it('ends a conversation an hour after its customer last called, polling included', () => {
      const { line, clock } = channel({ idleMs: 60 * MINUTE, tokenTtlMs: 24 * 60 * MINUTE });
      const { conversationId, token } = access(line);
      clock.advance(59 * MINUTE);
      expect(line.authorize(conversationId, token).ok).toBe(true);
      clock.advance(59 * MINUTE);
      expect(line.has(conversationId)).toBe(true);
      clock.advance(1 * MINUTE);
      expect(line.has(conversationId)).toBe(false);
      expect(line.authorize(conversationId, token)).toMatchObject({ status: 404 });
      expect(line.size).toBe(0);
    });

    it('keeps at most maxConversations: starting one more ends the one idle longest', () => {
      const { line, clock } = channel({ maxConversations: 3 });
      const [a, b, c] = [access(line), access(line), access(line)];
      clock.advance(1000);
      // `a` is used again, so `b` is now the one idle longest.
      expect(line.authorize(a!.conversationId, a!.token).ok).toBe(true);
      const d = line.start();
      expect(d.ended).toEqual([{ conversationId: b!.conversationId, reason: 'room' }]);
      expect(line.size).toBe(3);
      expect(line.has(b!.conversationId)).toBe(false);
      expect([a, c].every((kept) => line.has(kept!.conversationId))).toBe(true);
      expect(line.authorize(b!.conversationId, b!.token)).toMatchObject({ status: 404 });
    });

    it('reports conversations that ended while idle when the next one starts', () => {
      const { line, clock } = channel({ idleMs: MINUTE });
      const first = access(line);
      clock.advance(MINUTE);
      expect(line.start().ended).toEqual([{ conversationId: first.conversationId, reason: 'idle' }]);
    });

    it('keeps the last maxActivitiesPerConversation activities; the watermark still counts them all', () => {
      const { line } = channel({ maxActivitiesPerConversation: 3 });
      const customer = access(line);
      for (let n = 1; n <= 5; n += 1) line.addCustomerMessage(customer, `message ${n}`, undefined);
      const set = line.activitiesSince(customer.conversationId, 0);
      expect(set.activities.map((activity) => activity.text)).toEqual([
        'message 3',
        'message 4',
        'message 5',
      ]);
      expect(set.watermark).toBe('5');
    });

    it('keeps at most maxBytesPerConversation of activity JSON, but always the newest activity', () => {
      const { line } = channel({ maxBytesPerConversation: 1000 });
      const customer = access(line);
      line.addCustomerMessage(customer, 'short', undefined);
      line.addCustomerMessage(customer, 'x'.repeat(2000), undefined);
      const set = line.activitiesSince(customer.conversationId, 0);
      expect(set.activities).toHaveLength(1);
      expect(set.activities[0]?.text).toHaveLength(2000);
    });
  });

  describe('the transcript', () => {
    it("stamps the customer's message with their bound id, the channel, the conversation, an id and the time", () => {
      const { line, clock } = channel();
      const customer = access(line);
      const activity = line.addCustomerMessage(customer, 'Hello', 'Casey');
      expect(activity).toEqual({
        type: 'message',
        id: activityIdOf(customer.conversationId, 1),
        timestamp: new Date(clock.now()).toISOString(),
        channelId: 'webchat',
        conversation: { id: customer.conversationId },
        from: { id: customer.userId, name: 'Casey', role: 'user' },
        text: 'Hello',
        textFormat: 'plain',
      });
      expect(activity.id).toBe(`${customer.conversationId}|0000001`);
    });

    it('answers activities after the watermark, in order, with the next watermark', () => {
      const { line } = channel();
      const customer = access(line);
      expect(line.activitiesSince(customer.conversationId, 0)).toEqual({ activities: [], watermark: '0' });
      line.addCustomerMessage(customer, 'one', undefined);
      line.addBotActivity(customer.conversationId, { type: 'message', text: 'two' });
      line.addCustomerMessage(customer, 'three', undefined);
      expect(line.activitiesSince(customer.conversationId, 0).activities.map((a) => a.text)).toEqual([
        'one',
        'two',
        'three',
      ]);
      const later = line.activitiesSince(customer.conversationId, 2);
      expect(later.activities.map((a) => a.text)).toEqual(['three']);
      expect(later.watermark).toBe('3');
      expect(line.activitiesSince(customer.conversationId, 3)).toEqual({ activities: [], watermark: '3' });
    });

    it("keeps only the fields a chat client shows of the desk's activity, addressed by the channel", () => {
      const { line } = channel();
      const customer = access(line);
      const id = line.addBotActivity(
        customer.conversationId,
        {
          type: 'message',
          text: 'Hi',
          textFormat: 'plain',
          from: { id: 'relaydesk', name: 'Relaydesk' },
          channelData: { relaydeskId: 'r-1' },
          ...{ serviceUrl: 'http://elsewhere', conversation: { id: 'forged' } },
        },
        'reply-to',
      );
      const [activity] = line.activitiesSince(customer.conversationId, 0).activities;
      expect(activity).toEqual({
        type: 'message',
        id,
        timestamp: expect.any(String),
        channelId: 'webchat',
        conversation: { id: customer.conversationId },
        from: { id: 'relaydesk', name: 'Relaydesk', role: 'bot' },
        text: 'Hi',
        textFormat: 'plain',
        replyToId: 'reply-to',
      });
    });

    it('stores a repeated send (same relaydeskId) once and answers with the first id', () => {
      const { line } = channel();
      const customer = access(line);
      const first = line.addBotActivity(customer.conversationId, {
        text: 'once',
        channelData: { relaydeskId: 'r-7' },
      });
      const again = line.addBotActivity(customer.conversationId, {
        text: 'once',
        channelData: { relaydeskId: 'r-7' },
      });
      expect(again).toBe(first);
      expect(line.activitiesSince(customer.conversationId, 0).activities).toHaveLength(1);
    });

    it('an update keeps the id and comes again after the watermark current then', () => {
      const { line } = channel();
      const customer = access(line);
      const id = line.addBotActivity(customer.conversationId, { text: 'before' })!;
      line.addCustomerMessage(customer, 'meanwhile', undefined);
      expect(line.updateBotActivity(customer.conversationId, id, { text: 'after' })).toBe(id);
      const since = line.activitiesSince(customer.conversationId, 2);
      expect(since.activities.map((a) => [a.id, a.text])).toEqual([[id, 'after']]);
      expect(since.watermark).toBe('3');
      expect(line.activitiesSince(customer.conversationId, 0).activities.map((a) => a.text)).toEqual([
        'meanwhile',
        'after',
      ]);
    });

    it("refuses to update the customer's own message or an unknown id", () => {
      const { line } = channel();
      const customer = access(line);
      const own = line.addCustomerMessage(customer, 'mine', undefined);
      expect(line.updateBotActivity(customer.conversationId, own.id, { text: 'forged' })).toBeUndefined();
      expect(line.updateBotActivity(customer.conversationId, 'nope', { text: 'x' })).toBeUndefined();
    });

    it('takes nothing from the desk for a conversation that is gone', () => {
      const { line } = channel();
      expect(line.addBotActivity('gone', { text: 'hello?' })).toBeUndefined();
      expect(line.updateBotActivity('gone', 'x', { text: 'hello?' })).toBeUndefined();
    });

    it('withdraws a message the desk did not take', () => {
      const { line } = channel();
      const customer = access(line);
      const activity = line.addCustomerMessage(customer, 'lost', undefined);
      line.withdraw(customer.conversationId, activity.id);
      expect(line.activitiesSince(customer.conversationId, 0)).toEqual({ activities: [], watermark: '1' });
    });
  });

  describe('input helpers', () => {
    it('reads a watermark: absent or empty is 0, digits are a number, anything else is refused', () => {
      expect(parseWatermark(undefined)).toBe(0);
      expect(parseWatermark('')).toBe(0);
      expect(parseWatermark('42')).toBe(42);
      for (const bad of ['-1', '1.5', 'abc', '1e3', ['1'], '9'.repeat(16)]) {
        expect(parseWatermark(bad)).toBeUndefined();
      }
    });

    it('takes a display name trimmed, without control characters, at most 64 characters', () => {
      expect(displayNameOf('  Casey  ')).toBe('Casey');
      expect(displayNameOf('Ca\u0000sey\nX')).toBe('Ca sey X');
      expect(displayNameOf('é'.repeat(100))).toHaveLength(64);
      expect(displayNameOf('   ')).toBeUndefined();
      expect(displayNameOf(42)).toBeUndefined();
    });
  });
});
