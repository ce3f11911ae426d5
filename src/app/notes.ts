import { NotAConversationError } from '../domain/errors';
import { writeNote, type Note } from '../domain/notes';
import { guarded, requireLiveSession, type ActionPorts } from './action-guards';
import { ensureAgent } from './agents';
import type { DeskPorts } from './desk-context';
import type { Session } from '../domain/agent-sessions';
import type { ConversationTeamwork } from './view-builders';
import type { AgentView, NoteLine, NotesView } from './views';

/** Notes a card or the tab shows of one conversation: the latest, oldest first. */
export const NOTES_SHOWN = 50;

export type NotePorts = ActionPorts & Pick<DeskPorts, 'notes' | 'workItems' | 'ids' | 'notifier'>;

export function noteLine(note: Note): NoteLine {
  return { authorName: note.authorName, at: note.at, text: note.text };
}

export async function notesOf(deps: Pick<DeskPorts, 'notes'>, workItemId: string): Promise<NoteLine[]> {
  return (await deps.notes.latest(workItemId, NOTES_SHOWN)).map(noteLine);
}

/** The notes of a conversation, and the "Transfer pending" mark of the agent's session on it. */
export async function teamworkOf(
  deps: Pick<DeskPorts, 'notes'>,
  workItemId: string,
  session?: Pick<Session, 'transferPendingTo'>,
): Promise<ConversationTeamwork> {
  const notes = await notesOf(deps, workItemId);
  return {
    notes,
    ...(session?.transferPendingTo !== undefined ? { transferPendingTo: session.transferPendingTo } : {}),
  };
}

/** A note by `agent` on the conversation, written now (checked: not empty, not too long), not yet stored. */
export function noteBy(
  deps: Pick<DeskPorts, 'ids' | 'clock'>,
  agent: { readonly id: string; readonly name: string },
  workItemId: string,
  text: string,
): Note {
  return writeNote({
    id: deps.ids.next(),
    workItemId,
    authorId: agent.id,
    authorName: agent.name,
    at: deps.clock.now(),
    text,
  });
}

/**
 * A conversation's notes (`note` without text), or a new one added to it (`note` with text, `/note <text>`).
 * Any conversation session the agent has open may take notes, a read-only one included: a note is kept with the
 * conversation, for whoever has or consults it later, and is never sent to the customer.
 */
export function note(deps: NotePorts, agentId: string, sessionId: string, text?: string): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'note' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    const session = await requireLiveSession(deps, agent, sessionId);
    if (session.kind !== 'conversation') throw new NotAConversationError(sessionId);
    if (text !== undefined) {
      const written = noteBy(deps, agent, sessionId, text);
      await deps.notes.add(written);
      deps.logger.info({ agentId, sessionId, noteId: written.id }, 'note added');
      // The tab shows notes live; other agents with the conversation open see it on their next read.
      await deps.notifier.agentChanged?.(agentId);
    }
    return notesView(sessionId, session.title, await notesOf(deps, sessionId));
  });
}

function notesView(sessionId: string, title: string, notes: readonly NoteLine[]): NotesView {
  return { kind: 'notes', sessionId, title, notes };
}
