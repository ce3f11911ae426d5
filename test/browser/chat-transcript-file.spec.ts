import { Transcript } from '../../src/web/chat/transcript';
import { transcriptFile, type LocalTime } from '../../src/web/chat/transcript-file';
import type { ChatActivity, RelaydeskNotice } from '../../src/web/webchat/directline-contract';

/** The chat page's Download transcript, built from the page's own lines, in Node; the browser journey saves it. */

const UTC: LocalTime = {
  stamp: (date) => date.toISOString().slice(0, 19).replace('T', ' '),
  zone: () => 'UTC+00:00',
};
const NOW = new Date('2026-12-06T10:05:00Z');

let seq = 0;
function desk(text: string, relaydesk?: RelaydeskNotice, at = '2026-12-06T10:00:01Z'): ChatActivity {
  seq += 1;
  return {
    type: 'message',
    id: `conv|${String(seq).padStart(7, '0')}`,
    timestamp: at,
    channelId: 'webchat',
    conversation: { id: 'conv' },
    from: { id: 'relaydesk', name: 'Relaydesk', role: 'bot' },
    text,
    ...(relaydesk ? { channelData: { relaydesk } } : {}),
  };
}

const fileOf = (transcript: Transcript) =>
  transcriptFile(transcript.entries, { conversationId: 'conv-42', now: NOW, time: UTC });

describe('the chat page’s transcript file', () => {
  it('holds the conversation, one line per message with its time and who said it, under a header', () => {
    const transcript = new Transcript();
    transcript.confirm(
      Object.assign(transcript.addOwn('Where is my order?', '2026-12-06T10:00:00Z'), { state: 'sending' }),
      'conv|mine',
    );
    transcript.merge([
      desk("Thanks! You're in the queue; an agent will be with you shortly."),
      desk("You're next.", { kind: 'position' }),
      desk('Hi, I can help.\nWhat is the order number?', { kind: 'agent-message', agentName: 'Alex Agent' }),
    ]);
    expect(fileOf(transcript)).toEqual({
      fileName: 'relaydesk-chat-2026-12-06.txt',
      text: [
        'Chat transcript — Relaydesk',
        'Conversation: conv-42',
        'Saved: 2026-12-06 10:05:00 (UTC+00:00; the times below are in this zone)',
        '',
        '[2026-12-06 10:00:00] You: Where is my order?',
        "[2026-12-06 10:00:01] Relaydesk: Thanks! You're in the queue; an agent will be with you shortly.",
        '[2026-12-06 10:00:01] Alex Agent: Hi, I can help.',
        '    What is the order number?',
        '',
      ].join('\n'),
    });
  });

  it('leaves out places in the queue, the page’s own notes and an earlier conversation’s greyed lines', () => {
    const transcript = new Transcript();
    transcript.merge([desk('Old conversation line')]);
    transcript.archive();
    transcript.addNote('New conversation: the one above has ended.');
    transcript.merge([desk("You're number 2 in the queue.", { kind: 'position' })]);
    expect(fileOf(transcript)).toBeUndefined();
    transcript.merge([desk('Hello again')]);
    const text = fileOf(transcript)!.text;
    expect(text).toContain('Relaydesk: Hello again');
    expect(text).not.toMatch(/Old conversation|queue|New conversation/);
  });

  it('marks a message of the customer’s that never went, and strips control characters', () => {
    const transcript = new Transcript();
    transcript.fail(transcript.addOwn('Are you\u0007 there?', '2026-12-06T10:02:00Z'));
    expect(fileOf(transcript)!.text).toContain('[2026-12-06 10:02:00] You: Are you there? [not sent]\n');
  });
});
