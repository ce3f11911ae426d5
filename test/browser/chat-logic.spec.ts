import {
  DEFAULT_MAX_TEXT_CHARS,
  needsRefresh,
  parseSavedChat,
  savedChatFrom,
} from '../../src/web/chat/saved-chat';
import { POLL_INTERVAL_MS, counterState, nextPollDelayMs } from '../../src/web/chat/schedule';
import { NO_TEXT_FALLBACK, Transcript } from '../../src/web/chat/transcript';
import type { ChatActivity } from '../../src/web/webchat/directline-contract';

/** The web chat page's logic that needs no DOM, run in Node; the browser journey covers the rest. */

let seq = 0;
function activity(
  role: 'user' | 'bot',
  text: string | undefined,
  extra: Partial<ChatActivity> = {},
): ChatActivity {
  seq += 1;
  return {
    type: 'message',
    id: `conv|${String(seq).padStart(7, '0')}`,
    timestamp: '2026-01-05T10:00:00.000Z',
    channelId: 'webchat',
    conversation: { id: 'conv' },
    from: role === 'user' ? { id: 'dl-1', role } : { id: 'relaydesk', name: 'Relaydesk', role },
    ...(text !== undefined ? { text } : {}),
    ...extra,
  };
}

describe('the web chat transcript', () => {
  it('appends what polls bring, the customer’s own and the desk’s, once each', () => {
    const transcript = new Transcript();
    const mine = activity('user', 'Hello');
    const queued = activity('bot', 'You are in the queue');
    const first = transcript.merge([mine, queued]);
    expect(first.added.map((entry) => [entry.author, entry.text])).toEqual([
      ['customer', 'Hello'],
      ['desk', 'You are in the queue'],
    ]);
    expect(transcript.merge([mine, queued])).toEqual({ added: [], updated: [] });
    expect(transcript.entries).toHaveLength(2);
  });

  it('matches a poll that brings the message under way to it, and the POST’s answer then changes nothing', () => {
    const transcript = new Transcript();
    const entry = transcript.addOwn('Is anyone there?');
    expect(transcript.queued()).toEqual([entry]);
    entry.state = 'sending';
    const echoed = activity('user', 'Is anyone there?');
    const merged = transcript.merge([echoed, activity('bot', 'Thanks!')]);
    expect(merged.updated).toEqual([entry]);
    expect(entry.id).toBe(echoed.id);
    transcript.confirm(entry, echoed.id);
    expect(entry.state).toBe('sent');
    expect(transcript.entries.map((e) => e.text)).toEqual(['Is anyone there?', 'Thanks!']);
  });

  it('gives the message its id when the POST answers first, so the poll does not show it twice', () => {
    const transcript = new Transcript();
    const entry = transcript.addOwn('One');
    entry.state = 'sending';
    const echoed = activity('user', 'One');
    transcript.confirm(entry, echoed.id);
    expect(transcript.merge([echoed]).added).toEqual([]);
    expect(transcript.entries).toEqual([entry]);
  });

  it('replaces a line the desk updated, in place', () => {
    const transcript = new Transcript();
    const note = activity('bot', 'Before');
    transcript.merge([note, activity('user', 'Later')]);
    const merged = transcript.merge([{ ...note, text: 'After' }]);
    expect(merged.updated.map((entry) => entry.text)).toEqual(['After']);
    expect(transcript.entries.map((entry) => entry.text)).toEqual(['After', 'Later']);
  });

  it('shows a card it cannot draw as a short note, and skips other activity types and empty text', () => {
    const transcript = new Transcript();
    const merged = transcript.merge([
      activity('bot', undefined, {
        attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }],
      }),
      activity('bot', 'typing', { type: 'typing' }),
      activity('bot', '   '),
    ]);
    expect(merged.added.map((entry) => entry.text)).toEqual([NO_TEXT_FALLBACK]);
  });

  it('keeps a failed message, without its id, to be sent again', () => {
    const transcript = new Transcript();
    const entry = transcript.addOwn('Lost');
    entry.state = 'sending';
    entry.id = 'conv|0000009';
    transcript.fail(entry);
    expect(entry).toMatchObject({ state: 'failed', id: undefined, text: 'Lost' });
    expect(transcript.queued()).toEqual([]);
  });
});

describe('the saved chat (sessionStorage)', () => {
  const now = 1_000_000;
  const started = { conversationId: 'conv', token: 'tok', expires_in: 1800, maxTextChars: 500 };

  it('round-trips, and is refreshed past half its life', () => {
    const saved = savedChatFrom(started, now);
    expect(parseSavedChat(JSON.stringify(saved), now)).toEqual(saved);
    expect(needsRefresh(saved, now + 899_999)).toBe(false);
    expect(needsRefresh(saved, now + 900_000)).toBe(true);
  });

  it('is no saved chat when missing, malformed, incomplete or expired', () => {
    const saved = savedChatFrom(started, now);
    expect(parseSavedChat(null, now)).toBeUndefined();
    expect(parseSavedChat('{', now)).toBeUndefined();
    expect(parseSavedChat('"text"', now)).toBeUndefined();
    expect(parseSavedChat(JSON.stringify({ ...saved, token: '' }), now)).toBeUndefined();
    expect(parseSavedChat(JSON.stringify({ ...saved, expiresAt: 'soon' }), now)).toBeUndefined();
    expect(parseSavedChat(JSON.stringify(saved), now + 1_800_000)).toBeUndefined();
  });

  it('falls back to the default limit when the server did not give a usable one', () => {
    expect(savedChatFrom({ ...started, maxTextChars: -1 }, now).maxTextChars).toBe(DEFAULT_MAX_TEXT_CHARS);
    const saved = { ...savedChatFrom(started, now), maxTextChars: 'many' };
    expect(parseSavedChat(JSON.stringify(saved), now)?.maxTextChars).toBe(DEFAULT_MAX_TEXT_CHARS);
  });
});

describe('polling and the character counter', () => {
  it('polls every second, and backs off after failures up to 15 s, with jitter', () => {
    expect(nextPollDelayMs(0)).toBe(POLL_INTERVAL_MS);
    expect([1, 2, 3, 4, 5, 10].map((failures) => nextPollDelayMs(failures, () => 0.5))).toEqual([
      2000, 4000, 8000, 15000, 15000, 15000,
    ]);
    expect(nextPollDelayMs(1, () => 0)).toBe(1600);
    expect(nextPollDelayMs(1, () => 0.999999)).toBe(2400);
  });

  it('shows the counter from 80 % of the limit, and how much is too many', () => {
    expect(counterState(3199, 4000)).toMatchObject({ visible: false, over: false });
    expect(counterState(3200, 4000)).toEqual({
      visible: true,
      over: false,
      text: '3,200 / 4,000 characters',
    });
    expect(counterState(4000, 4000)).toMatchObject({ visible: true, over: false });
    expect(counterState(4012, 4000)).toEqual({
      visible: true,
      over: true,
      text: '4,012 / 4,000 characters: 12 too many',
    });
  });
});
