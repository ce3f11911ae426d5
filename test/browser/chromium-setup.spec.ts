import { launchChromium } from './support/chromium';

describe('the browser tests’ setup', () => {
  it('fails with how to install Chromium when it is missing, instead of skipping', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      'Chromium not found: install it with `apt-get install chromium`',
    );
  });
});
