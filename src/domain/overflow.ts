/**
 * Overflow (Omnichannel's "manage overflow"): a queue longer than MAX_QUEUE_LENGTH when a customer arrives, or a
 * customer waiting longer than MAX_QUEUE_WAIT_S, triggers that limit's action — keep waiting, told so, or end the
 * conversation, told so (the customer's words stay in the closed conversation either way). 0 turns a limit off.
 */

export const OVERFLOW_ACTIONS = ['wait', 'end'] as const;
export type OverflowAction = (typeof OVERFLOW_ACTIONS)[number];

export interface QueueLimits {
  readonly maxLength: number;
  readonly fullAction: OverflowAction;
  readonly maxWaitMs: number;
  readonly waitAction: OverflowAction;
}

export const NO_QUEUE_LIMITS: QueueLimits = {
  maxLength: 0,
  fullAction: 'wait',
  maxWaitMs: 0,
  waitAction: 'wait',
};

/** True when a customer arriving behind `ahead` others finds the queue full. */
export function isQueueFull(limits: QueueLimits, ahead: number): boolean {
  return limits.maxLength > 0 && ahead >= limits.maxLength;
}

export function hasWaitedTooLong(limits: QueueLimits, waitingSince: number, now: number): boolean {
  return limits.maxWaitMs > 0 && now - waitingSince >= limits.maxWaitMs;
}

export const overflowWording = {
  /** The queue is full; the customer keeps waiting. */
  busy: (ahead: number) =>
    `Thanks! We're busier than usual: ${ahead} ${ahead === 1 ? 'person is' : 'people are'} ahead of you. You can keep waiting here; your message is kept.`,
  /** The queue is full; the conversation ends. */
  full: "Sorry, we're too busy to take new chats right now. Your message is kept and our team can see it; please try again later.",
  /** Waited past the limit; still waiting. */
  longWait:
    "Thanks for waiting — it's taking longer than usual. You're still in the queue and keep your place.",
  /** Waited past the limit; the conversation ends. */
  waitEnded:
    'Sorry, nobody could answer in time, so this conversation was closed. Your message is kept; send a message any time to start a new one.',
} as const;
