/** Cheap checks on a POST to /api/messages, made before botbuilder sees it. */

import { isObject, MAX_BODY_DEPTH, nestingDepth } from '../shared/json';

export { MAX_BODY_DEPTH, nestingDepth };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_FIELD_CHARS = 1000;

/** The first field of an account or conversation that holds an object or an array (they hold plain values). */
function nestedField(value: Record<string, unknown>, path: string): string | undefined {
  const field = Object.keys(value).find((key) => typeof value[key] === 'object' && value[key] !== null);
  return field === undefined
    ? undefined
    : `${path}.${field.slice(0, 50)} must be a plain value, not an object`;
}

function decodesToObject(segment: string): boolean {
  try {
    return isObject(JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')));
  } catch {
    return false;
  }
}

/**
 * Why an Authorization header cannot be a Bot Framework token, or undefined when it might be one.
 * Refusing these here means a missing or garbled header never makes botbuilder fetch signing keys.
 */
export function authorizationProblem(header: string | string[] | undefined): string | undefined {
  if (header === undefined || header === '') return 'the Authorization header is missing';
  if (Array.isArray(header)) return 'there is more than one Authorization header';
  const match = /^Bearer ([^\s]+)$/.exec(header.trim());
  if (!match?.[1]) return 'the Authorization header is not a Bearer token';
  const segments = match[1].split('.');
  const [head, payload, signature] = segments;
  if (segments.length !== 3 || head === undefined || payload === undefined || signature === undefined) {
    return 'the bearer token is not a JWT';
  }
  if (![head, payload, signature].every((part) => BASE64URL.test(part)))
    return 'the bearer token is not a JWT';
  if (!decodesToObject(head) || !decodesToObject(payload)) return 'the bearer token is not a JWT';
  return undefined;
}

function text(value: unknown, path: string, required: boolean): string | undefined {
  if ((value === undefined || value === null) && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') return `${path} must be a non-empty string`;
  if (value.length > MAX_FIELD_CHARS) return `${path} is longer than ${MAX_FIELD_CHARS} characters`;
  return undefined;
}

/** A field that may be absent, but is a string when given (botbuilder copies it into the reply's reference). */
function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return `${path} must be a string`;
  if (value.length > MAX_FIELD_CHARS) return `${path} is longer than ${MAX_FIELD_CHARS} characters`;
  return undefined;
}

/**
 * The string fields of an account or conversation that botbuilder copies into the conversation reference every
 * reply goes through: junk there would be accepted now and make every later send to this sender fail.
 */
function accountProblem(
  value: Record<string, unknown>,
  path: string,
  fields: readonly string[],
): string | undefined {
  return fields.map((field) => optionalString(value[field], `${path}.${field}`)).find(Boolean);
}

const ACCOUNT_FIELDS = ['name', 'aadObjectId', 'role'] as const;
const CONVERSATION_FIELDS = ['name', 'conversationType', 'tenantId', 'aadObjectId', 'role'] as const;

function httpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Why a request body is not an activity the bot can answer, or undefined when it is one. */
export function activityProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object (an activity)';
  if (nestingDepth(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    return `the body nests deeper than ${MAX_BODY_DEPTH} levels`;
  }
  const problems = [
    text(body['type'], 'type', true),
    text(body['channelId'], 'channelId', true),
    httpUrl(body['serviceUrl']) ? undefined : 'serviceUrl must be an http(s) URL',
    isObject(body['conversation'])
      ? (text(body['conversation']['id'], 'conversation.id', true) ??
        accountProblem(body['conversation'], 'conversation', CONVERSATION_FIELDS) ??
        nestedField(body['conversation'], 'conversation') ??
        (body['conversation']['isGroup'] === undefined ||
        body['conversation']['isGroup'] === null ||
        typeof body['conversation']['isGroup'] === 'boolean'
          ? undefined
          : 'conversation.isGroup must be true or false'))
      : 'conversation must be an object',
    isObject(body['from'])
      ? (text(body['from']['id'], 'from.id', true) ??
        accountProblem(body['from'], 'from', ACCOUNT_FIELDS) ??
        nestedField(body['from'], 'from'))
      : 'from must be an object',
    body['recipient'] === undefined || body['recipient'] === null
      ? undefined
      : isObject(body['recipient'])
        ? (accountProblem(body['recipient'], 'recipient', ['id', ...ACCOUNT_FIELDS]) ??
          nestedField(body['recipient'], 'recipient'))
        : 'recipient must be an object',
    optionalString(body['locale'], 'locale'),
    text(body['id'], 'id', false),
    text(body['replyToId'], 'replyToId', false),
    text(body['name'], 'name', false),
    body['text'] === undefined || body['text'] === null || typeof body['text'] === 'string'
      ? undefined
      : 'text must be a string',
  ];
  return problems.find((problem) => problem !== undefined);
}
