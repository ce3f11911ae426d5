import type { FloorAgent } from '../../domain/floor';
import { PRESENCE_LABELS } from '../../domain/presence';
import { h } from './dom';

/** What the supervisor chose: an agent, or (for a Transfer) the head of the queue. */
export type FloorPick = { readonly agentId: string; readonly name: string } | { readonly toQueue: true };

export interface FloorPickRequest {
  /** "Assign Visitor 3" or "Transfer Visitor 1". */
  readonly heading: string;
  readonly text: string;
  /** The button beside each agent ("Assign", "Transfer"). */
  readonly verb: string;
  readonly agents: readonly FloorAgent[];
  /** The agent who has it now, left out of the list. */
  readonly exceptAgentId?: string;
  /** Offer "Back to the queue" too (a Transfer). */
  readonly queue: boolean;
}

/**
 * The Floor's picker of agents for Assign… and Transfer…: every agent who takes work and is not Offline, with their
 * presence and load as the Floor read them (the server checks again, and says when someone is at capacity). A modal
 * <dialog>: the first agent's button has the focus, Escape cancels, focus goes back where it was.
 */
export class FloorAgentPicker {
  readonly element: HTMLDialogElement;
  private readonly heading: HTMLElement;
  private readonly text: HTMLElement;
  private readonly list: HTMLElement;
  private readonly toQueue: HTMLButtonElement;
  private answer: ((pick: FloorPick | undefined) => void) | undefined;

  constructor() {
    this.heading = h('h2', { id: 'floor-picker-title', class: 'dialog-title' });
    this.text = h('p', { class: 'dialog-text' });
    this.list = h('ul', { class: 'transfer-targets', 'aria-label': 'Agents' });
    this.toQueue = h(
      'button',
      { type: 'button', class: 'button', onclick: () => this.settle({ toQueue: true }) },
      'Back to the queue',
    );
    this.element = h(
      'dialog',
      {
        class: 'dialog transfer-dialog floor-picker',
        'aria-modal': 'true',
        'aria-labelledby': 'floor-picker-title',
        oncancel: (event) => {
          event.preventDefault();
          this.settle(undefined);
        },
      },
      this.heading,
      this.text,
      this.list,
      h(
        'div',
        { class: 'dialog-actions' },
        this.toQueue,
        h('button', { type: 'button', class: 'button', onclick: () => this.settle(undefined) }, 'Cancel'),
      ),
    );
  }

  get open(): boolean {
    return this.element.open;
  }

  /** Shows the agents; resolves with the choice, or undefined for Cancel or Escape. */
  pick(request: FloorPickRequest): Promise<FloorPick | undefined> {
    this.settle(undefined);
    this.heading.textContent = request.heading;
    this.text.textContent = request.text;
    this.toQueue.hidden = !request.queue;
    const agents = request.agents.filter(
      (agent) => agent.takesWork && agent.presence !== 'offline' && agent.agentId !== request.exceptAgentId,
    );
    this.list.replaceChildren(
      ...(agents.length > 0 ? agents.map((a) => this.row(a, request.verb)) : [empty()]),
    );
    const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.element.showModal();
    (this.list.querySelector<HTMLButtonElement>('button') ?? this.toQueue).focus();
    return new Promise((resolve) => {
      this.answer = (pick) => {
        this.element.close();
        if (returnFocus?.isConnected) returnFocus.focus();
        resolve(pick);
      };
    });
  }

  private row(agent: FloorAgent, verb: string): HTMLElement {
    const full = agent.usedUnits >= agent.capacityUnits;
    return h(
      'li',
      { class: 'transfer-target', 'data-agent-id': agent.agentId },
      h(
        'span',
        { class: 'transfer-who' },
        h('strong', {}, agent.name),
        h(
          'span',
          { class: `transfer-load${full ? ' at-capacity' : ''}`, 'data-presence': agent.presence },
          `${PRESENCE_LABELS[agent.presence]} · ${agent.usedUnits} of ${agent.capacityUnits} conversations`,
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button primary',
          'aria-label': `${verb} to ${agent.name}`,
          onclick: () => this.settle({ agentId: agent.agentId, name: agent.name }),
        },
        verb,
      ),
    );
  }

  private settle(pick: FloorPick | undefined): void {
    const pending = this.answer;
    this.answer = undefined;
    pending?.(pick);
  }
}

function empty(): HTMLElement {
  return h('li', { class: 'transfer-empty' }, 'No agent is at work: everyone who takes work is Offline.');
}
