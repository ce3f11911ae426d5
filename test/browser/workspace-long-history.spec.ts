import type { Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { useLiveTab, waitForText, type TabDesk } from './support/tab-desk';

const kim: TestCustomer = { userId: 'long-history-kim', conversationId: 'long-history-conv' };
/** Two and a half pages of 50. */
const HISTORY = 125;

describe('a long conversation in the tab: the latest page first, earlier pages on demand', () => {
  let tab: TabDesk;
  let page: Page;
  useLiveTab('workspace-long-history', (started) => {
    tab = started;
    page = started.page;
  });

  const lines = () => page.locator('.transcript .line.from-customer');
  const earlier = () => page.getByRole('button', { name: 'Show earlier messages' });

  it('opens the session with the latest 50 messages and a "Show earlier messages" button above them', async () => {
    for (let index = 1; index <= HISTORY; index += 1) await tab.customerSays(kim, `Message ${index}`);
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await page.locator('#reply-text').waitFor();
    await lines().getByText(`Message ${HISTORY}`, { exact: true }).waitFor();
    expect(await lines().count()).toBe(50);
    await waitForText(lines().first().locator('.line-text'), `Message ${HISTORY - 49}`);
    await earlier().waitFor();
  });

  it('"Show earlier messages" puts the page before above, keeping the line in view where it was', async () => {
    const anchor = lines().getByText(`Message ${HISTORY - 49}`, { exact: true });
    // Pressed where it is: scrolling up to it would load the page by itself (as it should).
    await page.locator('.transcript').evaluate((list) => (list.scrollTop = 200));
    const top = await anchor.evaluate((line) => line.getBoundingClientRect().top);
    await earlier().evaluate((button) => (button as { click(): void }).click());
    await lines()
      .getByText(`Message ${HISTORY - 50}`, { exact: true })
      .waitFor();
    expect(await lines().count()).toBe(100);
    expect(await anchor.evaluate((line) => line.getBoundingClientRect().top)).toBeCloseTo(top, 0);
    await tab.screenshot('01-earlier-page');
  });

  it('scrolling to the top loads the rest, and the button goes once the first message is shown', async () => {
    await page.locator('.transcript').evaluate((list) => (list.scrollTop = 0));
    await lines().getByText('Message 1', { exact: true }).waitFor();
    expect(await lines().count()).toBe(HISTORY);
    expect(await earlier().isVisible()).toBe(false);
  });

  it('a new message still appears at the end after earlier pages were loaded', async () => {
    await tab.customerSays(kim, 'One more thing');
    await lines().getByText('One more thing', { exact: true }).waitFor();
    expect(await lines().count()).toBe(HISTORY + 1);
    expect(await lines().first().locator('.line-text').textContent()).toBe('Message 1');
  });
});
