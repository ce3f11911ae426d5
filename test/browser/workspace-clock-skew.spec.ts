import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { alex } from '../support/fixtures';
import { stubAlerts } from './support/alert-stubs';
import {
  advanceBoth,
  installDeskClock,
  pauseWithDesk,
  startTabDesk,
  waitForText,
  type TabDesk,
} from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'skew-user-1', conversationId: 'skew-conv-1' };
const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** This browser's clock runs 10 minutes ahead of the server's. */
const BROWSER_AHEAD_MS = 10 * MINUTE;

describe('countdowns and waiting times run on the server’s clock, whatever the browser’s says (WorkspaceState.now)', () => {
  let tab: TabDesk;
  let page: Page;

  beforeAll(async () => {
    tab = await startTabDesk('workspace-clock-skew', { AGENT_IDS: alex.aadObjectId });
    page = tab.page;
    await stubAlerts(page);
    await installDeskClock(tab, BROWSER_AHEAD_MS);
    await page.goto(tab.tabUrl(alex.aadObjectId));
    await page.locator('.live-status[data-status="live"]').waitFor();
    await pauseWithDesk(tab, 10 * SECOND, BROWSER_AHEAD_MS);
  });

  afterAll(async () => {
    await tab?.close();
  });

  afterEach(() => {
    expect(tab.pageErrors).toEqual([]);
  });

  const countdown = (): Locator => page.locator('.offer .offer-countdown');
  const waiting = (): Locator => page.locator('[data-stream="open"] tbody tr time');

  it('a new offer counts down from 2:00 and its customer has waited "under 1 min", not 10 minutes', async () => {
    await tab.customerSays(visitor1, 'Where is my order?');
    await waitForText(countdown(), '2:00 left');
    await waitForText(waiting(), 'under 1 min');
    await advanceBoth(tab, 30 * SECOND);
    await waitForText(countdown(), '1:30 left');
  });

  it('a reload half-way through shows the time really left, not a fresh 2:00', async () => {
    await page.reload();
    // Live again first: the page refreshes once its stream connects, and the clocks must not move across that.
    await page.locator('.live-status[data-status="live"]').waitFor();
    await waitForText(countdown(), '1:30 left');
    await waitForText(waiting(), 'under 1 min');
    await advanceBoth(tab, MINUTE);
    await waitForText(countdown(), '0:30 left');
    await waitForText(waiting(), '1 min');
  });

  it('the offer runs out when the server’s time is up', async () => {
    await advanceBoth(tab, 30 * SECOND);
    await waitForText(
      page.locator('.notices .notice strong'),
      'Offer for Visitor 1 expired — it went back to the queue',
    );
    await page.locator('.offer').waitFor({ state: 'detached' });
  });
});
