import type { KbSearchView } from '../../app/views';
import { h } from './dom';

/** The KB search pane of a session: a search box and the articles found, seeded with the customer's words. */
export class KbPane {
  readonly element: HTMLElement;
  private readonly query: HTMLInputElement;
  private readonly results: HTMLElement;
  private touched = false;

  constructor(
    initial: KbSearchView,
    private readonly search: (query: string) => Promise<KbSearchView | undefined>,
  ) {
    this.query = h('input', {
      type: 'search',
      id: 'kb-query',
      name: 'query',
      value: initial.query,
      oninput: () => (this.touched = true),
    });
    this.results = h('div', { class: 'kb-results', 'aria-live': 'polite' });
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
    );
    this.show(initial);
  }

  /** A newer detail's seed search, taken only while the agent has not searched for something else. */
  offer(view: KbSearchView): void {
    if (this.touched || this.query.value !== '' || !view.query) return;
    this.query.value = view.query;
    this.show(view);
  }

  private async submit(): Promise<void> {
    this.touched = true;
    const view = await this.search(this.query.value);
    if (view) this.show(view);
  }

  private show(view: KbSearchView): void {
    this.results.replaceChildren(
      view.results.length === 0
        ? h(
            'p',
            { class: 'empty' },
            view.query ? `No articles match “${view.query}”.` : 'Search for an article.',
          )
        : h(
            'ol',
            { class: 'kb-list' },
            ...view.results.map((hit) =>
              h('li', { 'data-article-id': hit.id }, h('strong', {}, hit.title), h('p', {}, hit.snippet)),
            ),
          ),
    );
  }
}
