import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, ConsoleMessage, Locator, Page } from 'playwright-core';
import type { Env } from '../../../src/config/config';
import { customerMessage, postActivity, type TestCustomer } from '../../support/activities';
import { alex, bea } from '../../support/fixtures';
import { FakeConnector } from '../../support/fake-connector';
import { startTestDesk, type TestDesk } from '../../support/harness';
import { launchChromium } from './chromium';
import { ensureTabBundle } from './tab-bundle';

/** Every wait in the browser tests is a locator wait bounded by this (ms); nothing sleeps. */
export const UI_TIMEOUT_MS = 10_000;

const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts', 'browser');

export interface TabDesk {
  readonly desk: TestDesk;
  readonly connector: FakeConnector;
  readonly browser: Browser;
  readonly page: Page;
  /** The tab's URL, signed in as this agent through the dev sign-in (`?agent=`). */
  tabUrl(agentId: string): string;
  /** A customer writes to the bot (Emulator-style, through the fake Bot Connector). */
  customerSays(customer: TestCustomer, text: string): Promise<void>;
  /** A full-page screenshot into test-artifacts/browser/<suite>/<name>.png. */
  screenshot(name: string): Promise<string>;
  /** Where a screenshot of another page of the suite goes: test-artifacts/browser/<suite>/<name>.png. */
  artifactPath(name: string): string;
  /** Uncaught page errors and console errors seen so far. */
  readonly pageErrors: string[];
  /** Resolves once no agent API call of the page is under way (the event stream aside); fails after 5 s. */
  apiQuiet(): Promise<void>;
  close(): Promise<void>;
}

const QUIET_TIMEOUT_MS = 5_000;
const QUIET_WINDOW_MS = 150;

/**
 * The page's agent API calls under way, so a test can move the clocks between them, never across one. Quiet means none
 * under way and none started for QUIET_WINDOW_MS: a call the page starts on its own (a refresh when its live stream
 * connects, after a reload) must not begin just after the check and be answered on the desk's moved clock.
 */
function trackApiCalls(page: Page): () => Promise<void> {
  const underWay = new Set<object>();
  let lastStart = 0;
  const counted = (url: string) => url.includes('/api/agent/') && !url.includes('/events');
  page.on('request', (request) => {
    if (!counted(request.url())) return;
    underWay.add(request);
    lastStart = performance.now();
  });
  const finished = (request: object) => void underWay.delete(request);
  page.on('requestfinished', finished);
  page.on('requestfailed', finished);
  return async () => {
    const deadline = performance.now() + QUIET_TIMEOUT_MS;
    while (underWay.size > 0 || performance.now() - lastStart < QUIET_WINDOW_MS) {
      if (performance.now() > deadline) throw new Error('agent API calls still under way after 5 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
}

/**
 * The real server (memory store, fake clock, 127.0.0.1) with the tab's bundle, a fake Bot Connector for the
 * customers' channel, and one headless Chromium with one page.
 */
/**
 * The browser's own line for a session read answered 404: the tab reads the workspace, then the focused session,
 * and a session ended between the two is gone by design (workspace.ts takes the 404 and shows the workspace as it
 * is). Any other failed request is still a page error.
 */
function isToleratedSessionGone(message: ConsoleMessage): boolean {
  return (
    message.text().includes('status of 404') &&
    /\/api\/agent\/sessions\/[^/]+$/.test(new URL(message.location().url, 'http://x').pathname)
  );
}

export async function startTabDesk(suite: string, env: Env): Promise<TabDesk> {
  await ensureTabBundle();
  const connector = await FakeConnector.start();
  const desk = await startTestDesk({ RATE_LIMIT_PER_MINUTE: '0', CONTACTS_FILE: 'off', ...env });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const apiQuiet = trackApiCalls(page);
    page.on('console', (message) => {
      if (message.type() === 'error' && !isToleratedSessionGone(message)) pageErrors.push(message.text());
    });
    const dir = join(ARTIFACTS, suite);
    mkdirSync(dir, { recursive: true });
    const started = browser;
    return {
      desk,
      connector,
      browser: started,
      page,
      pageErrors,
      apiQuiet,
      tabUrl: (agentId) => `${desk.app.baseUrl}/tab?agent=${encodeURIComponent(agentId)}`,
      customerSays: async (customer, text) => {
        const result = await postActivity(
          desk.app.url,
          customerMessage(connector.serviceUrl, customer, text),
        );
        if (result.status !== 200) throw new Error(`customer message answered ${result.status}`);
      },
      artifactPath: (name) => join(dir, `${name}.png`),
      screenshot: async (name) => {
        const path = join(dir, `${name}.png`);
        await page.screenshot({ path, fullPage: true, animations: 'disabled' });
        return path;
      },
      close: async () => {
        await started.close();
        await desk.app.close();
        await connector.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await desk.app.close();
    await connector.close();
    throw error;
  }
}

/** Waits until the locator's text is exactly `text` (whitespace trimmed). */
/**
 * One tab desk per describe block, with Alex signed in and the tab live before the tests; closed after them, and
 * every test fails if the page threw. `started` hands the desk to the spec's own variables.
 */
export function useLiveTab(
  suite: string,
  started: (tab: TabDesk) => void,
  options: { env?: Env; beforeOpen?: (tab: TabDesk) => Promise<void> } = {},
): void {
  let tab: TabDesk | undefined;
  beforeAll(async () => {
    tab = await startTabDesk(suite, options.env ?? { AGENT_IDS: alex.aadObjectId });
    started(tab);
    await options.beforeOpen?.(tab);
    await tab.page.goto(tab.tabUrl(alex.aadObjectId));
    await tab.page.locator('.live-status[data-status="live"]').waitFor();
  });
  afterAll(async () => {
    await tab?.close();
  });
  afterEach(() => {
    expect(tab?.pageErrors).toEqual([]);
  });
}

export async function waitForText(locator: Locator, text: string): Promise<void> {
  await locator
    .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) })
    .first()
    .waitFor();
}

/**
 * Waits until an input holds `value`: what the page does after an answer arrives (clearing the reply box once the
 * send is confirmed) can come a moment after the live event that showed the same message.
 */
export async function waitForValue(locator: Locator, value: string): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let current = await locator.inputValue();
  while (current !== value && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    current = await locator.inputValue();
  }
  expect(current).toBe(value);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A CSS attribute selector value, quoted. */
export function cssString(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Sets the page's clock to the desk's fake clock, or `offsetMs` off it (a browser whose clock is set wrong);
 * call before the page loads (see pauseWithDesk).
 */
export async function installDeskClock(tab: TabDesk, offsetMs = 0): Promise<void> {
  await tab.page.clock.install({ time: tab.desk.clock.now() + offsetMs });
}

/**
 * After installDeskClock and the page's load: both clocks jump `leadMs` ahead (the page's to `offsetMs` off the
 * desk's, as installed) and from then on move only when the test moves them (advanceBoth), so the page and the
 * server agree on how time passes.
 */
export async function pauseWithDesk(tab: TabDesk, leadMs = 10_000, offsetMs = 0): Promise<void> {
  // The page's clock has run in real time since it was installed; it can only be paused ahead of where it is.
  const pageNow = await tab.page.evaluate(() => Date.now());
  tab.desk.clock.advance(Math.max(leadMs, pageNow - offsetMs - tab.desk.clock.now() + 1000));
  await tab.page.clock.pauseAt(tab.desk.clock.now() + offsetMs);
}

/**
 * Moves the paused page clock and the desk's clock together; page timers that came due run once. Not while the page
 * waits for an answer: one read on the desk's new time and arriving on the page's old one would tell the tab the
 * server is `ms` ahead (real clocks never jump apart like that).
 */
export async function advanceBoth(tab: TabDesk, ms: number): Promise<void> {
  await tab.apiQuiet();
  tab.desk.clock.advance(ms);
  await tab.page.clock.fastForward(ms);
}

/**
 * End, confirmed, on the open session, then its wrap-up finished with `outcome`: the conversation closes and its
 * session leaves the panel.
 */
export async function endAndFinish(page: Page, outcome = 'Resolved'): Promise<void> {
  await page.getByRole('button', { name: 'End', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'End', exact: true }).click();
  await page.locator('.wrap-up-form').getByLabel(outcome, { exact: true }).check();
  await page.locator('.wrap-up-form').getByRole('button', { name: 'Finish' }).click();
}

/** Alex and Bea as the desk's two agents, by name: the env of a spec with a second agent's tab. */
export const ALEX_AND_BEA = {
  AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
  AGENT_NAMES: `${alex.aadObjectId}=Alex Agent;${bea.aadObjectId}=Bea Agent`,
};

/** A second agent's tab, live, in a context of its own; its page errors count as the spec's. */
export async function openSecondTab(tab: TabDesk, agentId: string): Promise<Page> {
  const context = await tab.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => tab.pageErrors.push(`${agentId}'s tab: ${error.message}`));
  await page.goto(tab.tabUrl(agentId));
  await page.locator('.live-status[data-status="live"]').waitFor();
  return page;
}
