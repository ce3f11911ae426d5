import type { NoteLine, NotesView, OfferView, TransferPickerView, WrapUpView } from '../app/views';
import type { DataOptions, FactData } from './card-data-types';
import { escapeCardText as text, plainCardText } from './escape';
import { PRESENCE_COLORS, formatMoment, type CardColor } from './format';

/** The template data of the teamwork cards: the transfer picker, the notes, a transfer offer's handover. */

export interface NoteLineData {
  readonly author: string;
  readonly at: string;
  readonly text: string;
}

export interface TransferTargetData {
  readonly agentId: string;
  readonly name: string;
  readonly presenceLabel: string;
  readonly presenceColor: CardColor;
  readonly load: string;
}

export interface TransferPickerCardData {
  readonly sessionId: string;
  readonly title: string;
  readonly hasTargets: boolean;
  readonly targets: readonly TransferTargetData[];
}

export interface NotesCardData {
  readonly sessionId: string;
  readonly title: string;
  readonly hasNotes: boolean;
  readonly notes: readonly NoteLineData[];
}

/** What an offer card adds when the offer is a transfer (all empty and off for a queued conversation). */
export interface HandoverData {
  readonly heading: string;
  readonly isTransfer: boolean;
  readonly handover: readonly FactData[];
  readonly hasHandoverNote: boolean;
  readonly handoverNote: string;
  readonly hasNotes: boolean;
  readonly notes: readonly NoteLineData[];
}

export interface WrapUpCardData {
  readonly sessionId: string;
  readonly title: string;
  readonly outcomeChoices: readonly FactData[];
  readonly timing: string;
}

export function wrapUpData(view: WrapUpView, options: DataOptions): WrapUpCardData {
  const closes = `If nobody finishes it, it closes by itself at ${formatMoment(view.closesAt, options.now)} (outcome "Not set").`;
  const hold =
    view.holdsUntil === undefined
      ? 'It no longer counts against your capacity.'
      : Number.isFinite(view.holdsUntil)
        ? `It counts against your capacity until ${formatMoment(view.holdsUntil, options.now)}.`
        : 'It counts against your capacity until you finish.';
  return {
    sessionId: view.sessionId,
    title: text(view.title),
    outcomeChoices: view.outcomes.map((outcome) => ({ title: plainCardText(outcome), value: outcome })),
    timing: text(`${hold} ${closes}`),
  };
}

export function noteLinesData(notes: readonly NoteLine[], options: DataOptions): NoteLineData[] {
  return notes.map((line) => ({
    author: text(line.authorName),
    at: formatMoment(line.at, options.now),
    text: text(line.text),
  }));
}

export function transferPickerData(view: TransferPickerView): TransferPickerCardData {
  return {
    sessionId: view.sessionId,
    title: text(view.title),
    hasTargets: view.targets.length > 0,
    targets: view.targets.map((target) => ({
      agentId: target.agentId,
      name: text(target.name),
      presenceLabel: text(target.presenceLabel),
      presenceColor: PRESENCE_COLORS[target.presence],
      load: `${target.conversations} of ${target.capacity} conversations`,
    })),
  };
}

export function notesData(view: NotesView, options: DataOptions): NotesCardData {
  return {
    sessionId: view.sessionId,
    title: text(view.title),
    hasNotes: view.notes.length > 0,
    notes: noteLinesData(view.notes, options),
  };
}

export function handoverData(view: OfferView, options: DataOptions): HandoverData {
  const transfer = view.transfer;
  if (!transfer) {
    return {
      heading: 'Incoming conversation',
      isTransfer: false,
      handover: [],
      hasHandoverNote: false,
      handoverNote: '',
      hasNotes: false,
      notes: [],
    };
  }
  return {
    heading: text(`Transfer from ${transfer.fromName}: ${view.title}`),
    isTransfer: true,
    handover: [
      ...(transfer.latestMessage !== undefined
        ? [{ title: 'Latest message', value: text(transfer.latestMessage) }]
        : []),
      { title: 'Sentiment', value: transfer.sentiment },
    ],
    hasHandoverNote: transfer.note !== undefined,
    handoverNote: text(transfer.note ?? ''),
    hasNotes: transfer.notes.length > 0,
    notes: noteLinesData(transfer.notes, options),
  };
}
