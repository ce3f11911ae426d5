import { DomainError, IllegalTransitionError, NotSessionAgentError } from './errors';
import { acceptsOffers, type PresenceStatus } from './presence';
import type { WorkItem } from './work-item';

/**
 * A colleague the session's agent asked for help on an Active conversation (Omnichannel's consult). They read it
 * live and write in a private thread the customer never sees; once "added to the conversation" they may write to
 * the customer too. A consult takes no capacity: the conversation stays its agent's.
 */
export interface Consultant {
  readonly agentId: string;
  /** Their display name when invited (what the thread and the customer are shown). */
  readonly name: string;
  readonly invitedAt: number;
  /** Added to the conversation: their replies reach the customer, signed with their name. */
  readonly added: boolean;
}

/** What a consultant's session is: reading along, or added to the conversation (may write to the customer). */
export type ConsultRole = 'watching' | 'added';

/** Consultants one conversation may have at a time. */
export const MAX_CONSULTANTS = 5;

export class ConsultSelfError extends DomainError {
  readonly code = 'consult-self';

  constructor() {
    super('The conversation is already yours: invite a colleague to consult.');
  }
}

export class AlreadyConsultingError extends DomainError {
  readonly code = 'already-consulting';

  constructor(readonly consultantName: string) {
    super(`${consultantName} is already consulting on this conversation.`);
  }
}

export class ConsultLimitError extends DomainError {
  readonly code = 'consult-limit';

  constructor(readonly max: number) {
    super(`A conversation has at most ${max} consultants: remove one before inviting another.`);
  }
}

export class ConsultTargetUnavailableError extends DomainError {
  readonly code = 'consult-target-unavailable';

  constructor(readonly agentId: string) {
    super('That agent cannot consult now: choose a colleague who is Available or Busy.');
  }
}

export class NotConsultantError extends DomainError {
  readonly code = 'not-consultant';

  constructor(readonly agentId: string) {
    super('That agent is not consulting on this conversation.');
  }
}

/** What a consultant tried that only the conversation's agent may do (end, close, transfer, wrap up, invite). */
export class ConsultantCannotError extends DomainError {
  readonly code = 'consultant-cannot';

  constructor(readonly action: string) {
    super(
      `You're consulting on this conversation: only its agent can ${action}. Use Leave consult to step out.`,
    );
  }
}

function requireOwnedActive(item: WorkItem, agentId: string, move: string): void {
  if (item.state !== 'active') throw new IllegalTransitionError(item.id, item.state, move);
  if (item.assignedAgentId !== agentId) throw new NotSessionAgentError(item.id);
}

/** Who may be invited: an agent Available or Busy (a consult takes no capacity, so their load does not matter). */
export function canConsult(presence: PresenceStatus | undefined): boolean {
  return presence !== undefined && acceptsOffers(presence);
}

export interface ConsultInvite {
  readonly fromAgentId: string;
  readonly toAgentId: string;
  /** The colleague's presence, or undefined when they are not an agent. */
  readonly toPresence: PresenceStatus | undefined;
  /** The conversation's consultants now. */
  readonly consultants: readonly Consultant[];
}

/** The session's agent invites a colleague; the item counts one consultant more. */
export function inviteConsultant(item: WorkItem, invite: ConsultInvite): WorkItem {
  requireOwnedActive(item, invite.fromAgentId, 'be consulted on');
  if (invite.toAgentId === invite.fromAgentId) throw new ConsultSelfError();
  const already = invite.consultants.find((consultant) => consultant.agentId === invite.toAgentId);
  if (already) throw new AlreadyConsultingError(already.name);
  if (invite.consultants.length >= MAX_CONSULTANTS) throw new ConsultLimitError(MAX_CONSULTANTS);
  if (!canConsult(invite.toPresence)) throw new ConsultTargetUnavailableError(invite.toAgentId);
  return { ...item, consultants: invite.consultants.length + 1 };
}

/** "Add to conversation": only the session's agent, only someone consulting; adding twice changes nothing. */
export function addToConversation(
  item: WorkItem,
  byAgentId: string,
  consultants: readonly Consultant[],
  agentId: string,
): Consultant {
  requireOwnedActive(item, byAgentId, 'add a consultant to');
  const consultant = consultants.find((candidate) => candidate.agentId === agentId);
  if (!consultant) throw new NotConsultantError(agentId);
  return { ...consultant, added: true };
}

/**
 * One consultant leaves: themselves, or removed by the session's agent. The item counts one fewer; a consultant
 * who has already gone is refused, so a second press changes nothing.
 */
export function removeConsultant(
  item: WorkItem,
  request: {
    readonly byAgentId: string;
    readonly agentId: string;
    readonly consultants: readonly Consultant[];
  },
): WorkItem {
  if (request.byAgentId !== request.agentId)
    requireOwnedActive(item, request.byAgentId, 'remove a consultant from');
  if (!request.consultants.some((consultant) => consultant.agentId === request.agentId))
    throw new NotConsultantError(request.agentId);
  const left = request.consultants.length - 1;
  const { consultants: _count, ...rest } = item;
  return left > 0 ? { ...rest, consultants: left } : rest;
}

/** A consultant may write to the customer while the conversation is Active and they were added to it. */
export function mayWriteToCustomer(
  item: WorkItem,
  consultants: readonly Consultant[],
  agentId: string,
): boolean {
  return (
    item.state === 'active' &&
    consultants.some((consultant) => consultant.agentId === agentId && consultant.added)
  );
}
