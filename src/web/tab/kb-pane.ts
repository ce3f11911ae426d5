import type { KbArticleHit, KbSearchView } from '../../app/views';
import type { KbArticle } from '../agent-api';
import { h } from './dom';

export interface KbPaneActions {
  search(query: string): Promise<KbSearchView | undefined>;
  /** One article in full; undefined when it could not be read (the workspace says why). */
  article(articleId: string): Promise<KbArticle | undefined>;
  /** Puts text into the reply box at its cursor; absent where there is no reply box (read only). */
  readonly insert: ((text: string) => void) | undefined;
}

/** What "Insert into reply" puts in: the article as plain text, its title first. */
export function articleText(article: KbArticle): string {
  return `${article.title}\n\n${article.body}`;
}

/**
 * The KB search pane of a session: a search box and the articles found, seeded with the customer's words. An
 * article opens in full in the pane (Back returns to the list); its Markdown is shown as written, as text.
 */
export class KbPane {
  readonly element: HTMLElement;
  private readonly query: HTMLInputElement;
  private readonly results: HTMLElement;
  private readonly reader: HTMLElement;
  private touched = false;
  /** The search the list was drawn from. */
  private shown = '';

  constructor(
    initial: KbSearchView,
    private readonly actions: KbPaneActions,
  ) {
    this.query = h('input', {
      type: 'search',
      id: 'kb-query',
      name: 'query',
      value: initial.query,
      oninput: () => (this.touched = true),
    });
    this.results = h('div', { class: 'kb-results', 'aria-live': 'polite' });
    this.reader = h('div', { class: 'kb-reader', hidden: true });
    this.element = h(
      'aside',
      { id: 'kb-pane', class: 'pane kb-pane', 'aria-labelledby': 'kb-title' },
      h('h3', { id: 'kb-title' }, 'Knowledge base'),
      h(
        'form',
        {
          class: 'kb-form',
          role: 'search',
          onsubmit: (event) => {
            event.preventDefault();
            void this.submit();
          },
        },
        h('label', { for: 'kb-query', class: 'visually-hidden' }, 'Search the knowledge base'),
        this.query,
        h('button', { class: 'button' }, 'Search'),
      ),
      this.results,
      this.reader,
    );
    this.show(initial);
  }

  /**
   * A newer detail's suggestions (the server follows the customer's latest words), taken while the agent has
   * not searched for something else; unchanged ones are not redrawn, so a focused result keeps its focus.
   */
  offer(view: KbSearchView): void {
    if (this.touched || !view.query) return;
    const key = JSON.stringify([view.query, view.results]);
    if (key === this.shown) return;
    this.query.value = view.query;
    this.show(view);
  }

  private async submit(): Promise<void> {
    this.touched = true;
    const view = await this.actions.search(this.query.value);
    if (!view) return;
    this.show(view);
    this.back(false);
  }

  private show(view: KbSearchView): void {
    this.shown = JSON.stringify([view.query, view.results]);
    this.results.replaceChildren(
      view.results.length === 0
        ? h(
            'p',
            { class: 'empty' },
            view.query ? `No articles match “${view.query}”.` : 'Search for an article.',
          )
        : h('ol', { class: 'kb-list' }, ...view.results.map((hit) => this.hitItem(hit))),
    );
  }

  private hitItem(hit: KbArticleHit): HTMLElement {
    return h(
      'li',
      { 'data-article-id': hit.id },
      h(
        'button',
        { type: 'button', class: 'link-button kb-open', onclick: () => void this.open(hit.id) },
        h('strong', {}, hit.title),
      ),
      h('p', {}, hit.snippet),
    );
  }

  private async open(articleId: string): Promise<void> {
    const article = await this.actions.article(articleId);
    if (!article) return;
    const { insert } = this.actions;
    const heading = h('h4', { id: 'kb-article-title', tabindex: -1 }, article.title);
    this.reader.replaceChildren(
      h(
        'div',
        { class: 'kb-reader-actions' },
        h('button', { type: 'button', class: 'button small', onclick: () => this.back(true) }, 'Back'),
        insert
          ? h(
              'button',
              { type: 'button', class: 'button small primary', onclick: () => insert(articleText(article)) },
              'Insert into reply',
            )
          : null,
      ),
      h(
        'article',
        { class: 'kb-article', 'data-article-id': article.id, 'aria-labelledby': 'kb-article-title' },
        heading,
        // Markdown as written, as a text node: an article is never markup in the agent's page.
        h('div', { class: 'kb-article-body', dir: 'auto' }, article.body),
      ),
    );
    this.results.hidden = true;
    this.reader.hidden = false;
    heading.focus();
  }

  /** Back to the list; with `focus`, on the article the agent came from. */
  private back(focus: boolean): void {
    const shown = this.reader.querySelector<HTMLElement>('.kb-article')?.dataset['articleId'];
    this.reader.hidden = true;
    this.reader.replaceChildren();
    this.results.hidden = false;
    if (!focus || shown === undefined) return;
    const item = [...this.results.querySelectorAll<HTMLElement>('li[data-article-id]')].find(
      (li) => li.dataset['articleId'] === shown,
    );
    item?.querySelector('button')?.focus();
  }
}
