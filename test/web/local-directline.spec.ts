import { activityIdOf, displayNameOf, parseWatermark } from '../../src/web/webchat/channel-activities';
import type { Access, StartedConversation } from '../../src/web/webchat/channel-outcomes';
import type { DirectLineLimits } from '../../src/web/webchat/directline-limits';
import { LocalDirectLine } from '../../src/web/webchat/local-directline';
import type { ChatActivity } from '../../src/web/webchat/directline-contract';
import { FakeClock } from '../support/fake-clock';

/** The local Direct Line channel's state without HTTP: tokens, bounds, watermarks and expiry. */

const MINUTE = 60 * 1000;
/** The client address most tests start their conversations from (TEST-NET-1). */
const ADDRESS = '192.0.2.10';

function channel(limits: Partial<DirectLineLimits> = {}, reservedUserIds: string[] = []) {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  return { clock, line: new LocalDirectLine({ clock, limits, reservedUserIds }) };
}

/** A start that must succeed. */
async function started(line: LocalDirectLine, address = ADDRESS): Promise<StartedConversation> {
  const outcome = await line.start(address);
  if (!outcome.ok) throw new Error(`start refused: ${outcome.status} ${outcome.reason}`);
  return outcome;
}

async function access(line: LocalDirectLine, address = ADDRESS): Promise<Access & { token: string }> {
  const { conversationId, userId, token } = await started(line, address);
  return { conversationId, userId, token };
}

const textsOf = (line: LocalDirectLine, conversationId: string) =>
  line.activitiesSince(conversationId, 0).activities.map((activity) => activity.text);

const bytesOf = (activity: ChatActivity) => Buffer.byteLength(JSON.stringify(activity), 'utf8');

describe('the local Direct Line channel', () => {
  describe('starting a conversation', () => {
    it('makes the conversation and the customer id itself, and binds both to an opaque token', async () => {
      const { line } = channel();
      const conversation = await started(line);
      expect(conversation.conversationId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(conversation.userId).toMatch(/^dl-[A-Za-z0-9_-]{16}$/);
      expect(conversation.token).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
      expect(conversation.expiresInSeconds).toBe(30 * 60);
      expect(await line.authorize(conversation.conversationId, conversation.token)).toEqual({
        ok: true,
        conversationId: conversation.conversationId,
        userId: conversation.userId,
      });
    });

    it('never gives a customer an id that is reserved (an agent id)', async () => {
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
      expect((await started(line)).userId).toBe(`dl-${Buffer.alloc(12, 4).toString('base64url')}`);
    });
  });

  describe('tokens', () => {
    it('refuses a missing, malformed, unknown or wrong token with 401', async () => {
      const { line } = channel();
      const { conversationId, token } = await access(line);
      const [tokenId] = token.split('.');
      const wrongSecret = `${tokenId}.${'A'.repeat(43)}`;
      expect(await line.authorize(conversationId, undefined)).toMatchObject({
        ok: false,
        status: 401,
        reason: 'no token',
      });
      expect(await line.authorize(conversationId, 'garbage')).toMatchObject({
        status: 401,
        reason: 'malformed token',
      });
      expect(await line.authorize(conversationId, `${'B'.repeat(16)}.${'A'.repeat(43)}`)).toMatchObject({
        status: 401,
        reason: 'unknown token',
      });
      expect(await line.authorize(conversationId, wrongSecret)).toMatchObject({
        status: 401,
        reason: 'wrong token',
      });
    });

    it("refuses another conversation's token", async () => {
      const { line } = channel();
      const first = await access(line);
      const second = await access(line);
      expect(await line.authorize(first.conversationId, second.token)).toMatchObject({
        ok: false,
        status: 401,
        reason: 'token of another conversation',
      });
    });

    it('answers 404 for a conversation that does not exist', async () => {
      const { line } = channel();
      const { token } = await access(line);
      expect(await line.authorize('no-such-conversation', token)).toMatchObject({ ok: false, status: 404 });
    });

    it('expires a token after expires_in; a refreshed one goes on, and the old one stays good until its own end', async () => {
      const { line, clock } = channel({ tokenTtlMs: 10 * MINUTE });
      const { conversationId, token } = await access(line);
      clock.advance(6 * MINUTE);
      const refreshed = await line.issueToken(conversationId);
      expect(refreshed.expiresInSeconds).toBe(600);
      expect((await line.authorize(conversationId, token)).ok).toBe(true);
      clock.advance(4 * MINUTE);
      expect(await line.authorize(conversationId, token)).toMatchObject({
        status: 401,
        reason: 'expired token',
      });
      expect((await line.authorize(conversationId, refreshed.token)).ok).toBe(true);
    });

    it('keeps at most maxTokensPerConversation live tokens, dropping the oldest', async () => {
      const { line } = channel({ maxTokensPerConversation: 2 });
      const { conversationId, token } = await access(line);
      const second = (await line.issueToken(conversationId)).token;
      const third = (await line.issueToken(conversationId)).token;
      expect(await line.authorize(conversationId, token)).toMatchObject({
        status: 401,
        reason: 'unknown token',
      });
      expect((await line.authorize(conversationId, second)).ok).toBe(true);
      expect((await line.authorize(conversationId, third)).ok).toBe(true);
    });
  });

  describe('bounds', () => {
    it('ends a conversation an hour after its customer last called, polling included', async () => {
      const { line, clock } = channel({ idleMs: 60 * MINUTE, tokenTtlMs: 24 * 60 * MINUTE });
      const { conversationId, token } = await access(line);
      clock.advance(59 * MINUTE);
      expect((await line.authorize(conversationId, token)).ok).toBe(true);
      clock.advance(59 * MINUTE);
      expect(line.has(conversationId)).toBe(true);
      clock.advance(1 * MINUTE);
      expect(line.has(conversationId)).toBe(false);
      expect(await line.authorize(conversationId, token)).toMatchObject({ status: 404 });
      expect(line.size).toBe(0);
    });

    it('reports conversations that ended while idle when the next one starts', async () => {
      const { line, clock } = channel({ idleMs: MINUTE });
      const first = await access(line);
      clock.advance(MINUTE);
      expect(await line.start(ADDRESS)).toMatchObject({ ok: true, endedIdle: [first.conversationId] });
    });

    it('keeps the last maxActivitiesPerConversation activities; the watermark still counts them all', async () => {
      const { line } = channel({ maxActivitiesPerConversation: 3 });
      const customer = await access(line);
      for (let n = 1; n <= 5; n += 1) await line.addCustomerMessage(customer, `message ${n}`, undefined);
      const set = line.activitiesSince(customer.conversationId, 0);
      expect(set.activities.map((activity) => activity.text)).toEqual([
        'message 3',
        'message 4',
        'message 5',
      ]);
      expect(set.watermark).toBe('5');
    });

    it('keeps at most maxBytesPerConversation of activity JSON, but always the newest activity', async () => {
      const { line } = channel({ maxBytesPerConversation: 1000 });
      const customer = await access(line);
      await line.addCustomerMessage(customer, 'short', undefined);
      await line.addCustomerMessage(customer, 'x'.repeat(2000), undefined);
      const set = line.activitiesSince(customer.conversationId, 0);
      expect(set.activities).toHaveLength(1);
      expect(set.activities[0]?.text).toHaveLength(2000);
    });
  });

  describe('conversation starts: per client address, and never at the cost of a live conversation', () => {
    it('takes 30 starts a minute from one address (tabs on one machine), refuses the next with 429 until its minute ends', async () => {
      const { line, clock } = channel();
      for (let tab = 1; tab <= 30; tab += 1) expect((await line.start(ADDRESS)).ok).toBe(true);
      clock.advance(20_000);
      expect(await line.start(ADDRESS)).toEqual({
        ok: false,
        status: 429,
        reason: 'too many starts from this address',
        retryAfterSeconds: 40,
        firstOfBurst: true,
        endedIdle: [],
      });
      clock.advance(30_500);
      expect(await line.start(ADDRESS)).toMatchObject({
        ok: false,
        status: 429,
        retryAfterSeconds: 10,
        firstOfBurst: false,
      });
      // Another machine is not held back by this one.
      expect((await line.start('198.51.100.20')).ok).toBe(true);
      clock.advance(9_500);
      expect((await line.start(ADDRESS)).ok).toBe(true);
      expect(line.size).toBe(32);
    });

    it('counts the starts of at most maxTrackedAddresses addresses, forgetting ended minutes and then the oldest', async () => {
      const { line, clock } = channel({
        maxTrackedAddresses: 3,
        maxStartsPerMinutePerAddress: 1,
        maxConversations: 10_000,
      });
      for (const address of ['a', 'b', 'c']) expect((await line.start(address)).ok).toBe(true);
      expect((await line.start('a')).ok).toBe(false);
      // A fourth address: the oldest minute (a's) is forgotten, so the table stays at three.
      expect((await line.start('d')).ok).toBe(true);
      expect(line.trackedAddresses).toBe(3);
      expect((await line.start('a')).ok).toBe(true);
      expect((await line.start('c')).ok).toBe(false);
      for (let n = 0; n < 1000; n += 1) await line.start(`203.0.113.${n}`);
      expect(line.trackedAddresses).toBe(3);
      clock.advance(MINUTE);
      expect((await line.start('e')).ok).toBe(true);
      expect(line.trackedAddresses).toBe(1);
    });

    it('takes any number of starts with maxStartsPerMinutePerAddress 0', async () => {
      const { line } = channel({ maxStartsPerMinutePerAddress: 0 });
      for (let n = 0; n < 100; n += 1) expect((await line.start(ADDRESS)).ok).toBe(true);
      expect(line.trackedAddresses).toBe(0);
    });

    it('refuses a start with 503 while maxConversations are live, and ends none of them: their tokens go on', async () => {
      const { line, clock } = channel({ maxConversations: 3, idleMs: 10 * MINUTE });
      const kept = [await access(line), await access(line), await access(line)];
      clock.advance(MINUTE);
      expect(await line.start('198.51.100.20')).toEqual({
        ok: false,
        status: 503,
        reason: 'full',
        // The idlest ends in nine minutes if nobody calls; a client is asked back within a minute.
        retryAfterSeconds: 60,
        firstOfBurst: true,
        endedIdle: [],
      });
      expect(await line.start('198.51.100.21')).toMatchObject({
        ok: false,
        status: 503,
        firstOfBurst: false,
      });
      expect(line.size).toBe(3);
      for (const customer of kept) {
        expect((await line.authorize(customer.conversationId, customer.token)).ok).toBe(true);
        await line.addCustomerMessage(customer, 'still here', undefined);
        expect(await line.addBotActivity(customer.conversationId, { text: 'so are we' })).toBeDefined();
        expect(textsOf(line, customer.conversationId)).toEqual(['still here', 'so are we']);
      }
    });

    it('asks a refused client back when the idlest conversation would end, and starts one once it has', async () => {
      const { line, clock } = channel({ maxConversations: 2, idleMs: 10 * MINUTE });
      const [idle, busy] = [await access(line), await access(line)];
      clock.advance(10 * MINUTE - 5_000);
      expect((await line.authorize(busy.conversationId, busy.token)).ok).toBe(true);
      expect(await line.start(ADDRESS)).toMatchObject({ ok: false, status: 503, retryAfterSeconds: 5 });
      clock.advance(5_000);
      expect(await line.start(ADDRESS)).toMatchObject({ ok: true, endedIdle: [idle.conversationId] });
      expect(line.has(busy.conversationId)).toBe(true);
      // A new spell of being full is a new burst: its first refusal is the one to log again.
      expect(await line.start(ADDRESS)).toMatchObject({ ok: false, status: 503, firstOfBurst: true });
    });
  });

  describe('the total bytes bound', () => {
    /** The bytes of one `xN` message: every conversation here stamps its activities with ids of the same length. */
    async function unitBytes(): Promise<number> {
      const { line } = channel();
      return bytesOf(await line.addCustomerMessage(await access(line), 'a1', undefined));
    }

    it('past maxTotalBytes drops the oldest activities of the conversations idle longest first, keeping every newest one', async () => {
      const unit = await unitBytes();
      const { line, clock } = channel({ maxTotalBytes: 7 * unit + unit / 2 });
      const [a, b, c] = [await access(line), await access(line), await access(line)];
      for (const customer of [a, b, c]) {
        clock.advance(1000);
        expect((await line.authorize(customer.conversationId, customer.token)).ok).toBe(true);
      }
      // Idle longest first: a, then b, then c.
      for (const text of ['a1', 'a2', 'a3']) await line.addCustomerMessage(a, text, undefined);
      for (const text of ['b1', 'b2', 'b3']) await line.addCustomerMessage(b, text, undefined);
      for (const text of ['c1', 'c2', 'c3', 'c4']) await line.addCustomerMessage(c, text, undefined);
      expect(textsOf(line, a.conversationId)).toEqual(['a3']);
      expect(textsOf(line, b.conversationId)).toEqual(['b2', 'b3']);
      expect(textsOf(line, c.conversationId)).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(line.totalBytes).toBe(7 * unit);
      // The watermark still counts what was dropped.
      expect(line.activitiesSince(a.conversationId, 0).watermark).toBe('3');

      // a's customer calls again: b is now the one idle longest, and loses its oldest next.
      clock.advance(1000);
      expect((await line.authorize(a.conversationId, a.token)).ok).toBe(true);
      await line.addCustomerMessage(c, 'c5', undefined);
      expect(textsOf(line, b.conversationId)).toEqual(['b3']);
      expect(textsOf(line, a.conversationId)).toEqual(['a3']);
      expect(line.size).toBe(3);
    });

    it('never drops the newest activity of a conversation, nor a conversation, even when the newest ones alone are over', async () => {
      const unit = await unitBytes();
      const { line } = channel({ maxTotalBytes: unit + unit / 2 });
      const customers = [await access(line), await access(line), await access(line)];
      for (const [n, customer] of customers.entries()) {
        await line.addCustomerMessage(customer, `x${n}`, undefined);
      }
      expect(customers.map((customer) => textsOf(line, customer.conversationId))).toEqual([
        ['x0'],
        ['x1'],
        ['x2'],
      ]);
      expect(line.size).toBe(3);
      for (const customer of customers) {
        expect((await line.authorize(customer.conversationId, customer.token)).ok).toBe(true);
      }
    });

    it('ends conversations already idle too long before trimming a live one', async () => {
      const unit = await unitBytes();
      const { line, clock } = channel({ maxTotalBytes: 3 * unit + unit / 2, idleMs: 10 * MINUTE });
      const [gone, live] = [await access(line), await access(line)];
      await line.addCustomerMessage(gone, 'g1', undefined);
      await line.addCustomerMessage(gone, 'g2', undefined);
      clock.advance(5 * MINUTE);
      expect((await line.authorize(live.conversationId, live.token)).ok).toBe(true);
      // `gone` has now been idle for idleMs; no start came since to end it.
      clock.advance(5 * MINUTE);
      for (const text of ['l1', 'l2', 'l3']) await line.addCustomerMessage(live, text, undefined);
      expect(textsOf(line, live.conversationId)).toEqual(['l1', 'l2', 'l3']);
      expect(line.totalBytes).toBe(3 * unit);
      expect(line.has(gone.conversationId)).toBe(false);
    });

    it('counts bytes as activities come and go: withdrawn, updated, trimmed and ended conversations give theirs back', async () => {
      const { line, clock } = channel({ maxActivitiesPerConversation: 3, idleMs: 10 * MINUTE });
      const [first, second] = [await access(line), await access(line)];
      const keptBytes = () =>
        [first, second]
          .filter((customer) => line.has(customer.conversationId))
          .flatMap((customer) => line.activitiesSince(customer.conversationId, 0).activities)
          .reduce((sum, activity) => sum + bytesOf(activity), 0);
      for (let n = 1; n <= 5; n += 1) await line.addCustomerMessage(first, `message ${n}`, undefined);
      const withdrawn = await line.addCustomerMessage(second, 'not taken', undefined);
      await line.withdraw(second.conversationId, withdrawn.id);
      const id = (await line.addBotActivity(second.conversationId, { text: 'short' }))!;
      await line.updateBotActivity(second.conversationId, id, { text: 'a much longer text than before' });
      expect(line.totalBytes).toBe(keptBytes());
      expect(line.totalBytes).toBeGreaterThan(0);
      clock.advance(10 * MINUTE);
      expect(line.size).toBe(0);
      expect(line.totalBytes).toBe(0);
    });
  });

  describe('the transcript', () => {
    it("stamps the customer's message with their bound id, the channel, the conversation, an id and the time", async () => {
      const { line, clock } = channel();
      const customer = await access(line);
      const activity = await line.addCustomerMessage(customer, 'Hello', 'Casey');
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

    it('answers activities after the watermark, in order, with the next watermark', async () => {
      const { line } = channel();
      const customer = await access(line);
      expect(line.activitiesSince(customer.conversationId, 0)).toEqual({ activities: [], watermark: '0' });
      await line.addCustomerMessage(customer, 'one', undefined);
      await line.addBotActivity(customer.conversationId, { type: 'message', text: 'two' });
      await line.addCustomerMessage(customer, 'three', undefined);
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

    it("keeps only the fields a chat client shows of the desk's activity, addressed by the channel", async () => {
      const { line } = channel();
      const customer = await access(line);
      const id = await line.addBotActivity(
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
      expect(activity?.timestamp).toEqual(expect.any(String));
      expect(activity).toEqual({
        type: 'message',
        id,
        timestamp: activity?.timestamp,
        channelId: 'webchat',
        conversation: { id: customer.conversationId },
        from: { id: 'relaydesk', name: 'Relaydesk', role: 'bot' },
        text: 'Hi',
        textFormat: 'plain',
        replyToId: 'reply-to',
      });
    });

    it("keeps the desk's notice (kind, agent name, refused activity) as strings, and nothing else of its channelData", async () => {
      const { line } = channel();
      const customer = await access(line);
      const refused = await line.addCustomerMessage(customer, 'fifth message', undefined);
      await line.addBotActivity(
        customer.conversationId,
        {
          text: 'Hi, I am on it.',
          channelData: {
            relaydeskId: 'r-1',
            secret: 'not for the page',
            relaydesk: { kind: 'agent-message', agentName: '  Alex Agent ', replyToId: 'x', extra: '<b>' },
          },
        },
        'made-up-turn-id',
      );
      await line.addBotActivity(
        customer.conversationId,
        {
          text: 'Please wait a moment.',
          channelData: { relaydesk: { kind: 'rate-limited', replyToId: refused.id } },
        },
        refused.id,
      );
      const [, agentMessage, refusal] = line.activitiesSince(customer.conversationId, 0).activities;
      expect(agentMessage?.channelData).toEqual({
        relaydesk: { kind: 'agent-message', agentName: 'Alex Agent', replyToId: 'x' },
      });
      expect(refusal).toMatchObject({
        replyToId: refused.id,
        channelData: { relaydesk: { kind: 'rate-limited', replyToId: refused.id } },
      });
    });

    it('drops a notice of an unknown kind, and notice fields that are not plain strings or too long', async () => {
      const { line } = channel();
      const customer = await access(line);
      const kept = async (channelData: unknown) => {
        await line.addBotActivity(customer.conversationId, { text: 'x', channelData });
        return line.activitiesSince(customer.conversationId, 0).activities.at(-1)?.channelData;
      };
      expect(await kept({ relaydesk: { kind: 'surprise', agentName: 'Alex' } })).toBeUndefined();
      expect(await kept({ relaydesk: 'queued' })).toBeUndefined();
      expect(await kept({ kind: 'queued' })).toBeUndefined();
      expect(await kept('queued')).toBeUndefined();
      expect(
        await kept({ relaydesk: { kind: 'joined', agentName: { html: '<b>' }, replyToId: 42 } }),
      ).toEqual({
        relaydesk: { kind: 'joined' },
      });
      expect(
        await kept({ relaydesk: { kind: 'ended', agentName: '   ', replyToId: 'r'.repeat(201) } }),
      ).toEqual({
        relaydesk: { kind: 'ended' },
      });
      expect(await kept({ relaydesk: { kind: 'joined', agentName: 'A'.repeat(300) } })).toEqual({
        relaydesk: { kind: 'joined', agentName: 'A'.repeat(128) },
      });
    });

    it("keeps a survey's ids only on a survey notice, only as two non-empty strings of 200 characters at most", async () => {
      const { line } = channel();
      const customer = await access(line);
      const kept = async (channelData: unknown) => {
        await line.addBotActivity(customer.conversationId, { text: 'x', channelData });
        return line.activitiesSince(customer.conversationId, 0).activities.at(-1)?.channelData;
      };
      const survey = { workItemId: 'wi-1', surveyId: 'survey-1' };
      expect(await kept({ relaydesk: { kind: 'survey', survey: { ...survey, extra: '<b>' } } })).toEqual({
        relaydesk: { kind: 'survey', survey },
      });
      expect(await kept({ relaydesk: { kind: 'queued', survey } })).toEqual({
        relaydesk: { kind: 'queued' },
      });
      expect(await kept({ relaydesk: { kind: 'survey', survey: { workItemId: 'wi-1' } } })).toEqual({
        relaydesk: { kind: 'survey' },
      });
      expect(
        await kept({ relaydesk: { kind: 'survey', survey: { ...survey, surveyId: 's'.repeat(201) } } }),
      ).toEqual({ relaydesk: { kind: 'survey' } });
      expect(await kept({ relaydesk: { kind: 'survey-reply', replyToId: 'a-1' } })).toEqual({
        relaydesk: { kind: 'survey-reply', replyToId: 'a-1' },
      });
    });

    it("keeps a customer's card submit value with their message, as sent", async () => {
      const { line } = channel();
      const customer = await access(line);
      const value = { verb: 'csatAnswer', workItemId: 'wi-1', surveyId: 's-1', rating: 4 };
      const stored = await line.addCustomerMessage(customer, 'Rating: 4 of 5', undefined, value);
      expect(stored).toMatchObject({ text: 'Rating: 4 of 5', value, from: { role: 'user' } });
      const plain = await line.addCustomerMessage(customer, 'hello', undefined);
      expect(plain).not.toHaveProperty('value');
    });

    it("an update carries the updated activity's notice", async () => {
      const { line } = channel();
      const customer = await access(line);
      const id = (await line.addBotActivity(customer.conversationId, {
        text: 'before',
        channelData: { relaydesk: { kind: 'queued' } },
      }))!;
      await line.updateBotActivity(customer.conversationId, id, {
        text: 'after',
        channelData: { relaydesk: { kind: 'agent-message', agentName: 'Alex Agent' } },
      });
      expect(line.activitiesSince(customer.conversationId, 0).activities).toMatchObject([
        { id, text: 'after', channelData: { relaydesk: { kind: 'agent-message', agentName: 'Alex Agent' } } },
      ]);
    });

    it('stores a repeated send (same relaydeskId) once and answers with the first id', async () => {
      const { line } = channel();
      const customer = await access(line);
      const first = await line.addBotActivity(customer.conversationId, {
        text: 'once',
        channelData: { relaydeskId: 'r-7' },
      });
      const again = await line.addBotActivity(customer.conversationId, {
        text: 'once',
        channelData: { relaydeskId: 'r-7' },
      });
      expect(again).toBe(first);
      expect(line.activitiesSince(customer.conversationId, 0).activities).toHaveLength(1);
    });

    it('an update keeps the id and comes again after the watermark current then', async () => {
      const { line } = channel();
      const customer = await access(line);
      const id = (await line.addBotActivity(customer.conversationId, { text: 'before' }))!;
      await line.addCustomerMessage(customer, 'meanwhile', undefined);
      expect(await line.updateBotActivity(customer.conversationId, id, { text: 'after' })).toBe(id);
      const since = line.activitiesSince(customer.conversationId, 2);
      expect(since.activities.map((a) => [a.id, a.text])).toEqual([[id, 'after']]);
      expect(since.watermark).toBe('3');
      expect(line.activitiesSince(customer.conversationId, 0).activities.map((a) => a.text)).toEqual([
        'meanwhile',
        'after',
      ]);
    });

    it("refuses to update the customer's own message or an unknown id", async () => {
      const { line } = channel();
      const customer = await access(line);
      const own = await line.addCustomerMessage(customer, 'mine', undefined);
      expect(
        await line.updateBotActivity(customer.conversationId, own.id, { text: 'forged' }),
      ).toBeUndefined();
      expect(await line.updateBotActivity(customer.conversationId, 'nope', { text: 'x' })).toBeUndefined();
    });

    it('takes nothing from the desk for a conversation that is gone', async () => {
      const { line } = channel();
      expect(await line.addBotActivity('gone', { text: 'hello?' })).toBeUndefined();
      expect(await line.updateBotActivity('gone', 'x', { text: 'hello?' })).toBeUndefined();
    });

    it('withdraws a message the desk did not take', async () => {
      const { line } = channel();
      const customer = await access(line);
      const activity = await line.addCustomerMessage(customer, 'lost', undefined);
      await line.withdraw(customer.conversationId, activity.id);
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
