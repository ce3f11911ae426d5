import type { NoticeView } from '../../app/views';
import { AgentApiError } from './api-error';

/** What the agent reads when a request fails: plain words, never the browser's own error text. */
export interface Problem {
  readonly notice: NoticeView;
  /** The server could not be reached or could not answer: the tab retries and clears the notice when back. */
  readonly connection: boolean;
}

export const CANNOT_REACH = "Can't reach Relaydesk — retrying";
export const NOT_ANSWERING = 'Relaydesk is not answering right now — retrying';

/** `during` says what failed: an action was not done, which the agent needs to know. */
export function describeProblem(error: unknown, during: 'refresh' | 'action'): Problem {
  const undone =
    during === 'action' ? 'What you just did did not go through; try it again once this goes.' : '';
  if (error instanceof AgentApiError) {
    if (error.status >= 500 || error.status === 429 || error.status === 408) {
      return { connection: true, notice: notice(NOT_ANSWERING, undone, 'warning') };
    }
    // The API's own messages are written for people (src/web/agent-api.ts).
    return { connection: false, notice: notice('That did not work.', error.message, 'attention') };
  }
  return { connection: true, notice: notice(CANNOT_REACH, undone, 'warning') };
}

function notice(title: string, text: string, tone: NoticeView['tone']): NoticeView {
  return { kind: 'notice', title, text, tone };
}
