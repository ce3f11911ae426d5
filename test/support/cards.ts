import { AdaptiveCard, SerializationContext } from 'adaptivecards';
import type { AdaptiveCardJson } from '../../src/cards/render-card';
import type { RecordedCall } from './fake-connector';

/**
 * Reading Adaptive Cards without depending on a template's exact layout: the cards the renderer makes (the card
 * specs) and the cards and texts the bot sent through the fake connector (the HTTP, web and reliability specs).
 */

/** Whatever a card or a part of it holds: the walkers below take anything and find the JSON objects in it. */
export type Json = unknown;
/** An object of a card (an element, an action, its data). */
export type CardObject = Record<string, Json>;

function isObject(value: Json): value is CardObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Everything the adaptivecards parser reports for a card: parse events, then validation events. */
export function adaptiveCardProblems(card: AdaptiveCardJson): string[] {
  const parsed = new AdaptiveCard();
  const context = new SerializationContext();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let index = 0; index < context.eventCount; index++) {
    problems.push(`parse: ${context.getEventAt(index).message}`);
  }
  for (const event of parsed.validateProperties().validationEvents) {
    problems.push(`validate: ${event.message}`);
  }
  return problems;
}

/** The Adaptive Card a recorded activity carries, or undefined when it carries none. */
export function cardOf(call: RecordedCall | undefined): CardObject | undefined {
  const attachments = call?.activity['attachments'];
  if (!Array.isArray(attachments)) return undefined;
  const first: Json = attachments[0];
  if (!isObject(first) || first['contentType'] !== 'application/vnd.microsoft.card.adaptive')
    return undefined;
  return isObject(first['content']) ? first['content'] : undefined;
}

export function textOf(call: RecordedCall | undefined): string | undefined {
  const text = call?.activity['text'];
  return typeof text === 'string' ? text : undefined;
}

export function relaydeskIdOf(activity: Record<string, unknown> | undefined): string | undefined {
  const channelData = activity?.['channelData'];
  const id = isObject(channelData) ? channelData['relaydeskId'] : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** Every object in the card, depth first, in document order. */
export function allObjects(value: Json): CardObject[] {
  if (Array.isArray(value)) return value.flatMap(allObjects);
  if (!isObject(value)) return [];
  return [value, ...Object.values(value).flatMap(allObjects)];
}

export function objectsOfType(card: Json, type: string): CardObject[] {
  return allObjects(card).filter((object) => object['type'] === type);
}

/** Every string anywhere in the card (texts, tooltips, data values). */
export function allStrings(value: Json): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (isObject(value)) return Object.values(value).flatMap(allStrings);
  return [];
}

export function textBlocks(card: Json): string[] {
  return objectsOfType(card, 'TextBlock').map((block) => String(block['text']));
}

/** All strings a reader can see: TextBlock texts, fact titles and values. */
export function visibleTexts(card: Json): string[] {
  const facts = objectsOfType(card, 'FactSet').flatMap((factSet) => {
    const list = factSet['facts'];
    return Array.isArray(list)
      ? list.filter(isObject).flatMap((fact) => [String(fact['title']), String(fact['value'])])
      : [];
  });
  return [...textBlocks(card), ...facts];
}

/** Whether any string of the card contains `fragment`. */
export function cardMentions(card: Json, fragment: string): boolean {
  return allStrings(card).some((text) => text.includes(fragment));
}

/** The Action.Execute buttons and select actions (their fallbacks are Action.Submit, not counted). */
export function executeActions(card: Json): CardObject[] {
  return objectsOfType(card, 'Action.Execute');
}

export function actionsWithVerb(card: Json, verb: string): CardObject[] {
  return executeActions(card).filter((action) => action['verb'] === verb);
}

/** The string data of the first Action.Execute with this verb whose data matches `where`. */
export function actionData(
  card: Json,
  verb: string,
  where: Record<string, string> = {},
): Record<string, string> {
  for (const action of actionsWithVerb(card, verb)) {
    const data = action['data'];
    if (!isObject(data)) continue;
    if (Object.entries(where).every(([key, value]) => data[key] === value)) {
      return Object.fromEntries(
        Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    }
  }
  throw new Error(`no "${verb}" action with ${JSON.stringify(where)} in the card`);
}

export function dataOf(action: CardObject): CardObject {
  const data = action['data'];
  if (!isObject(data)) throw new Error('action without data');
  return data;
}

export function fallbackOf(action: CardObject): CardObject {
  const fallback = action['fallback'];
  if (!isObject(fallback)) throw new Error('action without fallback');
  return fallback;
}

export function selectActionOf(object: CardObject): CardObject {
  const action = object['selectAction'];
  if (!isObject(action)) throw new Error('no selectAction');
  return action;
}

/** The row ColumnSets of the panel: those whose select action focuses a session. */
export function panelRows(card: Json): CardObject[] {
  return objectsOfType(card, 'ColumnSet').filter((columnSet) => {
    const action = columnSet['selectAction'];
    return isObject(action) && action['verb'] === 'focus';
  });
}

/**
 * The card with every TextBlock text, fact, tooltip and input value blanked out: what is left is its structure
 * (elements, actions, verbs, data keys, ids), to compare a card for benign text with one for hostile text.
 */
export function structureOf(value: Json): Json {
  if (Array.isArray(value)) return value.map(structureOf);
  if (!isObject(value)) return value;
  const result: CardObject = {};
  for (const [key, child] of Object.entries(value)) {
    const free =
      (key === 'text' && value['type'] === 'TextBlock') ||
      (value['type'] === undefined && (key === 'title' || key === 'value')) ||
      (key === 'value' && String(value['type']).startsWith('Input.')) ||
      key === 'tooltip';
    result[key] = free ? '…' : structureOf(child);
  }
  return result;
}
