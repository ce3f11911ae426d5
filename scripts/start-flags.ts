/**
 * The Node options `npm start` runs Relaydesk with, read from package.json: the Dockerfile's CMD, the reliability
 * suite's server process and the bench's servers use the same ones (test/deploy checks the Dockerfile).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FLAG = /^--[a-z][a-z0-9-]*(=[A-Za-z0-9._-]+)?$/;

/** The `--` options before the script in the `node … dist/main.js` part of a start script. */
export function startScriptFlags(start: string): string[] {
  for (const part of start.split('&&')) {
    const words = part.trim().split(/\s+/);
    if (words[0] !== 'node') continue;
    const script = words.findIndex((word, index) => index > 0 && !word.startsWith('--'));
    if (script < 0 || words[script] !== 'dist/main.js') continue;
    const flags = words.slice(1, script);
    checkNodeFlags(flags, 'npm start');
    return flags;
  }
  throw new Error(`npm start: no "node … dist/main.js" in "${start}"`);
}

export function packageStartFlags(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  return startScriptFlags(manifest.scripts?.start ?? '');
}

/** Throws unless each is a plain --name or --name=value option (nothing a shell would expand). */
export function checkNodeFlags(flags: readonly string[], source: string): void {
  const odd = flags.find((flag) => !FLAG.test(flag));
  if (odd !== undefined) throw new Error(`${source}: "${odd}" is not a --name or --name=value option`);
}
