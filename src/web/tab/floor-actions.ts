import type { NoticeView } from '../../app/views';
import type { Floor, FloorConversation } from '../../domain/floor';
import { AgentApiError } from './api-error';
import type { Confirmation, ConfirmDialog } from './confirm-dialog';
import { FloorAgentPicker } from './floor-agent-picker';
import type { FloorClient } from './floor-client';
import type { Notices } from './notices';
import { describeProblem } from './problem-words';

export interface FloorActionsOptions {
  readonly client: FloorClient;
  readonly notices: Notices;
  readonly dialog: ConfirmDialog;
  /** The floor as last read: the pickers list its agents. */
  readonly floor: () => Floor | undefined;
  /** After an action: the Floor is read again. */
  readonly done: () => Promise<void>;
  /** A Monitor or Join opened the conversation on the supervisor's panel: the workspace shows it. */
  readonly opened: () => void;
}

/** Assign over capacity: the server said by how much; Cancel is the default, as the agent did not ask for it. */
export function overCapacityConfirmation(name: string, howFar: string): Confirmation {
  return {
    question: `Assign to ${name} over capacity?`,
    text: `${howFar} They can still decline it.`,
    confirm: 'Assign anyway',
    focus: 'cancel',
  };
}

/**
 * The Floor's row actions besides Force close: Monitor, Join and Stop monitoring (the conversation opens on the
 * supervisor's own panel), Assign… (a picker of agents; over capacity only once confirmed) and Transfer… (a picker
 * of agents, or the queue). A refusal (409) is said in a notice in the server's words.
 */
export class FloorSupervisorActions {
  readonly picker = new FloorAgentPicker();

  constructor(private readonly options: FloorActionsOptions) {}

  async supervise(conversation: FloorConversation, verb: 'monitor' | 'join' | 'stopMonitor'): Promise<void> {
    const { client, notices } = this.options;
    const done = await this.attempt(() => client.supervise(verb, conversation.workItemId));
    if (!done) return;
    if (verb === 'stopMonitor') notices.show(notice(stoppedWords(conversation), 'good'));
    else this.options.opened();
    await this.options.done();
  }

  async assign(conversation: FloorConversation): Promise<void> {
    const { client, notices, dialog } = this.options;
    if (this.picker.open || dialog.open) return;
    const pick = await this.picker.pick({
      heading: `Assign ${conversation.title}`,
      text: 'They get it as an offer, with the usual time to accept.',
      verb: 'Assign',
      agents: this.options.floor()?.agents ?? [],
      queue: false,
    });
    if (!pick || !('agentId' in pick)) return;
    const assign = (over: boolean) => client.assign(conversation.workItemId, pick.agentId, over);
    try {
      await assign(false);
    } catch (error) {
      if (!(error instanceof AgentApiError && error.code === 'over-capacity')) {
        this.refused(error);
        return this.options.done();
      }
      if (!(await dialog.ask(overCapacityConfirmation(pick.name, error.message)))) return;
      if (!(await this.attempt(() => assign(true)))) return this.options.done();
    }
    notices.show(notice(`${conversation.title} offered to ${pick.name}`, 'good'));
    await this.options.done();
  }

  async transfer(conversation: FloorConversation): Promise<void> {
    const { client, notices, dialog } = this.options;
    if (this.picker.open || dialog.open) return;
    const pick = await this.picker.pick({
      heading: `Transfer ${conversation.title}`,
      text: 'The agent you choose gets it as a transfer and must accept; Back to the queue puts it first in line.',
      verb: 'Transfer',
      agents: this.options.floor()?.agents ?? [],
      ...(conversation.agentId !== undefined ? { exceptAgentId: conversation.agentId } : {}),
      queue: true,
    });
    if (!pick) return;
    const to = 'agentId' in pick ? { toAgentId: pick.agentId } : { toQueue: true as const };
    if (await this.attempt(() => client.transfer(conversation.workItemId, to))) {
      const where = 'agentId' in pick ? `offered to ${pick.name}` : 'back at the head of the queue';
      notices.show(notice(`${conversation.title} ${where}`, 'good'));
    }
    await this.options.done();
  }

  /** Runs the call; a refusal or a failure is said in a notice (false). */
  private async attempt(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      this.refused(error);
      return false;
    }
  }

  private refused(error: unknown): void {
    const { notices } = this.options;
    if (error instanceof AgentApiError && error.status === 409)
      notices.show(notice(error.message, 'warning'));
    else notices.show(describeProblem(error, 'action').notice);
  }
}

/** What the supervisor is told once their session on it ended: a joined conversation was left. */
function stoppedWords(conversation: FloorConversation): string {
  return conversation.supervising === 'joined'
    ? `You left ${conversation.title}`
    : `You stopped monitoring ${conversation.title}`;
}

function notice(title: string, tone: NoticeView['tone']): NoticeView {
  return { kind: 'notice', title, text: '', tone };
}
