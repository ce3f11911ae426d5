import { isObject } from '../../shared/json';

/** Why a posted body is not a message this channel takes, or undefined. */
export function postedProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object (an activity)';
  if (body['type'] !== 'message') return 'only message activities are taken';
  if (typeof body['text'] !== 'string' || body['text'].trim() === '')
    return 'text must be a non-empty string';
  const attachments = body['attachments'];
  if (
    attachments !== undefined &&
    attachments !== null &&
    !(Array.isArray(attachments) && attachments.length === 0)
  ) {
    return 'attachments are not taken';
  }
  const value = body['value'];
  if (value !== undefined && value !== null && !isObject(value)) return 'value must be a JSON object';
  return undefined;
}

/** The posted message's value (a card submit, such as a survey answer), when it has one: a JSON object. */
export function postedValue(body: unknown): Readonly<Record<string, unknown>> | undefined {
  const value = isObject(body) ? body['value'] : undefined;
  return isObject(value) ? value : undefined;
}
