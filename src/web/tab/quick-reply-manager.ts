import type { OwnQuickReplies, OwnQuickReply, QuickReplyBody } from '../quick-replies-api';
import { AgentApiError } from './api-error';
import { h } from './dom';
import type { QuickRepliesClient } from './quick-replies-client';
import { QuickReplyForm } from './quick-reply-form';

export interface QuickReplyManagerOptions {
  readonly client: QuickRepliesClient;
  /** A failure that is not about what the agent typed (the connection): the workspace tells it. */
  readonly report: (error: unknown) => void;
}

/** What the server said about a refused save, or undefined when the failure is not the form's to show. */
function refusalOf(error: unknown): string | undefined {
  return error instanceof AgentApiError && [400, 404, 409].includes(error.status) ? error.message : undefined;
}

/**
 * "My quick replies": a modal dialog listing the agent's own quick replies, to add, edit and delete. Opened from
 * the top bar or from the `/` picker; Escape or Close returns to where the agent was.
 */
export class QuickReplyManager {
  readonly dialog: HTMLDialogElement;
  /** The top bar's way in. */
  readonly button: HTMLButtonElement;
  private readonly list: HTMLElement;
  private readonly count: HTMLElement;
  private readonly status: HTMLElement;
  private readonly formSlot: HTMLElement;
  private readonly addButton: HTMLButtonElement;
  private mine: OwnQuickReplies | undefined;
  private returnFocus: HTMLElement | undefined;

  constructor(private readonly options: QuickReplyManagerOptions) {
    this.button = h(
      'button',
      { type: 'button', class: 'button subtle small', onclick: () => void this.open() },
      'Quick replies',
    );
    this.list = h('ul', { class: 'qr-own-list', 'aria-labelledby': 'qr-manager-title' });
    this.count = h('span', { class: 'qr-count' });
    this.status = h('p', { class: 'qr-saved', role: 'status', 'aria-live': 'polite' });
    this.formSlot = h('div', { class: 'qr-form-slot' });
    this.addButton = h(
      'button',
      { type: 'button', class: 'button primary', onclick: () => this.edit(undefined) },
      'Add a quick reply',
    );
    this.dialog = h(
      'dialog',
      {
        class: 'dialog qr-manager',
        'aria-labelledby': 'qr-manager-title',
        onclose: () => this.closed(),
        // Escape backs out one step: out of an open form first (what was typed is dropped, as Cancel does), then
        // out of the dialog. It used to close the dialog at once, with the form.
        oncancel: (event: Event) => {
          if (this.formSlot.childElementCount === 0) return;
          event.preventDefault();
          this.closeForm();
        },
      },
      h(
        'header',
        { class: 'qr-manager-head' },
        h('h2', { id: 'qr-manager-title', class: 'dialog-title' }, 'My quick replies'),
        this.count,
        h(
          'button',
          { type: 'button', class: 'button subtle small', onclick: () => this.dialog.close() },
          'Close',
        ),
      ),
      h(
        'p',
        { class: 'qr-intro' },
        'Type / at the start of a reply to find these and the team’s quick replies. In chat: /q words or /q #tag.',
      ),
      this.status,
      this.list,
      this.formSlot,
      h('div', { class: 'dialog-actions' }, this.addButton),
    );
  }

  /** Opens the dialog on the agent's own quick replies, read afresh. */
  async open(): Promise<void> {
    if (this.dialog.open) return;
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.status.textContent = '';
    this.formSlot.replaceChildren();
    this.list.replaceChildren(h('li', { class: 'empty' }, 'Loading…'));
    this.dialog.showModal();
    this.addButton.focus();
    await this.reload();
  }

  private closed(): void {
    this.formSlot.replaceChildren();
    if (this.returnFocus?.isConnected) this.returnFocus.focus();
  }

  private async reload(): Promise<void> {
    try {
      this.mine = await this.options.client.mine();
    } catch (error) {
      this.dialog.close();
      this.options.report(error);
      return;
    }
    this.render();
  }

  private render(): void {
    const mine = this.mine;
    if (!mine) return;
    const { quickReplies, limits } = mine;
    this.count.textContent = `${quickReplies.length} of ${limits.perAgent}`;
    this.addButton.disabled = quickReplies.length >= limits.perAgent;
    this.list.replaceChildren(
      ...(quickReplies.length === 0
        ? [
            h(
              'li',
              { class: 'empty' },
              'You have no quick replies of your own yet. Add the answers you type most.',
            ),
          ]
        : quickReplies.map((reply) => this.row(reply))),
    );
  }

  private row(reply: OwnQuickReply): HTMLLIElement {
    const actions = h('div', { class: 'qr-row-actions' });
    const showActions = () =>
      actions.replaceChildren(
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            'aria-label': `Edit ${reply.title}`,
            onclick: () => this.edit(reply),
          },
          'Edit',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            'aria-label': `Delete ${reply.title}`,
            onclick: () => confirm(),
          },
          'Delete',
        ),
      );
    const confirm = () => {
      const keep = h(
        'button',
        { type: 'button', class: 'button small', onclick: () => showActions() },
        'Keep',
      );
      actions.replaceChildren(
        h('span', { class: 'qr-confirm' }, `Delete “${reply.title}”?`),
        h(
          'button',
          { type: 'button', class: 'button small danger', onclick: () => void this.remove(reply) },
          'Delete',
        ),
        keep,
      );
      keep.focus();
    };
    showActions();
    const tags = reply.tags.map((tag) => `#${tag}`).join(' ');
    return h(
      'li',
      { class: 'qr-row', 'data-quick-reply-id': reply.id },
      h(
        'div',
        { class: 'qr-row-head' },
        h('strong', {}, reply.title),
        tags ? h('span', { class: 'qr-meta' }, tags) : null,
      ),
      h('p', { class: 'qr-text', dir: 'auto' }, reply.text),
      actions,
    );
  }

  private closeForm(): void {
    this.formSlot.replaceChildren();
    this.addButton.focus();
  }

  /** Shows the form for a new quick reply, or for one of the agent's own. */
  private edit(reply: OwnQuickReply | undefined): void {
    const mine = this.mine;
    if (!mine) return;
    this.status.textContent = '';
    const form = new QuickReplyForm(reply, {
      limits: mine.limits,
      placeholders: mine.placeholders,
      save: (body) => this.save(reply, body),
      cancel: () => this.closeForm(),
    });
    this.formSlot.replaceChildren(form.element);
    form.title.focus();
  }

  private async save(reply: OwnQuickReply | undefined, body: QuickReplyBody): Promise<string | undefined> {
    const { client } = this.options;
    try {
      const saved = reply
        ? await client.edit(reply.id, { ...body, version: reply.version })
        : await client.add(body);
      this.formSlot.replaceChildren();
      this.status.textContent = `Saved “${saved.quickReply.title}”.`;
      await this.reload();
      this.addButton.focus();
      return undefined;
    } catch (error) {
      const refused = refusalOf(error);
      if (refused === undefined) {
        this.options.report(error);
        return 'Not saved: Relaydesk could not be reached. Try again.';
      }
      // Changed or deleted elsewhere: the list shows it as it is now.
      if (error instanceof AgentApiError && error.status !== 400) await this.reload();
      return refused;
    }
  }

  private async remove(reply: OwnQuickReply): Promise<void> {
    try {
      await this.options.client.remove(reply.id);
      this.status.textContent = `Deleted “${reply.title}”.`;
    } catch (error) {
      if (refusalOf(error) === undefined) this.options.report(error);
    }
    await this.reload();
    this.addButton.focus();
  }
}
