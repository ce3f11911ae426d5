/** Everything the customer is ever told, in one place. Close (to Waiting) tells them nothing. */
export const customerWording = {
  queued: "Thanks! You're in the queue; an agent will be with you shortly.",
  joined: (agentName: string) => `You're now chatting with ${agentName}.`,
  /** A consultant the agent added to the conversation (they may write to the customer now). */
  consultantJoined: (name: string) => `${name} joined the conversation.`,
  /** A supervisor joined the conversation (they may write to the customer now). */
  supervisorJoined: (name: string) => `${name} (supervisor) joined the conversation.`,
  transferStarted: "I'm connecting you with a colleague. Your conversation history is kept.",
  ended: (agentName: string) =>
    `${agentName} has ended the conversation. Send a message any time to start a new one.`,
  rateLimited: "You're sending messages quickly — please wait a moment.",
  /** The customer ended the chat (`end`, the web chat page's End chat). */
  endedByCustomer: 'You ended the conversation. Send a message any time to start a new one.',
  nothingToEnd: "There's no conversation to end. Send a message any time to start one.",
  /** An End of a conversation that has ended already (a second press of End chat): nothing changes. */
  alreadyEnded: 'Your conversation has already ended. Send a message any time to start a new one.',
  /** Queued while no agent is Available or Busy (within the operating hours). */
  nobodyAvailable:
    'Thanks! Nobody is available right now. Your message is kept in the queue, and an agent will answer as soon as one is free.',
  /** A supervisor's Force close. */
  closedByTeam: 'This conversation was closed by our team.',
  /** The post-conversation survey, asked after an End (CSAT_SURVEY). */
  survey: 'How did we do? (1–5)',
  surveyThanks: 'Thank you for your feedback.',
  /** A second answer to a survey: the first one stands. */
  surveyAnsweredAlready: "You've already answered this survey. Thank you!",
  /** An answer after the customer started a new conversation, or a day after the survey was asked. */
  surveyClosed: 'This survey has closed, so that answer was not recorded.',
  surveyRatingOutOfRange: 'Please choose a rating from 1 to 5.',
  /** An answer for a survey that was not asked of this customer, or whose id does not match: not recorded. */
  surveyRefused: "That answer wasn't recorded: it isn't for a survey we asked you.",
  /** A pre-chat question asked again after an empty answer. */
  prechatRetry: (question: string) => `Please answer in a few words. ${question}`,
} as const;

export const TRUNCATION_NOTE = '(truncated)';

/** Caps text at `maxChars`, marking the cut visibly. */
export function capText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  // Never cut a surrogate pair in half, which would leave an invalid character before the note.
  const end = /[\uDC00-\uDFFF]/.test(text.charAt(maxChars)) ? maxChars - 1 : maxChars;
  return { text: `${text.slice(0, end)} ${TRUNCATION_NOTE}`, truncated: true };
}
