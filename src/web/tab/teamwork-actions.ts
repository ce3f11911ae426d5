import type { AgentView } from '../../app/views';
import { VERBS } from '../../cards/verbs';
import { ConsultDialog } from './consult-dialog';
import type { SessionViewActions } from './session-view';
import { TransferDialog } from './transfer-dialog';

type Act = (verb: string, data: Record<string, unknown>) => Promise<AgentView | undefined>;

/**
 * The session view's teamwork actions over the agent API: the Transfer and Consult dialogs, the consult thread,
 * notes, the wrap-up's Finish.
 * `settled` runs after a change that may take the session off the panel (refresh, then keep keyboard focus).
 */
export function teamworkActions(
  act: Act,
  settled: () => Promise<void>,
): { readonly dialogs: readonly HTMLDialogElement[] } & Pick<
  SessionViewActions,
  'transfer' | 'consult' | 'finishWrapUp' | 'addNote' | 'consultSay' | 'consultAdd' | 'consultLeave'
> {
  const dialog = TransferDialog.over(act, settled);
  const consulting = new ConsultDialog(act, settled);
  return {
    dialogs: [dialog.element, consulting.element],
    transfer: (sessionId, title) => void dialog.show(sessionId, title),
    consult: (sessionId, title) => void consulting.show(sessionId, title),
    consultSay: async (sessionId, text) => {
      const view = await act(VERBS.consultNote, { sessionId, text });
      return view?.kind === 'consult' ? view : undefined;
    },
    consultAdd: (sessionId, agentId) => void act(VERBS.consultAdd, { sessionId, agentId }).then(settled),
    consultLeave: (sessionId, agentId) =>
      void act(VERBS.consultLeave, { sessionId, ...(agentId !== undefined ? { agentId } : {}) }).then(
        settled,
      ),
    finishWrapUp: async (sessionId, outcome, note) => {
      const view = await act(VERBS.wrapUp, { sessionId, outcome, note });
      await settled();
      return view?.kind === 'notice' && view.tone === 'good';
    },
    addNote: async (sessionId, text) => {
      const view = await act(VERBS.note, { sessionId, text });
      return view?.kind === 'notes' ? view.notes : undefined;
    },
  };
}
