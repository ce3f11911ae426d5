/**
 * A small reader of the repo's Dockerfile: its stages and their instructions, continuation lines joined and
 * comments dropped. Enough for the checks in test/deploy and for `npm run test:container`, which runs the same
 * steps outside Docker; not a general Dockerfile parser (no ARG expansion, no heredocs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DOCKERFILE = join(__dirname, '..', 'Dockerfile');

export interface Instruction {
  /** Upper case: FROM, RUN, COPY, ENV ... */
  readonly keyword: string;
  readonly args: string;
  /** Line number of its first line, for messages. */
  readonly line: number;
}

export interface Stage {
  /** The image it starts from (another stage's name, or an image). */
  readonly from: string;
  readonly name: string;
  readonly instructions: readonly Instruction[];
}

export function readDockerfile(path: string = DOCKERFILE): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

export function parseDockerfile(text: string): Stage[] {
  const stages: { from: string; name: string; instructions: Instruction[] }[] = [];
  let pending = '';
  let start = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    if (pending === '' && /^\s*(#|$)/.test(raw)) continue;
    if (pending !== '' && /^\s*#/.test(raw)) continue;
    if (pending === '') start = index + 1;
    const continued = /\\\s*$/.test(raw);
    pending += `${raw.replace(/\\\s*$/, '').trim()} `;
    if (continued) continue;
    const text = pending.trim();
    pending = '';
    const match = /^(\w+)\s+(.*)$/s.exec(text);
    if (!match) throw new Error(`Dockerfile line ${start}: cannot read "${text}"`);
    const keyword = (match[1] ?? '').toUpperCase();
    const args = (match[2] ?? '').replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: from?.[1] ?? args, name: from?.[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${start}: ${keyword} before any FROM`);
    stage.instructions.push({ keyword, args, line: start });
  }
  return stages;
}

export interface Copy {
  readonly fromStage: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

/** COPY [--from=stage] [--chown=..] src... dest */
export function copyOf(instruction: Instruction): Copy {
  const words = instruction.args.split(' ');
  let fromStage: string | undefined;
  const rest: string[] = [];
  for (const word of words) {
    if (word.startsWith('--from=')) fromStage = word.slice('--from='.length);
    else if (!word.startsWith('--')) rest.push(word);
  }
  const destination = rest.pop() ?? '';
  return { fromStage, sources: rest, destination };
}

/** ENV KEY=value KEY2=value2 (the form this Dockerfile uses). */
export function envOf(instruction: Instruction): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of instruction.args.split(' ')) {
    const at = pair.indexOf('=');
    if (at > 0) values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return values;
}

/** The JSON (exec) form of CMD or HEALTHCHECK's CMD, as argv. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`not an exec form: ${args}`);
  }
  return parsed;
}
