import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import type { Browser, Frame, Page } from 'playwright-core';
import { startTestDesk, type TestDesk } from '../support/harness';
import { launchChromium } from './support/chromium';
import { openInFakeTeams, type FakeTeamsHost } from './support/fake-teams-host';
import { ensureTabBundle } from './support/tab-bundle';
import { UI_TIMEOUT_MS, waitForText } from './support/tab-desk';

const AUDIENCE = 'api://relaydesk.test/00000000-0000-0000-0000-00000000a11d';
const ISSUER = 'https://login.microsoftonline.com/tenant-1/v2.0';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'browser', 'workspace-in-teams');

describe('the tab inside Teams (a fake Teams host page): teams-js initialize, SSO token, theme', () => {
  let desk: TestDesk;
  let browser: Browser;
  let page: Page;
  let host: FakeTeamsHost;
  let tab: Frame;
  let privateKey: KeyLike;
  const issued: string[] = [];
  const authorizations: string[] = [];

  /** An Entra-style SSO token for Alex, valid for an hour of the desk's (fake) clock. */
  async function ssoToken(): Promise<string> {
    const now = Math.floor(desk.clock.now() / 1000);
    const token = await new SignJWT({ oid: 'aad-alex', name: 'Alex from Teams' })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
    issued.push(token);
    return token;
  }

  beforeAll(async () => {
    await ensureTabBundle();
    const keys = await generateKeyPair('RS256');
    privateKey = keys.privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    desk = await startTestDesk(
      {
        MicrosoftAppId: '00000000-0000-0000-0000-00000000a11d',
        MicrosoftAppPassword: 'not-used-here',
        AGENT_IDS: 'aad-alex',
        TAB_SSO_AUDIENCE: AUDIENCE,
        TAB_SSO_ISSUER: ISSUER,
        TAB_SSO_JWKS_URI: 'https://login.microsoftonline.com/tenant-1/discovery/v2.0/keys',
        CONTACTS_FILE: 'off',
      },
      { tabSsoKeys: createLocalJWKSet({ keys: [jwk] }) },
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    // The token each API request carried: its Authorization header, or the event stream's access_token.
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/api/agent/')) return;
      const fromQuery = url.searchParams.get('access_token');
      authorizations.push(fromQuery ? `Bearer ${fromQuery}` : (request.headers()['authorization'] ?? ''));
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await desk?.app.close();
  });

  it('initializes teams-js, signs in with the SSO token (no dev sign-in) and takes the Teams theme', async () => {
    host = await openInFakeTeams(page, desk.app.baseUrl, { theme: 'dark', issueToken: ssoToken });
    const frame = page.frame({ url: /\/tab$/ });
    expect(frame).not.toBeNull();
    tab = frame!;
    await tab.locator('[role="tab"][aria-selected="true"]').getByText('Home', { exact: true }).waitFor();
    await waitForText(tab.locator('.agent-name'), 'Alex from Teams · Available');
    expect(await tab.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await host.calls()).toEqual(
      expect.arrayContaining(['initialize', 'getContext', 'authentication.getAuthToken']),
    );
    expect(authorizations.length).toBeGreaterThan(0);
    expect(authorizations.every((value) => value === `Bearer ${issued[0]}`)).toBe(true);
    expect(await tab.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, '01-teams-dark.png'), animations: 'disabled' });
  });

  it('follows a theme change from Teams', async () => {
    await host.setTheme('contrast');
    await tab.locator('html[data-theme="contrast"]').waitFor({ state: 'attached' });
    await page.screenshot({ path: join(ARTIFACTS, '02-teams-contrast.png'), animations: 'disabled' });
    await host.setTheme('default');
    await tab.locator('html[data-theme="default"]').waitFor({ state: 'attached' });
  });

  it('asks Teams for a new token when the server refuses an expired one', async () => {
    desk.clock.advance(2 * 60 * 60 * 1000);
    await tab.getByLabel('Presence').selectOption('away');
    await waitForText(tab.locator('.panel-presence .presence-label'), 'Away');
    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(authorizations.at(-1)).toBe(`Bearer ${issued.at(-1)}`);
  });

  it('the dev sign-in is off in Teams mode', async () => {
    const response = await fetch(`${desk.app.baseUrl}/api/agent/dev-sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'aad-alex' }),
    });
    expect(response.status).toBe(404);
  });
});
