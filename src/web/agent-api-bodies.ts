import { z } from 'zod';
import { CASE_FIELD_MAX_CHARS, CASE_PRIORITIES } from '../app/case-sessions';
import { MAX_ID_CHARS } from '../cards/verb-table';
import type { DraftChange } from './agent-api';

/** What the agent API reads from bodies and queries, as zod schemas: one place, one wording of refusals. */

/** A display name a dev sign-in may set (customers read it). */
export const MAX_NAME_CHARS = 64;

/** Cuts at `maxChars` UTF-16 units without leaving half a surrogate pair. */
export function cutAt(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return text.slice(0, /[\uDC00-\uDFFF]/.test(text.charAt(maxChars)) ? maxChars - 1 : maxChars);
}

const displayName = z
  .string({ error: `"name", when given, must be a string of 1 to ${MAX_NAME_CHARS} characters.` })
  // Control characters would break a card line or a log line.
  // eslint-disable-next-line no-control-regex
  .transform((value) => value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, `"name", when given, must be a string of 1 to ${MAX_NAME_CHARS} characters.`)
      .max(MAX_NAME_CHARS, `"name", when given, must be a string of 1 to ${MAX_NAME_CHARS} characters.`),
  );

export const DevSignInBody = z.object(
  {
    agentId: z
      .string({ error: `"agentId" must be a string of 1 to ${MAX_ID_CHARS} characters.` })
      .trim()
      .min(1, `"agentId" must be a string of 1 to ${MAX_ID_CHARS} characters.`)
      .max(MAX_ID_CHARS, `"agentId" must be a string of 1 to ${MAX_ID_CHARS} characters.`),
    name: displayName.nullish().transform((name) => name ?? undefined),
  },
  { error: 'The body must be a JSON object: { "agentId": …, "name"?: … }.' },
);

/** `?before=<seq>` of the earlier-messages route: a line number of the conversation. */
export const EarlierQuery = z.object({
  before: z.coerce
    .number({ error: '`before` must be a line number of the conversation (1 or more).' })
    .int('`before` must be a line number of the conversation (1 or more).')
    .min(1, '`before` must be a line number of the conversation (1 or more).')
    .max(2 ** 31, '`before` must be a line number of the conversation (1 or more).'),
});

function caseFields(maxTextChars: number) {
  const field = (name: string) => z.string({ error: `Case field "${name}" must be a string.` });
  return z.strictObject(
    {
      title: field('title')
        .transform((value) => cutAt(value, CASE_FIELD_MAX_CHARS.title))
        .optional(),
      description: field('description')
        .transform((value) => cutAt(value, maxTextChars))
        .optional(),
      priority: z
        .enum(['', ...CASE_PRIORITIES], { error: `"priority" must be one of ${CASE_PRIORITIES.join(', ')}.` })
        .optional(),
    },
    { error: '"caseFields" must be an object of strings.' },
  );
}

/** PUT …/draft: a reply, case fields, or both; nothing else. */
export function draftChangeBody(maxTextChars: number) {
  return z.strictObject(
    {
      reply: z.string({ error: '"reply" must be a string.' }).optional(),
      caseFields: caseFields(maxTextChars).optional(),
    },
    { error: 'The body must be a JSON object: { "reply"?: string, "caseFields"?: {…} }.' },
  );
}

/** The first problem of a failed parse in one sentence: an unknown key is named, as a person would write it. */
export function refusalOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The body is not what this route takes.';
  if (issue.code === 'unrecognized_keys') {
    const key = (issue.keys[0] ?? '').slice(0, 50);
    return issue.path[0] === 'caseFields'
      ? `Unknown case field "${key}"; the fields are title, description, priority.`
      : `Unknown draft field "${key}".`;
  }
  return issue.message;
}

/** A draft body as the use case takes it, or why it is refused. */
export function draftChangeOf(body: unknown, maxTextChars: number): DraftChange | string {
  const parsed = draftChangeBody(maxTextChars).safeParse(body);
  if (!parsed.success) return refusalOf(parsed.error);
  const { reply, caseFields: fields } = parsed.data;
  const defined = fields
    ? Object.fromEntries(
        Object.entries(fields).flatMap(([key, value]) =>
          value === undefined ? [] : [[key, value] as const],
        ),
      )
    : undefined;
  return {
    ...(reply !== undefined ? { reply } : {}),
    ...(defined !== undefined ? { caseFields: defined } : {}),
  };
}
