import type { Locator, Page, Route } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { alex } from '../support/fixtures';
import {
  installDeskClock,
  pauseWithDesk,
  startTabDesk,
  waitForText,
  waitForValue,
  type TabDesk,
} from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'notice-user-1', conversationId: 'notice-conv-1' };
const CANNOT_REACH = "Can't reach Relaydesk — retrying";

describe('the draft status and the notices tell the truth, in plain words, and go away by themselves', () => {
  let tab: TabDesk;
  let page: Page;

  beforeAll(async () => {
    tab = await startTabDesk('workspace-drafts-and-notices', { AGENT_IDS: alex.aadObjectId });
    page = tab.page;
    await installDeskClock(tab);
    await page.goto(tab.tabUrl(alex.aadObjectId));
    await page.locator('.live-status[data-status="live"]').waitFor();
  });

  afterAll(async () => {
    await tab?.close();
  });

  afterEach(() => {
    expect(tab.pageErrors.filter((error) => !error.includes('net::ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });

  const notices = (): Locator => page.locator('.notices .notice');
  const draftStatus = (): Locator => page.locator('.draft-status');

  it('a reply sent within 400 ms of the last key leaves no "Saving draft…" behind, and no "Sent" toast', async () => {
    // The page's clock stands still: the 400 ms draft timer cannot fire between the last key and Enter.
    await pauseWithDesk(tab);
    try {
      await tab.customerSays(visitor1, 'Is my order on its way?');
      await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
      await page.locator('#reply-text:focus').waitFor();
      await page.keyboard.type('Yes, it left today');
      await waitForText(draftStatus(), 'Saving draft…');
      await page.keyboard.press('Enter');
      await page.locator('.transcript .from-agent').getByText('Yes, it left today').waitFor();

      // The live event can show the reply before the send's own answer clears the box.
      await waitForValue(page.locator('#reply-text'), '');
      await page.locator('.draft-status[data-status="idle"]').waitFor({ state: 'attached' });
      expect(await draftStatus().textContent()).toBe('');
      expect(await notices().count()).toBe(0);
    } finally {
      await page.clock.resume();
    }
  });

  it('says "Can’t reach Relaydesk — retrying" once, never the browser’s words, and clears it when back', async () => {
    let refused = 0;
    let thirdRefusal: () => void = () => undefined;
    const refusedThrice = new Promise<void>((resolve) => (thirdRefusal = resolve));
    const offline = async (route: Route) => {
      refused += 1;
      if (refused === 3) thirdRefusal();
      await route.abort('internetdisconnected');
    };
    await page.route(/\/api\/agent\/(workspace|sessions|actions)/, offline);
    // The customer writes: the live event makes the tab read the workspace, which cannot be reached.
    await tab.customerSays(visitor1, 'Hello? Are you still there?');
    await waitForText(notices().locator('strong'), CANNOT_REACH);
    await refusedThrice;
    expect(await notices().filter({ hasText: CANNOT_REACH }).count()).toBe(1);
    expect(await page.locator('.notices').textContent()).not.toMatch(/Failed to fetch|TypeError|went wrong/);

    await page.unroute(/\/api\/agent\/(workspace|sessions|actions)/, offline);
    await notices().filter({ hasText: CANNOT_REACH }).waitFor({ state: 'detached' });
    await page.locator('.transcript .from-customer').getByText('Hello? Are you still there?').waitFor();
  });
});
