import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Template } from 'adaptivecards-templating';
import type { CustomerCardView } from '../app/customer-views';
import type { AgentView } from '../app/views';
import { type CardKind, type DataOptions, cardDataFor } from './card-data';
import { surveyCardData, surveyThanksData } from './survey-data';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** An expanded Adaptive Card, ready to be the `content` of an attachment. */
export interface AdaptiveCardJson extends JsonObject {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: JsonObject[];
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export const CARD_KINDS: readonly CardKind[] = [
  'panel',
  'offer',
  'customer-message',
  'message-digest',
  'active-conversation',
  'kb-search',
  'quick-replies',
  'dashboard',
  'close-confirm',
  'notice',
  'help',
  'transfer-picker',
  'notes',
  'wrap-up',
  'consult-picker',
  'consult',
  'floor',
];

/**
 * The cards customers are sent (Action.Submit only: the Emulator and Teams chats with a bot both send it back), and
 * the read-only card an answered survey becomes.
 */
export const CUSTOMER_CARD_KINDS: readonly CustomerCardView['kind'][] = ['csat-survey', 'csat-thanks'];

type TemplateKind = CardKind | CustomerCardView['kind'];

/** The repo's cards/: two levels up from src/cards (ts-jest, tsx) and from dist/cards (after build). */
export const DEFAULT_CARDS_DIR = resolve(__dirname, '..', '..', 'cards');

export interface CardRendererOptions {
  /** Where the `<kind>.json` templates are; defaults to the repo's cards/. */
  readonly cardsDir?: string;
}

export type RenderOptions = DataOptions;

export class CardTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardTemplateError';
  }
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asAdaptiveCard(value: unknown, what: string): AdaptiveCardJson {
  if (!isJsonObject(value) || value['type'] !== 'AdaptiveCard' || !Array.isArray(value['body'])) {
    throw new CardTemplateError(`${what} is not an Adaptive Card`);
  }
  return value as AdaptiveCardJson;
}

/**
 * Renders agent views as Adaptive Cards from the JSON templates in cards/ (one per view kind).
 * Each template is read once, on first use, and kept by this instance.
 */
export class CardRenderer {
  private readonly cardsDir: string;
  private readonly templates = new Map<TemplateKind, Template>();

  constructor(options: CardRendererOptions = {}) {
    this.cardsDir = options.cardsDir ?? DEFAULT_CARDS_DIR;
  }

  private template(kind: TemplateKind): Template {
    const cached = this.templates.get(kind);
    if (cached) return cached;
    const file = join(this.cardsDir, `${kind}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new CardTemplateError(`cannot load card template ${file}: ${(error as Error).message}`);
    }
    // Template copies the payload and pre-parses its expressions; expand() is synchronous, so one instance serves all.
    const template = new Template(asAdaptiveCard(parsed, `card template ${file}`));
    this.templates.set(kind, template);
    return template;
  }

  /** Maps the view to its template data (customer text escaped), expands the template and returns the card. */
  renderAgentView(view: AgentView, options: RenderOptions = {}): AdaptiveCardJson {
    const data = cardDataFor(view, options);
    const expanded: unknown = this.template(view.kind).expand({ $root: data });
    return asAdaptiveCard(expanded, `the expanded ${view.kind} card`);
  }

  /** A card for a customer (the post-conversation survey, its thanks), from its template in cards/. */
  renderCustomerCard(view: CustomerCardView): AdaptiveCardJson {
    const data = view.kind === 'csat-survey' ? surveyCardData(view) : surveyThanksData(view);
    const expanded: unknown = this.template(view.kind).expand({ $root: data });
    return asAdaptiveCard(expanded, `the expanded ${view.kind} card`);
  }
}

/**
 * One-off rendering with a fresh renderer (it reads the template file each call); long-lived code should
 * keep one CardRenderer and call its renderAgentView.
 */
export function renderAgentView(
  view: AgentView,
  options: RenderOptions & CardRendererOptions = {},
): AdaptiveCardJson {
  const { cardsDir, ...renderOptions } = options;
  return new CardRenderer(cardsDir !== undefined ? { cardsDir } : {}).renderAgentView(view, renderOptions);
}
