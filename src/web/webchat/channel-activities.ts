import {
  MAX_DISPLAY_NAME_CHARS,
  WEBCHAT_CHANNEL_ID,
  relaydeskNoticeOf,
  type ChannelAccount,
  type ChatActivity,
} from './directline-contract';
import { isObject } from '../../shared/json';

/** The bot as the channel names it to its customers; the desk's replies come from this account. */
export const BOT_ACCOUNT: ChannelAccount = { id: 'relaydesk', name: 'Relaydesk', role: 'bot' };

const MAX_TYPE_CHARS = 50;
const MAX_ID_CHARS = 200;

/** What the desk sent through the connector, as the channel keeps it. */
export interface BotActivityInput {
  readonly type?: unknown;
  readonly text?: unknown;
  readonly textFormat?: unknown;
  readonly attachments?: unknown;
  readonly replyToId?: unknown;
  readonly from?: unknown;
  readonly channelData?: unknown;
}

/** A display name a client may give itself: trimmed, no control characters, at most 64 characters; else none. */
export function displayNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return clean === '' ? undefined : [...clean].slice(0, MAX_DISPLAY_NAME_CHARS).join('');
}

/** The watermark query value as a sequence number: absent or '' is 0; anything but digits is undefined. */
export function parseWatermark(value: unknown): number | undefined {
  if (value === undefined || value === '') return 0;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

export function activityIdOf(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

/** The outbox's stable id a desk's send carries, when it is a usable one. */
export function relaydeskIdOf(channelData: unknown): string | undefined {
  const value = isObject(channelData) ? channelData['relaydeskId'] : undefined;
  return typeof value === 'string' && value !== '' && value.length <= MAX_ID_CHARS ? value : undefined;
}

/**
 * The customer's message, stamped by the channel: their bound id, the conversation, an id and the time; a card
 * submit's value (a survey answer) rides along as sent.
 */
export function customerMessage(
  conversationId: string,
  id: string,
  timestamp: string,
  from: ChannelAccount,
  text: string,
  value?: Readonly<Record<string, unknown>>,
): ChatActivity {
  return {
    type: 'message',
    id,
    timestamp,
    channelId: WEBCHAT_CHANNEL_ID,
    conversation: { id: conversationId },
    from,
    text,
    textFormat: 'plain',
    ...(value !== undefined ? { value } : {}),
  };
}

/**
 * What the channel keeps of the desk's activity: the fields a chat client shows, addressed by the channel, and of
 * its channelData only the validated notice (arbitrary channelData could carry anything to the page).
 */
export function botActivity(
  conversationId: string,
  id: string,
  timestamp: string,
  input: BotActivityInput,
  replyToId: string | undefined,
): ChatActivity {
  const from = isObject(input.from) ? input.from : {};
  const fromId = typeof from['id'] === 'string' && from['id'] !== '' ? from['id'] : BOT_ACCOUNT.id;
  const fromName = typeof from['name'] === 'string' && from['name'] !== '' ? from['name'] : BOT_ACCOUNT.name;
  const type =
    typeof input.type === 'string' && input.type !== '' ? input.type.slice(0, MAX_TYPE_CHARS) : 'message';
  const answers =
    replyToId ??
    (typeof input.replyToId === 'string' && input.replyToId !== '' ? input.replyToId : undefined);
  const notice = relaydeskNoticeOf(input.channelData);
  return {
    type,
    id,
    timestamp,
    channelId: WEBCHAT_CHANNEL_ID,
    conversation: { id: conversationId },
    from: { id: fromId.slice(0, MAX_ID_CHARS), ...(fromName ? { name: fromName } : {}), role: 'bot' },
    ...(typeof input.text === 'string' ? { text: input.text } : {}),
    ...(typeof input.textFormat === 'string'
      ? { textFormat: input.textFormat.slice(0, MAX_TYPE_CHARS) }
      : {}),
    ...(Array.isArray(input.attachments) && input.attachments.length > 0
      ? { attachments: input.attachments as unknown[] }
      : {}),
    ...(answers !== undefined ? { replyToId: answers.slice(0, MAX_ID_CHARS) } : {}),
    ...(notice !== undefined ? { channelData: { relaydesk: notice } } : {}),
  };
}
