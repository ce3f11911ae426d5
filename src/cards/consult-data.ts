import type { ConsultPickerView, ConsultView } from '../app/views';
import type { DataOptions } from './card-data-types';
import { escapeCardText as text } from './escape';
import { PRESENCE_COLORS, type CardColor } from './format';
import { noteLinesData, type NoteLineData } from './teamwork-data';

/** The template data of the consult cards: who can be asked, and a consult's thread and consultants. */

export interface ConsultTargetData {
  readonly agentId: string;
  readonly name: string;
  readonly presenceLabel: string;
  readonly presenceColor: CardColor;
}

export interface ConsultPickerCardData {
  readonly sessionId: string;
  readonly title: string;
  readonly hasTargets: boolean;
  readonly full: boolean;
  readonly targets: readonly ConsultTargetData[];
}

export interface ConsultantData {
  readonly agentId: string;
  readonly name: string;
  readonly status: string;
  /** The conversation's agent may still add them to the conversation. */
  readonly canAdd: boolean;
}

export interface ConsultCardData {
  readonly sessionId: string;
  readonly title: string;
  readonly headline: string;
  readonly hasHeadline: boolean;
  readonly isAgent: boolean;
  readonly isConsultant: boolean;
  readonly about: string;
  readonly hasConsultants: boolean;
  readonly consultants: readonly ConsultantData[];
  readonly hasThread: boolean;
  readonly thread: readonly NoteLineData[];
}

export function consultPickerData(view: ConsultPickerView): ConsultPickerCardData {
  const full = view.room === 0;
  return {
    sessionId: view.sessionId,
    title: text(view.title),
    hasTargets: !full && view.targets.length > 0,
    full,
    targets: view.targets.map((target) => ({
      agentId: target.agentId,
      name: text(target.name),
      presenceLabel: text(target.presenceLabel),
      presenceColor: PRESENCE_COLORS[target.presence],
    })),
  };
}

/** What the card says of the consultant's part, and where the customer's messages are to be followed. */
function aboutText(view: ConsultView): string {
  if (view.role === 'agent')
    return 'Consultants read the conversation and this thread; the customer never sees the thread.';
  const part = view.added
    ? 'You were added to the conversation: your replies reach the customer, signed with your name.'
    : `You read the conversation; only ${view.agentName} writes to the customer.`;
  return `${part} New customer messages show live in the Relaydesk tab, not in this chat (Teams' rate limits).`;
}

export function consultData(view: ConsultView, options: DataOptions): ConsultCardData {
  const isAgent = view.role === 'agent';
  return {
    sessionId: view.sessionId,
    title: text(view.title),
    headline: text(view.headline ?? ''),
    hasHeadline: view.headline !== undefined,
    isAgent,
    isConsultant: !isAgent,
    about: text(aboutText(view)),
    hasConsultants: view.consultants.length > 0,
    consultants: view.consultants.map((consultant) => ({
      agentId: consultant.agentId,
      name: text(consultant.name),
      status: consultant.added ? 'Added to the conversation' : 'Reading along',
      canAdd: isAgent && !consultant.added,
    })),
    hasThread: view.thread.length > 0,
    thread: noteLinesData(view.thread, options),
  };
}
