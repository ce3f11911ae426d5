import { InvokeException, type AdaptiveCardInvokeResponse, type InvokeResponse } from 'botbuilder';
import { z } from 'zod';
import { isObject } from '../shared/json';

export const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';
const ERROR_CONTENT_TYPE = 'application/vnd.microsoft.error';
const MESSAGE_CONTENT_TYPE = 'application/vnd.microsoft.activity.message';
/** CardFactory.contentTypes.adaptiveCard, which botbuilder types as any. */
const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * The least an `adaptiveCard/action` invoke must carry before botbuilder reads it: an action object. Without one,
 * botbuilder's getAdaptiveCardInvokeValue throws a TypeError (a failed turn) instead of answering 400.
 */
const CardActionInvoke = z.object({ action: z.looseObject({}) });

/** Why an invoke's value is no card action botbuilder can read, or undefined when it is one. */
export function cardActionProblem(value: unknown): string | undefined {
  return CardActionInvoke.safeParse(value).success ? undefined : 'The invoke carries no action.';
}

/** An Adaptive Card answering an invoke: it replaces the card the action was pressed on. */
export function cardResponse(card: object): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: { ...card } };
}

/** A short message answering an invoke: the card the action was pressed on stays as it is. */
export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  // Universal Actions' message answer carries the text itself; botbuilder types every answer's value as an object.
  return { statusCode: 200, type: MESSAGE_CONTENT_TYPE, value: text as unknown as Record<string, unknown> };
}

export function cardInvokeResponse(card: object): InvokeResponse<AdaptiveCardInvokeResponse> {
  return { status: 200, body: cardResponse(card) };
}

/** A refused or failed card action, thrown the way botbuilder's own invoke handling throws (InvokeException). */
export function invokeError(
  status: 400 | 500,
  code: string,
  message: string,
): InvokeException<AdaptiveCardInvokeResponse> {
  return new InvokeException(status, {
    statusCode: status,
    type: ERROR_CONTENT_TYPE,
    value: { code, message },
  });
}

/** The message of an error answer (`value.message`), for the log. */
export function errorMessageOf(response: InvokeResponse): unknown {
  const body: unknown = response.body;
  return isObject(body) && isObject(body['value']) ? body['value']['message'] : undefined;
}
