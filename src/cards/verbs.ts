/** Card action verbs: the public contract between the cards and the bot, defined once. */
export const VERBS = {
  accept: 'accept',
  reject: 'reject',
  focus: 'focus',
  end: 'end',
  close: 'close',
  closeConfirm: 'closeConfirm',
  closeCancel: 'closeCancel',
  reply: 'reply',
  togglePanel: 'togglePanel',
  presence: 'presence',
  open: 'open',
  pick: 'pick',
  kbSearch: 'kbSearch',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];

export const ALL_VERBS: readonly Verb[] = Object.values(VERBS);

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (ALL_VERBS as readonly string[]).includes(value);
}

/** Input ids on the cards. */
export const INPUTS = {
  text: 'text',
  presence: 'presence',
  query: 'query',
} as const;
