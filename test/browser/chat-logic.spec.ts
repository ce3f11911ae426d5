import { linkParts } from '../../src/web/chat/links';
import {
  DEFAULT_MAX_TEXT_CHARS,
  SAVED_CHAT_KEY,
  SavedChatStore,
  needsRefresh,
  parseSavedChat,
  savedChatFrom,
} from '../../src/web/chat/saved-chat';
import { POLL_INTERVAL_MS, counterState, nextPollDelayMs } from '../../src/web/chat/schedule';
import { statusOf } from '../../src/web/chat/status';
import { NO_TEXT_FALLBACK, Transcript, senderOf } from '../../src/web/chat/transcript';
import type { ChatActivity, RelaydeskNotice } from '../../src/web/webchat/directline-contract';
import { memoryStorage } from '../support/memory-storage';

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

/** A desk message that says what it is. */
function notice(text: string, relaydesk: RelaydeskNotice, extra: Partial<ChatActivity> = {}): ChatActivity {
  return activity('bot', text, { channelData: { relaydesk }, ...extra });
}

const PRESSED = '2026-01-05T09:59:58.000Z';

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
    const entry = transcript.addOwn('Is anyone there?', PRESSED);
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
    const entry = transcript.addOwn('One', PRESSED);
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
    const entry = transcript.addOwn('Lost', PRESSED);
    entry.state = 'sending';
    entry.id = 'conv|0000009';
    transcript.fail(entry);
    expect(entry).toMatchObject({ state: 'failed', id: undefined, text: 'Lost' });
    expect(transcript.queued()).toEqual([]);
  });
});

describe('the web chat transcript: who signs, what time, refusals and the end', () => {
  it("signs an agent's message with their name, and the desk's own notices as Relaydesk", () => {
    const transcript = new Transcript();
    transcript.merge([
      notice('You are in the queue', { kind: 'queued' }),
      notice('You are now chatting with Alex Agent.', { kind: 'joined', agentName: 'Alex Agent' }),
      notice('Hi, I am checking.', { kind: 'agent-message', agentName: 'Alex Agent' }),
      activity('bot', 'A message that says nothing of itself'),
      notice('Alex Agent has ended the conversation.', { kind: 'ended', agentName: 'Alex Agent' }),
    ]);
    transcript.addOwn('Thanks', PRESSED);
    expect(transcript.entries.map(senderOf)).toEqual([
      'Relaydesk',
      'Relaydesk',
      'Alex Agent',
      'Relaydesk',
      'Relaydesk',
      'You',
    ]);
  });

  it('times an own message when it is sent, then with the channel’s time, whichever answers first', () => {
    const transcript = new Transcript();
    const first = transcript.addOwn('First', PRESSED);
    const second = transcript.addOwn('Second', PRESSED);
    expect(first.timestamp).toBe(PRESSED);
    first.state = 'sending';
    const echoedFirst = activity('user', 'First', { timestamp: '2026-01-05T10:00:01.000Z' });
    transcript.confirm(first, echoedFirst.id);
    second.state = 'sending';
    const echoedSecond = activity('user', 'Second', { timestamp: '2026-01-05T10:00:02.000Z' });
    transcript.merge([echoedFirst, echoedSecond]);
    expect([first.timestamp, second.timestamp]).toEqual([
      '2026-01-05T10:00:01.000Z',
      '2026-01-05T10:00:02.000Z',
    ]);
  });

  it('marks the message a rate-limited notice answers as not sent, even when its POST answers after', () => {
    const transcript = new Transcript();
    const entry = transcript.addOwn('Fourth message', PRESSED);
    entry.state = 'sending';
    const mine = activity('user', 'Fourth message');
    const refusal = notice('Please wait a moment.', { kind: 'rate-limited', replyToId: mine.id });
    transcript.merge([mine, refusal]);
    transcript.confirm(entry, mine.id);
    expect(entry).toMatchObject({ state: 'failed', id: undefined });
    expect(transcript.entries.map((e) => e.text)).toEqual(['Fourth message', 'Please wait a moment.']);
  });

  it('finds the refused message by the activity’s replyToId when the notice names none', () => {
    const transcript = new Transcript();
    const mine = activity('user', 'Too fast');
    transcript.merge([mine, notice('Slow down', { kind: 'rate-limited' }, { replyToId: mine.id })]);
    expect(transcript.entries[0]?.state).toBe('failed');
  });

  it('ignores a refusal naming a message that is not the customer’s or not there', () => {
    const transcript = new Transcript();
    const desk = notice('Hello', { kind: 'queued' });
    transcript.merge([
      desk,
      notice('Slow down', { kind: 'rate-limited', replyToId: desk.id }),
      notice('Slow down', { kind: 'rate-limited', replyToId: 'conv|9999999' }),
    ]);
    expect(transcript.entries.map((entry) => entry.state)).toEqual(['sent', 'sent', 'sent']);
  });

  it('after a reload, shows a refused message sent again once, as sent', () => {
    const transcript = new Transcript();
    const refused = activity('user', 'Again');
    const resent = activity('user', 'Again');
    transcript.merge([refused, notice('Slow down', { kind: 'rate-limited', replyToId: refused.id }), resent]);
    expect(transcript.entries.map((entry) => [entry.text, entry.state, entry.id])).toEqual([
      ['Again', 'sent', resent.id],
      ['Slow down', 'sent', expect.any(String)],
    ]);
  });

  it('says the desk ended the conversation until the customer writes again', () => {
    const transcript = new Transcript();
    transcript.merge([notice('Hi', { kind: 'agent-message', agentName: 'Alex Agent' })]);
    expect(transcript.endedByDesk()).toBe(false);
    transcript.merge([notice('Ended.', { kind: 'ended', agentName: 'Alex Agent' })]);
    transcript.addNote('A note of the page’s own does not change that');
    expect(transcript.endedByDesk()).toBe(true);
    transcript.addOwn('One more thing', PRESSED);
    expect(transcript.endedByDesk()).toBe(false);
  });

  it('keeps the conversation ended through the survey: its question, the answer and the desk’s reply', () => {
    const transcript = new Transcript();
    const survey = { workItemId: 'wi-1', surveyId: 'survey-1' };
    transcript.merge([
      notice('Ended.', { kind: 'ended', agentName: 'Alex Agent' }),
      notice('How did we do? (1–5)', { kind: 'survey', survey }),
    ]);
    expect(transcript.endedByDesk()).toBe(true);
    const asked = transcript.entries.at(-1)!;
    expect(asked.survey).toEqual(survey);
    expect([...transcript.openSurveys()]).toEqual([asked]);
    const answer = transcript.addOwn('Rating: 4 of 5', PRESSED, { verb: 'csatAnswer', ...survey, rating: 4 });
    expect(answer.value).toMatchObject({ rating: 4 });
    expect(transcript.openSurveys().size).toBe(0);
    transcript.merge([notice('Thank you for your feedback.', { kind: 'survey-reply' })]);
    expect(transcript.endedByDesk()).toBe(true);
    transcript.addOwn('Something else', PRESSED);
    expect(transcript.endedByDesk()).toBe(false);
  });

  it('closes a survey the customer wrote after (a new conversation), and one left for a new conversation', () => {
    const transcript = new Transcript();
    const survey = { workItemId: 'wi-1', surveyId: 'survey-1' };
    transcript.merge([notice('How did we do? (1–5)', { kind: 'survey', survey })]);
    transcript.merge([activity('user', 'A new question')]);
    expect(transcript.openSurveys().size).toBe(0);
    transcript.merge([
      notice('How did we do? (1–5)', { kind: 'survey', survey: { ...survey, surveyId: 's-2' } }),
    ]);
    expect(transcript.openSurveys().size).toBe(1);
    transcript.archive();
    expect(transcript.openSurveys().size).toBe(0);
  });

  it('keeps a survey notice only with both its ids', () => {
    const transcript = new Transcript();
    transcript.merge([
      activity('bot', 'How did we do? (1–5)', {
        channelData: { relaydesk: { kind: 'survey', survey: { workItemId: 'wi-1' } } } as never,
      }),
    ]);
    expect(transcript.entries[0]?.survey).toBeUndefined();
    expect(transcript.openSurveys().size).toBe(0);
  });

  it('shows only the latest place in the queue, and none once an agent joined', () => {
    const transcript = new Transcript();
    const shown = () =>
      transcript.entries.filter((entry) => !entry.superseded).map((entry) => [entry.kind, entry.text]);
    transcript.merge([notice("You're number 3 in the queue.", { kind: 'position' })]);
    const moved = transcript.merge([notice("You're next.", { kind: 'position' })]);
    expect(moved.updated.map((entry) => entry.text)).toEqual(["You're number 3 in the queue."]);
    expect(shown()).toEqual([['position', "You're next."]]);
    transcript.merge([
      notice("You're now chatting with Alex Agent.", { kind: 'joined', agentName: 'Alex Agent' }),
    ]);
    expect(shown()).toEqual([['joined', "You're now chatting with Alex Agent."]]);
  });

  it('archives a left conversation: greyed, no longer ended, nothing of it sent again', () => {
    const transcript = new Transcript();
    const waiting = transcript.addOwn('Never sent', PRESSED);
    transcript.merge([notice('Ended.', { kind: 'ended' })]);
    transcript.archive();
    expect(transcript.entries.every((entry) => entry.archived)).toBe(true);
    expect(waiting.state).toBe('failed');
    expect(transcript.queued()).toEqual([]);
    expect(transcript.endedByDesk()).toBe(false);
  });
});

describe('links in message text', () => {
  it('makes http and https addresses links, keeping the text as written around them', () => {
    expect(linkParts('See https://example.com/orders/1234?x=1#top, or http://help.example.')).toEqual([
      { text: 'See ' },
      { text: 'https://example.com/orders/1234?x=1#top', href: 'https://example.com/orders/1234?x=1#top' },
      { text: ', or ' },
      { text: 'http://help.example', href: 'http://help.example/' },
      { text: '.' },
    ]);
  });

  it('keeps brackets that belong to the address, and leaves out those around it', () => {
    expect(linkParts('(https://en.wikipedia.org/wiki/Tea_(drink))')).toEqual([
      { text: '(' },
      {
        text: 'https://en.wikipedia.org/wiki/Tea_(drink)',
        href: 'https://en.wikipedia.org/wiki/Tea_(drink)',
      },
      { text: ')' },
    ]);
  });

  it('makes nothing else a link: other schemes, bare names, e-mail, credentials, half a word', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'www.example.com and example.com',
      'mail me: casey@example.com',
      'https://user:secret@example.com/',
      'notahttps://example.com',
      'https://',
    ]) {
      expect(linkParts(text)).toEqual([{ text }]);
    }
  });

  it('links an address written inside markup as the address alone; the markup stays text', () => {
    expect(linkParts('<a href="https://evil.example/x">y</a>')).toEqual([
      { text: '<a href="' },
      { text: 'https://evil.example/x', href: 'https://evil.example/x' },
      { text: '">y</a>' },
    ]);
  });
});

describe('the status line', () => {
  it('says the conversation ended when the channel lost it, or the desk ended it while connected', () => {
    expect(statusOf('live', false)).toBe('live');
    expect(statusOf('live', true)).toBe('ended');
    expect(statusOf('lost', false)).toBe('ended');
    expect(statusOf('reconnecting', true)).toBe('reconnecting');
    expect(statusOf('idle', false)).toBe('idle');
  });
});

describe('the saved chat (localStorage, shared by the tabs)', () => {
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

describe('the saved chat store', () => {
  const now = 1_000_000;
  const chatOf = (conversationId: string) =>
    savedChatFrom({ conversationId, token: 'tok', expires_in: 1800, maxTextChars: 500 }, now);

  it('forgets its own conversation, but not one another tab has saved since', () => {
    const storage = memoryStorage();
    const store = new SavedChatStore(storage);
    store.write(chatOf('first'));
    store.forget('other');
    expect(store.read(now)?.conversationId).toBe('first');
    store.forget('first');
    expect(store.read(now)).toBeUndefined();
  });

  it('removes a saved chat that has expired when it reads it', () => {
    const storage = memoryStorage();
    const store = new SavedChatStore(storage);
    store.write(chatOf('old'));
    expect(store.read(now + 1_800_000)).toBeUndefined();
    expect(storage.items.has(SAVED_CHAT_KEY)).toBe(false);
  });
});
