import type { RecordedCall } from './fake-connector';

/** Reading the Adaptive Cards and texts the bot sent, without depending on a template's exact layout. */

export type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Adaptive Card a recorded activity carries, or undefined when it carries none. */
export function cardOf(call: RecordedCall | undefined): Record<string, Json> | undefined {
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
  const id = isObject(channelData as Json) ? (channelData as Record<string, Json>)['relaydeskId'] : undefined;
  return typeof id === 'string' ? id : undefined;
}

export function allObjects(value: Json): Record<string, Json>[] {
  if (Array.isArray(value)) return value.flatMap(allObjects);
  if (!isObject(value)) return [];
  return [value, ...Object.values(value).flatMap(allObjects)];
}

/** Every string anywhere in the card (texts, tooltips, data values). */
export function allStrings(value: Json): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (isObject(value)) return Object.values(value).flatMap(allStrings);
  return [];
}

export function textBlocks(card: Json): string[] {
  return allObjects(card)
    .filter((object) => object['type'] === 'TextBlock')
    .map((block) => String(block['text']));
}

/** Whether any string of the card contains `fragment`. */
export function cardMentions(card: Json, fragment: string): boolean {
  return allStrings(card).some((text) => text.includes(fragment));
}

/** The Action.Execute actions with this verb (the Action.Submit fallbacks are not counted). */
export function actionsWithVerb(card: Json, verb: string): Record<string, Json>[] {
  return allObjects(card).filter((object) => object['type'] === 'Action.Execute' && object['verb'] === verb);
}

/** The data of the first Action.Execute with this verb whose data matches `where`. */
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
