import { parseOperatingHours, type OperatingHours } from '../domain/operating-hours';
import { z } from 'zod';
import type { AgentIdentity } from '../domain/agent-directory';

/** Schemas of the list-valued keys: agents and their ids, agent names, pre-chat questions. */

export interface PrechatQuestion {
  readonly id: string;
  readonly prompt: string;
}

export interface AgentName {
  readonly id: string;
  readonly name: string;
}

export const MAX_PRECHAT_QUESTIONS = 5;

/** `a; b;; c` → ['a', 'b', 'c']: entries separated by ";" (they may hold commas), blanks dropped. */
const semicolonList = z.string().transform((raw) =>
  raw
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== ''),
);

// `name=What is your name?;topic=What can we help you with?` — ids are short keys, prompts are what the customer reads.
export const prechatList = semicolonList
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,30}=[^=].{0,199}$/)
          .transform((entry): PrechatQuestion => {
            const at = entry.indexOf('=');
            return { id: entry.slice(0, at), prompt: entry.slice(at + 1).trim() };
          }),
      )
      .min(1)
      .max(MAX_PRECHAT_QUESTIONS),
  )
  .refine((questions) => new Set(questions.map((q) => q.id)).size === questions.length);

const agentId = z.string().regex(/^[^\s,|]+$/);

/** `id|alias,id2`: agents separated by commas, the ids of one agent by `|`; an id names one agent only. */
export const agentList = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((entry) =>
        entry
          .split('|')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      )
      .filter((ids) => ids.length > 0),
  )
  .pipe(z.array(z.array(agentId).min(1)).min(1))
  .refine((agents) => {
    const ids = agents.flat();
    return new Set(ids).size === ids.length;
  })
  .transform((agents) => agents.map(([id, ...aliases]): AgentIdentity => ({ id: id!, aliases })));

export const MAX_WRAP_UP_OUTCOMES = 10;
export const DEFAULT_WRAP_UP_OUTCOMES = ['Resolved', 'Follow-up needed', 'Escalated', 'No response'];

/** `Resolved;Follow-up needed`: the outcomes an agent picks from in wrap-up, distinct, 1 to 40 characters each. */
export const wrapUpOutcomes = semicolonList
  .pipe(
    z
      // eslint-disable-next-line no-control-regex
      .array(z.string().regex(/^[^\u0000-\u001f\u007f]{1,40}$/))
      .min(1)
      .max(MAX_WRAP_UP_OUTCOMES),
  )
  .refine((outcomes) => new Set(outcomes.map((o) => o.toLowerCase())).size === outcomes.length);

/** `id=Name;id2=Other Name`: a display name per agent, by any of its ids (names may hold commas). */
export const agentNames = semicolonList.pipe(
  z.array(
    z
      .string()
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\s=]+=[^\u0000-\u001f\u007f]{1,64}$/)
      .transform((entry): AgentName => {
        const at = entry.indexOf('=');
        return { id: entry.slice(0, at), name: entry.slice(at + 1).trim() };
      })
      .refine((entry) => entry.name !== ''),
  ),
);

/** `Mon-Fri 09:00-17:00, Sat 10:00-14:00 @ Europe/Berlin`: when the desk is open (src/domain/operating-hours.ts). */
export const operatingHours = z.string().transform((raw, ctx): OperatingHours => {
  const parsed = parseOperatingHours(raw);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});
