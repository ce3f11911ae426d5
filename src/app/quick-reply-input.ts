import { z } from 'zod';
import {
  QUICK_REPLY_LIMITS,
  normalizeTags,
  tagProblem,
  type QuickReplyFields,
} from '../domain/quick-replies';

/** A quick reply's fields as written in the shared file or sent by the tab, read with one set of rules. */

const { titleChars, textChars, tags: maxTags } = QUICK_REPLY_LIMITS;

/** Control characters would break a card line or the picker; a line break is fine in the text only. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

const title = z
  .string({ error: `"title" must be a string of 1 to ${titleChars} characters` })
  .trim()
  .min(1, `"title" must be a string of 1 to ${titleChars} characters`)
  .max(titleChars, `"title" is longer than ${titleChars} characters`)
  .refine((value) => !CONTROL.test(value) && !value.includes('\n'), {
    error: '"title" must be one line of text',
  });

const text = z
  .string({ error: `"text" must be a string of 1 to ${textChars} characters` })
  .transform((value) => value.replace(/\r\n?/g, '\n').trim())
  .pipe(
    z
      .string()
      .min(1, `"text" must be a string of 1 to ${textChars} characters`)
      .max(textChars, `"text" is longer than ${textChars} characters`)
      .refine((value) => !CONTROL.test(value), { error: '"text" holds a control character' }),
  );

const tags = z
  .array(z.string({ error: '"tags" must be a list of words' }), { error: '"tags" must be a list of words' })
  .max(maxTags * 4, `"tags" has more than ${maxTags} tags`)
  .transform((value, context) => {
    for (const tag of value) {
      const problem = tagProblem(tag);
      if (problem) context.addIssue({ code: 'custom', message: `"tags": ${problem}` });
    }
    return normalizeTags(value);
  })
  .refine((value) => value.length <= maxTags, { error: `"tags" has more than ${maxTags} tags` });

/** The fields of a quick reply: title and text required, tags optional (none). */
export const quickReplyFields = {
  title,
  text,
  tags: tags.optional().transform((value) => value ?? []),
};

export const QuickReplyFieldsSchema = z.strictObject(quickReplyFields, {
  error: 'A quick reply is an object: { "title": …, "text": …, "tags"?: […] }',
});

/** The first problem of a failed parse in one sentence, naming an unknown key as a person would. */
export function quickReplyProblem(error: z.ZodError, fields = 'title, text and tags'): string {
  const issue = error.issues[0];
  if (!issue) return 'The quick reply could not be read.';
  if (issue.code === 'unrecognized_keys') {
    return `unknown field "${(issue.keys[0] ?? '').slice(0, 50)}" (a quick reply has ${fields})`;
  }
  return issue.message;
}

/** Fields as the store keeps them, or why they are refused. */
export function readQuickReplyFields(raw: unknown): QuickReplyFields | string {
  const parsed = QuickReplyFieldsSchema.safeParse(raw);
  return parsed.success ? parsed.data : quickReplyProblem(parsed.error);
}
