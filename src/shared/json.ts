/**
 * Small guards for JSON that arrives from outside (request bodies, responses, stored strings). Pure, with no
 * Node or DOM imports, so the server and the browser bundles (the tab, the chat page) share them.
 */

/** A plain JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed JSON text, or undefined when it is empty or not JSON. */
export function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Deepest nesting of objects and arrays taken in a body; a card's content is a dozen levels deep. */
export const MAX_BODY_DEPTH = 64;

/**
 * How deep `value` nests, counted without recursion (a body 60,000 levels deep must not overflow the stack
 * here either), stopping as soon as it goes past `limit`.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined || typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(next.value)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth });
    }
  }
  return deepest;
}
