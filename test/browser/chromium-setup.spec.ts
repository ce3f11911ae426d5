import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, launchChromium } from './support/chromium';

describe('the browser tests’ setup', () => {
  it('fails with how to install Chromium when it is missing, instead of skipping', async () => {
    await expect(launchChromium({ PATH: '' })).rejects.toThrow(
      'Chromium not found: install it with `apt-get install chromium`',
    );
    await expect(launchChromium({ PATH: '', CHROMIUM_PATH: 'nonexistent/chromium' })).rejects.toThrow(
      'Chromium not found',
    );
  });

  it('finds chromium or chromium-browser on PATH, and CHROMIUM_PATH before both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relaydesk-chromium-'));
    try {
      const fake = join(dir, 'chromium-browser');
      writeFileSync(fake, '#!/bin/sh\n');
      chmodSync(fake, 0o755);
      expect(findChromium({ PATH: dir })).toBe(fake);
      expect(findChromium({ PATH: '', CHROMIUM_PATH: fake })).toBe(fake);
      expect(findChromium({ PATH: dir, CHROMIUM_PATH: join(dir, 'missing') })).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
