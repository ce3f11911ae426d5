import type { PresenceStatus } from '../domain/presence';
import type { WorkItemState } from '../domain/work-item';
import type { NoticeTone, OfferStatus } from '../app/views';
import type { ReadOnlyReason } from '../domain/session-access';

/** Adaptive Card TextBlock colours used by the templates. */
export type CardColor = 'Default' | 'Accent' | 'Good' | 'Warning' | 'Attention';

const pad2 = (value: number): string => String(value).padStart(2, '0');

function utcDay(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/**
 * A moment as the agent reads it, always in UTC so cards are the same for every viewer and every test run:
 * "14:05 UTC" on the same UTC day as `now`, "2025-11-23 14:05 UTC" otherwise (and whenever `now` is not given).
 */
export function formatMoment(epochMs: number, now?: number): string {
  if (!Number.isFinite(epochMs)) return 'unknown time';
  const date = new Date(epochMs);
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`;
  return now !== undefined && Number.isFinite(now) && utcDay(now) === utcDay(epochMs)
    ? time
    : `${utcDay(epochMs)} ${time}`;
}

const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  msteams: 'Microsoft Teams',
  webchat: 'Web chat',
  directline: 'Direct Line',
  sms: 'SMS',
  facebook: 'Facebook',
  emulator: 'Bot Framework Emulator',
  test: 'Test',
};

/** Bot Framework channel ids as people name them; an unknown id is shown as it is. */
export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel.toLowerCase()] ?? channel;
}

export const WORK_ITEM_STATE_LABELS: Readonly<Record<WorkItemState, string>> = {
  open: 'Open',
  active: 'Active',
  waiting: 'Waiting',
  'wrap-up': 'Wrap-up',
  closed: 'Closed',
};

export const PRESENCE_COLORS: Readonly<Record<PresenceStatus, CardColor>> = {
  available: 'Good',
  busy: 'Attention',
  dnd: 'Attention',
  away: 'Warning',
  offline: 'Default',
  inactive: 'Warning',
};

/** The line an offer card shows once it is no longer pending. */
export const OFFER_STATUS_TEXT: Readonly<Record<Exclude<OfferStatus, 'pending'>, string>> = {
  accepted: 'Accepted',
  rejected: 'Rejected',
  missed: 'Missed',
  unavailable: 'This request is no longer available.',
};

export const OFFER_STATUS_COLORS: Readonly<Record<Exclude<OfferStatus, 'pending'>, CardColor>> = {
  accepted: 'Good',
  rejected: 'Default',
  missed: 'Warning',
  unavailable: 'Warning',
};

export const NOTICE_COLORS: Readonly<Record<NoticeTone, CardColor>> = {
  default: 'Default',
  good: 'Good',
  warning: 'Warning',
  attention: 'Attention',
};

const READ_ONLY_TEXT: Readonly<Record<ReadOnlyReason, string>> = {
  closed: 'Closed — read only',
  monitoring:
    'Monitoring — read only, and nobody is told. Join it from the floor card to write to the customer.',
  consulting: 'Consulting — read only until its agent adds you to the conversation.',
};

/** What a conversation card says in place of its reply box: closed, monitored or consulted on. */
export function readOnlyText(reason: ReadOnlyReason = 'closed'): string {
  return READ_ONLY_TEXT[reason];
}
