import type { ConsultView, NoteLine } from '../../app/views';
import type { SessionDetail } from '../agent-api';
import { ConsultSection } from './consult-section';
import { h } from './dom';
import { NotesSection } from './notes-section';

/** What the session view's teamwork parts ask of the workspace (the agent API's actions). */
export interface TeamworkViewActions {
  /** Transfer: the dialog listing who can take the conversation. */
  transfer(sessionId: string, title: string): void;
  /** Consult: the dialog listing who can be asked. */
  consult(sessionId: string, title: string): void;
  /** Adds an internal note; resolves to the conversation's notes after it, undefined when refused. */
  addNote(sessionId: string, text: string): Promise<readonly NoteLine[] | undefined>;
  /** A line in the private consult thread; resolves to the consult after it, undefined when refused. */
  consultSay(sessionId: string, text: string): Promise<ConsultView | undefined>;
  consultAdd(sessionId: string, agentId: string): void;
  /** Removes a consultant (by its agent), or the consultant leaves (no id). */
  consultLeave(sessionId: string, agentId?: string): void;
}

/**
 * The teamwork parts of one conversation's view: Transfer and Consult in its header (for the conversation's own
 * agent), and in the Active Conversation pane its notes and, while it has consultants, the consult.
 */
export class SessionTeamwork {
  readonly buttons: readonly HTMLButtonElement[];
  readonly paneParts: readonly HTMLElement[];
  /** Reading a colleague's conversation as a consultant: only its agent ends, closes, transfers or invites. */
  readonly consultant: boolean;
  private readonly transferButton: HTMLButtonElement | undefined;
  private readonly consultButton: HTMLButtonElement | undefined;
  private readonly notes: NotesSection | undefined;
  private readonly consultSection: ConsultSection | undefined;
  /** Who of the supervisors joined the conversation: a live line, shown while any is in it. */
  private readonly supervisors: HTMLElement;

  constructor(detail: SessionDetail, actions: TeamworkViewActions, title: () => string) {
    const id = detail.sessionId;
    const conversation = detail.kind === 'conversation';
    this.consultant = detail.consult?.role === 'consultant';
    // A supervisor's session (monitoring, or joined) is a look at a colleague's conversation, not theirs to hand on.
    const owned =
      conversation &&
      !detail.conversation.readOnly &&
      !this.consultant &&
      detail.supervising === undefined &&
      !detail.wrapUp;
    const button = (label: string, onclick: () => void) =>
      h('button', { type: 'button', class: 'button', onclick }, label);
    this.transferButton = owned ? button('Transfer', () => actions.transfer(id, title())) : undefined;
    this.consultButton = owned ? button('Consult', () => actions.consult(id, title())) : undefined;
    this.buttons = [this.transferButton, this.consultButton].filter((b) => b !== undefined);
    this.notes = conversation
      ? new NotesSection(detail.conversation.notes ?? [], { add: (text) => actions.addNote(id, text) })
      : undefined;
    this.consultSection = detail.consult
      ? new ConsultSection(detail.consult, {
          say: (text) => actions.consultSay(id, text),
          add: (agentId) => actions.consultAdd(id, agentId),
          leave: (agentId) => actions.consultLeave(id, agentId),
        })
      : undefined;
    this.supervisors = h('p', { class: 'supervisors-joined', role: 'status', hidden: true });
    this.paneParts = [this.supervisors, this.consultSection?.element, this.notes?.element].filter(
      (part) => part !== undefined,
    );
  }

  /** Whether these parts can show `detail` (a consult that began or ended needs its section built or gone). */
  fits(detail: SessionDetail): boolean {
    return (detail.consult !== undefined) === (this.consultSection !== undefined);
  }

  /** The state chip's words, when teamwork has something to say about the conversation. */
  stateText(detail: SessionDetail): string | undefined {
    const pendingTo = detail.conversation.transferPendingTo;
    if (pendingTo !== undefined) return `Transfer to ${pendingTo} pending`;
    return this.consultant ? `Consult · ${detail.consult?.agentName ?? ''}` : undefined;
  }

  update(detail: SessionDetail): void {
    const { conversation } = detail;
    const pendingTo = conversation.transferPendingTo;
    if (this.transferButton) {
      this.transferButton.disabled = conversation.state !== 'active' || pendingTo !== undefined;
      this.transferButton.title =
        pendingTo !== undefined
          ? `Waiting for ${pendingTo} to accept`
          : 'Hand this conversation to a colleague';
    }
    if (this.consultButton) {
      this.consultButton.disabled = conversation.state !== 'active';
      this.consultButton.title = 'Ask a colleague; the customer is not told';
    }
    this.notes?.update(conversation.notes ?? []);
    this.supervisors.textContent = supervisorsLine(conversation.supervisorsJoined ?? []);
    this.supervisors.hidden = this.supervisors.textContent === '';
    if (detail.consult) this.consultSection?.update(detail.consult);
  }
}

/** "Sam Lead (supervisor) joined the conversation: their replies reach the customer too." — '' with nobody. */
export function supervisorsLine(names: readonly string[]): string {
  if (names.length === 0) return '';
  const who = names.map((name) => `${name} (supervisor)`).join(' and ');
  return `${who} joined the conversation: their replies reach the customer too.`;
}
