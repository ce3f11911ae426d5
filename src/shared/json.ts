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
