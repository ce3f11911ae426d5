import type { AgentView } from '../../app/views';
import { VERBS } from '../../cards/verbs';
import type { SessionViewActions } from './session-view';
import { TransferDialog } from './transfer-dialog';

type Act = (verb: string, data: Record<string, unknown>) => Promise<AgentView | undefined>;

/**
 * The session view's teamwork actions over the agent API: the Transfer dialog, notes, the wrap-up's Finish.
 * `settled` runs after a change that may take the session off the panel (refresh, then keep keyboard focus).
 */
export function teamworkActions(
  act: Act,
  settled: () => Promise<void>,
): { readonly dialog: TransferDialog } & Pick<SessionViewActions, 'transfer' | 'finishWrapUp' | 'addNote'> {
  const dialog = TransferDialog.over(act, settled);
  return {
    dialog,
    transfer: (sessionId, title) => void dialog.show(sessionId, title),
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
