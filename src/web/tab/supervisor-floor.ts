import type { NoticeView } from '../../app/views';
import type { Floor, FloorConversation } from '../../domain/floor';
import { AgentApiError } from './api-error';
import type { ServerClock } from './clock';
import { forceCloseConfirmation, type ConfirmDialog } from './confirm-dialog';
import { h } from './dom';
import { FloorSupervisorActions } from './floor-actions';
import { FloorClient } from './floor-client';
import { FLOOR_VIEW_ID, FloorView } from './floor-view';
import type { Notices } from './notices';
import { describeProblem } from './problem-words';
import type { AgentApiCaller } from './quick-replies-client';
import type { FileDownloads } from './save-file';
import { ThrottledRun } from './throttled-run';

export interface SupervisorFloorOptions {
  readonly api: AgentApiCaller & FileDownloads;
  /** The workspace's clock: each floor read tells it the server's time, as a workspace read does. */
  readonly clock: ServerClock;
  readonly notices: Notices;
  readonly dialog: ConfirmDialog;
  /** The view the Floor takes the place of while it is shown (Home or the focused session, kept as it is). */
  readonly covers: HTMLElement;
}

/** Live events come in bursts (every agent's change reaches a supervisor): the floor is read at most this often. */
const READ_GAP_MS = 1000;

/**
 * The Floor for supervisors (WorkspaceState.supervisor): a toggle in the top bar, and the view it shows in place of
 * the workspace's own, read when opened and again on live events while shown. Force close is asked first.
 */
export class SupervisorFloor {
  readonly button: HTMLButtonElement;
  private readonly view: FloorView;
  private readonly client: FloorClient;
  private readonly reads: ThrottledRun;
  private readonly actions: FloorSupervisorActions;
  private last: Floor | undefined;
  private shown = false;

  constructor(private readonly options: SupervisorFloorOptions) {
    this.client = new FloorClient(options.api);
    this.actions = new FloorSupervisorActions({
      client: this.client,
      notices: options.notices,
      dialog: options.dialog,
      floor: () => this.last,
      done: () => this.reads.now(),
      // The server focused it on the panel; the live event that follows shows it in the workspace.
      opened: () => this.close(),
    });
    this.view = new FloorView({
      supervise: (conversation, verb) => void this.actions.supervise(conversation, verb),
      assign: (conversation) => void this.actions.assign(conversation),
      transfer: (conversation) => void this.actions.transfer(conversation),
      forceClose: (conversation) => void this.forceClose(conversation),
      transcript: (conversation) => void this.save(() => this.client.transcript(conversation.workItemId)),
      exportCsv: (from, to) => this.save(() => this.client.conversationsCsv(from, to)),
    });
    // The agents' picker is a modal <dialog>: it opens only from the Floor's rows, so it lives in the Floor.
    this.view.element.append(this.actions.picker.element);
    // Measured on the browser's own clock: the server's, as the tab tells it, moves with each correction.
    const browser = { now: () => options.clock.browserNow(), after: options.clock.after.bind(options.clock) };
    this.reads = new ThrottledRun(browser, READ_GAP_MS, () => this.read());
    this.button = h(
      'button',
      {
        type: 'button',
        class: 'button subtle small floor-toggle',
        'aria-pressed': 'false',
        'aria-controls': FLOOR_VIEW_ID,
        hidden: true,
        onclick: () => (this.shown ? this.close() : this.open()),
      },
      'Floor',
    );
  }

  get element(): HTMLElement {
    return this.view.element;
  }

  /** Only supervisors see the Floor's entry; anyone else never does. */
  allow(supervisor: boolean): void {
    this.button.hidden = !supervisor;
    if (!supervisor) this.close();
  }

  open(): void {
    if (this.button.hidden || this.shown) return;
    this.setShown(true);
    this.view.focus();
    void this.reads.now();
  }

  /** Back to the view the Floor covered (the agent chose a session, or pressed Floor again). */
  close(): void {
    if (!this.shown) return;
    this.setShown(false);
    this.reads.cancel();
  }

  /** Something changed on the desk (a live event): the Floor is read again while it is shown. */
  changed(): void {
    if (this.shown) this.reads.request();
  }

  private setShown(shown: boolean): void {
    this.shown = shown;
    this.view.element.hidden = !shown;
    this.options.covers.hidden = shown;
    this.button.setAttribute('aria-pressed', String(shown));
  }

  private async read(): Promise<void> {
    if (!this.shown) return;
    const { clock } = this.options;
    const sentAt = clock.browserNow();
    try {
      const floor = await this.client.floor();
      clock.observe(floor.at, sentAt);
      this.last = floor;
      this.view.show(floor, clock.now());
    } catch (error) {
      this.view.problem(problemText(error));
    }
  }

  /** A download; a refusal (a range the server will not take) or a failure is said in a notice. */
  private async save(download: () => Promise<void>): Promise<void> {
    try {
      await download();
    } catch (error) {
      if (error instanceof AgentApiError && error.status === 400) {
        this.options.notices.show(notice(error.message, 'warning'));
      } else {
        this.options.notices.show(describeProblem(error, 'action').notice);
      }
    }
  }

  private async forceClose(conversation: FloorConversation): Promise<void> {
    const { dialog, notices } = this.options;
    if (dialog.open) return;
    if (!(await dialog.ask(forceCloseConfirmation(conversation.title)))) return;
    try {
      const closed = await this.client.forceClose(conversation.workItemId);
      notices.show(notice(`${closed.title} closed`, 'good'));
    } catch (error) {
      if (error instanceof AgentApiError && error.status === 409) {
        notices.show(notice('That conversation is closed already.', 'warning'));
      } else {
        notices.show(describeProblem(error, 'action').notice);
      }
    }
    await this.reads.now();
    this.view.focusIfLost();
  }
}

function notice(title: string, tone: NoticeView['tone']): NoticeView {
  return { kind: 'notice', title, text: '', tone };
}

/** Said above the tables: what was last read stays, and the next live event reads again. */
function problemText(error: unknown): string {
  if (error instanceof AgentApiError) {
    if (error.status === 403) return 'Only supervisors can see the floor.';
    if (error.status < 500 && error.status !== 429 && error.status !== 408) {
      return `The floor could not be read: ${error.message}`;
    }
    return 'Relaydesk is not answering right now; the floor updates when it is back.';
  }
  return "Can't reach Relaydesk; the floor updates when the connection is back.";
}
