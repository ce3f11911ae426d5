import type { DeskPorts } from './desk-context';
import type { WorkItemDocument } from './documents';
import type { StoredMessage } from './repositories';

/** What the cards need of a transcript, read as a few indexed rows rather than the whole history. */
export interface TranscriptExcerpt {
  /** The latest lines, oldest first. */
  readonly recent: readonly StoredMessage[];
  /** The customer's first message: what the conversation is about. */
  readonly opening?: StoredMessage;
  /** The customer's first message since they last started waiting: what a resumed conversation is offered with. */
  readonly sinceWaiting?: StoredMessage;
  /** The customer's latest message: where the conversation stands. */
  readonly latest?: StoredMessage;
}

export async function readExcerpt(
  deps: Pick<DeskPorts, 'messages'>,
  doc: WorkItemDocument,
  recentLines: number,
): Promise<TranscriptExcerpt> {
  const id = doc.item.id;
  const [recent, opening, sinceWaiting, latest] = await Promise.all([
    recentLines > 0 ? deps.messages.latest(id, recentLines) : Promise.resolve([]),
    deps.messages.firstFromCustomer(id),
    deps.messages.firstFromCustomer(id, doc.waitingSince),
    deps.messages.latestFromCustomer(id),
  ]);
  return {
    recent,
    ...(opening ? { opening } : {}),
    ...(sinceWaiting ? { sinceWaiting } : {}),
    ...(latest ? { latest } : {}),
  };
}
