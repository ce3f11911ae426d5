import type { DigestSession, MessageDigestView } from '../app/views';
import type { DataOptions, DigestSessionData, MessageDigestCardData } from './card-data-types';
import { escapeCardText as text, stripControlCharacters } from './escape';
import { formatMoment } from './format';
import { sessionTextInput } from './verbs';

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function sessionData(session: DigestSession, options: DataOptions): DigestSessionData {
  const count = plural(session.messages.length, 'message', 'messages');
  return {
    sessionId: session.sessionId,
    title: text(session.title),
    icon: text(session.icon),
    alert: session.alert,
    subtitle: `${session.sentiment} · ${count}`,
    messages: session.messages.map((message) => ({
      sentAt: formatMoment(message.sentAt, options.now),
      text: text(message.text),
    })),
    inputId: sessionTextInput(session.sessionId),
    draft: stripControlCharacters(session.draft),
  };
}

/** The digest card: how many messages from how many customers, then each session's messages and reply box. */
export function messageDigestData(view: MessageDigestView, options: DataOptions): MessageDigestCardData {
  const messages = view.sessions.reduce((sum, session) => sum + session.messages.length, 0);
  return {
    heading: `${plural(messages, 'new message', 'new messages')} from ${plural(view.sessions.length, 'customer', 'customers')}`,
    sessions: view.sessions.map((session) => sessionData(session, options)),
    tabUrl: options.tabUrl ?? '',
  };
}
