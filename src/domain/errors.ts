/** Every rule the domain refuses is a typed error with a stable code the edge can map to a card or HTTP answer. */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class CaseNotAllowedError extends DomainError {
  readonly code = 'case-not-allowed';

  constructor() {
    super('Open a case on a conversation you are working on or have worked on.');
  }
}

export class CaseTitleMissingError extends DomainError {
  readonly code = 'case-title-missing';

  constructor() {
    super('Give the case a title before saving it.');
  }
}

export class MaxSessionsReachedError extends DomainError {
  readonly code = 'max-sessions-reached';

  constructor() {
    super('Maximum sessions reached. Close a session before opening another.');
  }
}

/** Taking one more conversation would put the agent over their capacity (an offer planned from a stale count). */
export class CapacityReachedError extends DomainError {
  readonly code = 'capacity-reached';

  constructor() {
    super("You're at capacity: end or close a conversation before taking another.");
  }
}

export class HomeSessionNotClosableError extends DomainError {
  readonly code = 'home-not-closable';

  constructor() {
    super('The Home session is anchored and cannot be closed.');
  }
}

export class SessionNotFoundError extends DomainError {
  readonly code = 'session-not-found';

  constructor(readonly sessionId: string) {
    super(`There is no session "${sessionId}".`);
  }
}

export class IllegalTransitionError extends DomainError {
  readonly code = 'illegal-transition';

  constructor(
    readonly workItemId: string,
    readonly from: string,
    readonly move: string,
  ) {
    super(`Work item "${workItemId}" cannot ${move} while it is ${from}.`);
  }
}

export class OfferNotFoundError extends DomainError {
  readonly code = 'offer-not-found';

  constructor(readonly workItemId: string) {
    super('This request is no longer available.');
  }
}

export class NotOfferedToAgentError extends DomainError {
  readonly code = 'not-offered-to-agent';

  constructor(
    readonly workItemId: string,
    readonly agentId: string,
  ) {
    super('This request was offered to another agent.');
  }
}

export class NotSessionAgentError extends DomainError {
  readonly code = 'not-session-agent';

  constructor(readonly workItemId: string) {
    super('Only the agent working on this conversation can do that.');
  }
}

export class TransferToSelfError extends DomainError {
  readonly code = 'transfer-to-self';

  constructor() {
    super('The conversation is already yours: choose another agent, or the queue.');
  }
}

export class TransferPendingError extends DomainError {
  readonly code = 'transfer-pending';

  constructor() {
    super('A transfer of this conversation is already waiting for an answer.');
  }
}

export class TransferTargetUnavailableError extends DomainError {
  readonly code = 'transfer-target-unavailable';

  constructor(readonly agentId: string) {
    super('That agent cannot take a transfer now: choose someone Available or Busy with free capacity.');
  }
}

export class NoteEmptyError extends DomainError {
  readonly code = 'note-empty';

  constructor() {
    super('Write the note first: an empty note is not kept.');
  }
}

export class NoteTooLongError extends DomainError {
  readonly code = 'note-too-long';

  constructor(
    readonly maxChars: number,
    readonly length: number,
  ) {
    super(
      `A note holds at most ${maxChars} characters; this one has ${length}. Shorten it and add it again.`,
    );
  }
}

export class WrapUpOpenError extends DomainError {
  readonly code = 'wrap-up-open';

  constructor() {
    super('This conversation has ended: choose an outcome and Finish its wrap-up to close it.');
  }
}

export class NotAConversationError extends DomainError {
  readonly code = 'not-a-conversation';

  constructor(readonly sessionId: string) {
    super("That works on a conversation only: open the conversation's session first.");
  }
}
