import type { BrowserContext, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { UI_TIMEOUT_MS, startTabDesk, waitForText, type TabDesk } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'web-user-1', conversationId: 'emulator-conv-1' };
const visitor2: TestCustomer = { userId: 'web-user-2', conversationId: 'emulator-conv-2' };

describe('the tab outside Teams: dev sign-in, token renewal, live updates and one agent’s view', () => {
  let tab: TabDesk;
  let page: Page;

  beforeAll(async () => {
    tab = await startTabDesk('workspace-sign-in-and-live', { AGENT_IDS: 'aad-alex,aad-bea' });
    page = tab.page;
  });

  afterAll(async () => {
    await tab?.close();
  });

  const openItem = (p: Page, title: string) =>
    p.locator('[data-stream="open"]').getByRole('rowheader', { name: title, exact: true });

  it('the sign-in form refuses an id that is not an agent, with the reason, and lets an agent in', async () => {
    await page.goto(`${tab.desk.app.baseUrl}/tab`);
    await page.getByLabel('Agent id').fill('mallory');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(
      page.getByRole('alert'),
      'Not signed in: Only an agent id listed in AGENT_IDS can sign in.',
    );
    await tab.screenshot('01-sign-in-refused');
    await page.getByLabel('Agent id').fill('aad-alex');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agent dashboard' }).waitFor();
  });

  it('stays signed in across a reload, and Sign out goes back to the form', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Agent dashboard' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Agent id').waitFor();
    await page.goto(tab.tabUrl('aad-alex'));
    await page.locator('.live-status[data-status="live"]').waitFor();
  });

  it('takes a dark theme from ?theme= outside Teams', async () => {
    await page.goto(`${tab.tabUrl('aad-alex')}&theme=dark`);
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: 'Agent dashboard' }).waitFor();
    await page.goto(tab.tabUrl('aad-alex'));
    await page.locator('.live-status[data-status="live"]').waitFor();
  });

  it('renews an expired token by itself: the next action just works', async () => {
    tab.desk.clock.advance(2 * 60 * 60 * 1000);
    await page.getByLabel('Presence').selectOption('away');
    await waitForText(page.locator('.panel-presence .presence-label'), 'Away');
    await page.getByLabel('Presence').selectOption('available');
    await waitForText(page.locator('.panel-presence .presence-label'), 'Available');
  });

  it('reconnects the live stream when the server ends it, with a fresh token, and catches up on what it missed', async () => {
    // A fresh sign-in, then the desk's clock moved to 2 s before that token expires: the server ends the
    // event stream it opens next when the token runs out, 2 s later.
    await page.evaluate('sessionStorage.clear()');
    await page.goto(tab.tabUrl('aad-alex'));
    await page.locator('.live-status[data-status="live"]').waitFor();
    tab.desk.clock.advance(60 * 60 * 1000 - 2000);
    await page.reload();
    await page.locator('.live-status[data-status="live"]').waitFor();
    // Past the token's expiry, the browser's own reconnection is refused (401); the tab signs in again.
    tab.desk.clock.advance(60 * 60 * 1000);
    await page.locator('.live-status[data-status="reconnecting"]').waitFor();
    await tab.customerSays(visitor1, 'Hello? Is anyone there?');
    await page.locator('.live-status[data-status="live"]').waitFor({ timeout: 15_000 });
    await openItem(page, 'Visitor 1').waitFor();
  });

  describe('with a second agent in another browser context', () => {
    let bea: BrowserContext;
    let beaPage: Page;

    beforeAll(async () => {
      bea = await tab.browser.newContext({ viewport: { width: 1280, height: 800 } });
      beaPage = await bea.newPage();
      beaPage.setDefaultTimeout(UI_TIMEOUT_MS);
      await beaPage.goto(tab.tabUrl('aad-bea'));
      await beaPage.locator('.live-status[data-status="live"]').waitFor();
    });

    afterAll(async () => {
      await bea?.close();
    });

    it('each agent sees only their own sessions; a pick leaves the others’ Open work items live', async () => {
      await openItem(beaPage, 'Visitor 1').waitFor();
      await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
      await page.locator('.session-row .session-title').getByText('Visitor 1', { exact: true }).waitFor();
      await openItem(beaPage, 'Visitor 1').waitFor({ state: 'detached' });
      expect(await beaPage.locator('.session-row').count()).toBe(1);
      expect(await beaPage.locator('[data-stream="my"] tbody tr').count()).toBe(0);

      await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
      await tab.customerSays(visitor2, 'I need help with my order');
      await openItem(page, 'Visitor 2').waitFor();
      await beaPage.getByRole('button', { name: 'Pick Visitor 2' }).click();
      await beaPage.locator('.session-row .session-title').getByText('Visitor 2', { exact: true }).waitFor();
      await openItem(page, 'Visitor 2').waitFor({ state: 'detached' });
      expect(await page.locator('.session-row .session-title').allTextContents()).toEqual([
        'Home',
        'Visitor 1',
      ]);
      expect(await beaPage.locator('.session-row .session-title').allTextContents()).toEqual([
        'Home',
        'Visitor 2',
      ]);
      expect(await page.locator('[data-stream="my"] tbody th').allTextContents()).toEqual(['Visitor 1']);
      await tab.screenshot('02-alex-beside-bea');
    });
  });
});
