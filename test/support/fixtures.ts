import type { TestAgent } from './activities';

/**
 * The people most HTTP, web and browser specs share: two Teams agents (in AGENT_IDS by their aadObjectId),
 * and the customer wording they expect, written out in full so a change of wording fails the tests.
 */
export const alex: TestAgent = {
  aadObjectId: 'aad-alex',
  userId: '29:alex',
  name: 'Alex Agent',
  conversationId: 'a:chat-alex',
};

export const bea: TestAgent = {
  aadObjectId: 'aad-bea',
  userId: '29:bea',
  name: 'Bea Agent',
  conversationId: 'a:chat-bea',
};

export const QUEUED = "Thanks! You're in the queue; an agent will be with you shortly.";
