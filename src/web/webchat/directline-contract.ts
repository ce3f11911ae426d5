/**
 * The local Direct Line channel (WEBCHAT=local, anonymous mode only), shared by the server and the web chat page:
 * the part of Azure's Direct Line v3 REST protocol a polling client needs, under the same paths.
 *
 *   POST /v3/directline/conversations                                → 201 ConversationStarted
 *   POST /v3/directline/tokens/refresh               (Bearer)        → 200 ConversationStarted (a new token)
 *   POST /v3/directline/conversations/:id/activities (Bearer) PostedActivity → 200 { id }
 *   GET  /v3/directline/conversations/:id/activities?watermark=N (Bearer) → 200 ActivitySet
 *
 * As implemented (src/web/webchat/local-directline.ts, directline-routes.ts):
 * - Starting a conversation needs no credentials; the server makes the conversation and the customer's user id
 *   (`dl-…`) and binds both to the token. The client never chooses its `from.id`: one sent is ignored, so a web
 *   chat user cannot pose as an agent. Only `from.name` is taken (trimmed, at most 64 characters).
 * - One client address may start 30 conversations a minute (429 with Retry-After past that); while the channel
 *   holds its most conversations a start is refused (503 with Retry-After): no live one is ended to make room.
 * - Tokens are opaque and expire after `expires_in` seconds; refresh before that (the old one stays valid until
 *   it expires). A conversation ends after an hour without a call from its customer (its tokens with it).
 * - Only `message` activities with a non-empty `text` are taken. The text goes to the desk as on any channel
 *   (longer than MAX_TEXT_CHARS, the agent sees it cut with "(truncated)"); the whole request is capped by
 *   MAX_BODY_KB. A message may carry a `value` (a JSON object), as a card's Action.Submit does: the page answers
 *   the post-conversation survey so, and the desk reads the value, not the text.
 * - `watermark` is the sequence number of the last activity a client has seen: the answer holds the customer's
 *   and the desk's activities after it, in order, and the new watermark. An activity the desk updates comes
 *   again, with the same id, after the watermark current then.
 * - The desk's messages carry `channelData.relaydesk` (RelaydeskNotice): what the message is, the agent's name,
 *   and for a refusal the customer's activity it refuses; the channel keeps nothing else of a desk's channelData.
 * - Errors are `{ error: { code, message } }`: 400 BadArgument, 401 Unauthorized (no, wrong or expired token,
 *   or a token of another conversation), 404 ConversationNotFound (unknown or expired), 413 (too large),
 *   429 TooManyRequests (starts from one address), 502 BotError (the desk did not take the message), 503
 *   ServiceUnavailable (the channel is full, or the desk said it is unavailable). With 502 and 503 on a post the
 *   message is withdrawn from the transcript and `id` names it; 429 and 503 carry Retry-After (seconds).
 */

import { isObject } from '../../shared/json';

export const DIRECT_LINE_PATHS = {
  conversations: '/v3/directline/conversations',
  refresh: '/v3/directline/tokens/refresh',
  activities: (conversationId: string) =>
    `/v3/directline/conversations/${encodeURIComponent(conversationId)}/activities`,
} as const;

/** The channel id the desk sees for these customers (named "Web chat" on the agent's cards). */
export const WEBCHAT_CHANNEL_ID = 'webchat';

/** The longest display name taken from a client's `from.name`. */
export const MAX_DISPLAY_NAME_CHARS = 64;

export interface ConversationStarted {
  readonly conversationId: string;
  readonly token: string;
  /** Seconds until the token expires. */
  readonly expires_in: number;
  /** Not in Azure's protocol: MAX_TEXT_CHARS, so the page can count characters against it. */
  readonly maxTextChars: number;
}

export interface ChannelAccount {
  readonly id: string;
  readonly name?: string;
  readonly role?: 'user' | 'bot';
}

/** What a message from the desk is (the desk's CustomerNoticeKind). */
export const RELAYDESK_NOTICE_KINDS = [
  'queued',
  'position',
  'joined',
  'ended',
  'rate-limited',
  'agent-message',
  'survey',
  'survey-reply',
] as const;
export type RelaydeskNoticeKind = (typeof RELAYDESK_NOTICE_KINDS)[number];

/** The longest agent name a notice carries; longer ones are cut. */
export const MAX_AGENT_NAME_CHARS = 128;
/** The longest activity id a notice may refer to; a longer one is no reference. */
export const MAX_NOTICE_ID_CHARS = 200;

/** What a `survey` notice asks: the answer carries both back. */
export interface NoticeSurvey {
  readonly workItemId: string;
  readonly surveyId: string;
}

/** `channelData.relaydesk` on the desk's messages: what each is, who wrote it, which message it refuses. */
export interface RelaydeskNotice {
  readonly kind: RelaydeskNoticeKind;
  /** The agent's display name (agent-message, joined, ended). */
  readonly agentName?: string;
  /** The customer's activity this answers (rate-limited: the one refused; survey-reply: the answer). */
  readonly replyToId?: string;
  /** A survey's question: which survey, for the answer to carry (survey only). */
  readonly survey?: NoticeSurvey;
}

/** An activity as the channel hands it to the client. */
export interface ChatActivity {
  readonly type: string;
  /** `<conversationId>|<sequence, 7 digits>`, as Azure's ids look. */
  readonly id: string;
  /** ISO 8601, when the channel took it. */
  readonly timestamp: string;
  readonly channelId: string;
  readonly conversation: { readonly id: string };
  readonly from: ChannelAccount;
  readonly text?: string;
  readonly textFormat?: string;
  readonly attachments?: readonly unknown[];
  readonly replyToId?: string;
  /** A customer's message may carry one (a survey answer): a JSON object. */
  readonly value?: Readonly<Record<string, unknown>>;
  /** Only on the desk's messages, and only this. */
  readonly channelData?: { readonly relaydesk: RelaydeskNotice };
}

export interface ActivitySet {
  readonly activities: readonly ChatActivity[];
  readonly watermark: string;
}

/** What a client posts. */
export interface PostedActivity {
  readonly type: 'message';
  readonly text: string;
  readonly from?: { readonly name?: string };
  /** A card submit's data (the survey's answer): a JSON object. */
  readonly value?: Readonly<Record<string, unknown>>;
}

export interface DirectLineError {
  readonly error: { readonly code: string; readonly message: string };
  /** With 502 BotError or 503 on a post: the activity that was withdrawn. */
  readonly id?: string;
}

/**
 * The notice in an activity's channelData, validated: a known kind, and the agent's name and the id referred to
 * as non-empty strings (the name cut to MAX_AGENT_NAME_CHARS); any other field is dropped. Undefined when there
 * is no valid notice. Shared by the channel (what it keeps) and the page (what it believes).
 */
export function relaydeskNoticeOf(channelData: unknown): RelaydeskNotice | undefined {
  const notice = isObject(channelData) ? channelData['relaydesk'] : undefined;
  if (!isObject(notice)) return undefined;
  const kind = RELAYDESK_NOTICE_KINDS.find((known) => known === notice['kind']);
  if (kind === undefined) return undefined;
  const agentName = nonEmpty(notice['agentName']);
  const replyToId = nonEmpty(notice['replyToId']);
  const survey = kind === 'survey' ? surveyOf(notice['survey']) : undefined;
  return {
    kind,
    ...(agentName !== undefined ? { agentName: [...agentName].slice(0, MAX_AGENT_NAME_CHARS).join('') } : {}),
    ...(replyToId !== undefined && replyToId.length <= MAX_NOTICE_ID_CHARS ? { replyToId } : {}),
    ...(survey !== undefined ? { survey } : {}),
  };
}

/** A survey's ids, each a non-empty string of at most MAX_NOTICE_ID_CHARS; else none. */
function surveyOf(value: unknown): NoticeSurvey | undefined {
  if (!isObject(value)) return undefined;
  const workItemId = nonEmpty(value['workItemId']);
  const surveyId = nonEmpty(value['surveyId']);
  if (workItemId === undefined || surveyId === undefined) return undefined;
  if (workItemId.length > MAX_NOTICE_ID_CHARS || surveyId.length > MAX_NOTICE_ID_CHARS) return undefined;
  return { workItemId, surveyId };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
