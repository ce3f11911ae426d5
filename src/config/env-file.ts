import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

type Values = Readonly<Record<string, string | undefined>>;

/** Parses a `.env` file with Node's own parser; a missing file is simply no values. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // Not `instanceof Error`: errors from Node's core can come from another realm (as under jest).
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return {};
    throw error;
  }
  return definedOnly(parseEnv(text));
}

/** The real environment wins over the `.env` file: a key present in the environment is kept, even when empty. */
export function resolveEnvironment(processEnv: Values, envFileValues: Values): Record<string, string> {
  return { ...definedOnly(envFileValues), ...definedOnly(processEnv) };
}

function definedOnly(values: Values): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}
