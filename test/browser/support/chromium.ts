import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), driven by playwright-core; no browser download. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// What this machine needs: no sandbox (root in a container), no GPU, and no calls home.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** One browser per test file. A missing Chromium fails the file with how to install it, never a skip. */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error('Chromium not found: install it with `apt-get install chromium`');
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
