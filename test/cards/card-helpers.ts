import { AdaptiveCard, SerializationContext } from 'adaptivecards';
import type { AdaptiveCardJson, JsonObject, JsonValue } from '../../src/cards/render-card';

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

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every object in the card, depth first, in document order. */
export function allObjects(value: JsonValue): JsonObject[] {
  if (Array.isArray(value)) return value.flatMap(allObjects);
  if (!isObject(value)) return [];
  return [value, ...Object.values(value).flatMap(allObjects)];
}

export function objectsOfType(card: JsonValue, type: string): JsonObject[] {
  return allObjects(card).filter((object) => object['type'] === type);
}

/** The Action.Execute buttons and select actions (their fallbacks are Action.Submit, counted separately). */
export function executeActions(card: JsonValue): JsonObject[] {
  return objectsOfType(card, 'Action.Execute');
}

export function actionsWithVerb(card: JsonValue, verb: string): JsonObject[] {
  return executeActions(card).filter((action) => action['verb'] === verb);
}

export function textBlocks(card: JsonValue): string[] {
  return objectsOfType(card, 'TextBlock').map((block) => String(block['text']));
}

/** All strings a reader can see: TextBlock texts, fact titles and values. */
export function visibleTexts(card: JsonValue): string[] {
  const facts = objectsOfType(card, 'FactSet').flatMap((factSet) => {
    const list = factSet['facts'];
    return Array.isArray(list)
      ? list.filter(isObject).flatMap((fact) => [String(fact['title']), String(fact['value'])])
      : [];
  });
  return [...textBlocks(card), ...facts];
}

/** Every string anywhere in the card. */
export function allStrings(value: JsonValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (isObject(value)) return Object.values(value).flatMap(allStrings);
  return [];
}

/**
 * The card with every TextBlock text, fact, tooltip and input value blanked out: what is left is its structure
 * (elements, actions, verbs, data keys, ids), to compare a card for benign text with one for hostile text.
 */
export function structureOf(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(structureOf);
  if (!isObject(value)) return value;
  const result: JsonObject = {};
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

/** The row ColumnSets of the panel: those whose select action focuses a session. */
export function panelRows(card: JsonValue): JsonObject[] {
  return objectsOfType(card, 'ColumnSet').filter((columnSet) => {
    const action = columnSet['selectAction'];
    return isObject(action) && action['verb'] === 'focus';
  });
}

export function dataOf(action: JsonObject): JsonObject {
  const data = action['data'];
  if (!isObject(data)) throw new Error('action without data');
  return data;
}

export function fallbackOf(action: JsonObject): JsonObject {
  const fallback = action['fallback'];
  if (!isObject(fallback)) throw new Error('action without fallback');
  return fallback;
}

export function selectActionOf(object: JsonObject): JsonObject {
  const action = object['selectAction'];
  if (!isObject(action)) throw new Error('no selectAction');
  return action;
}
