import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { alex } from '../support/fixtures';
import { startTabDesk, type TabDesk } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'narrow-user-1', conversationId: 'narrow-conv-1' };

describe('a narrow window (800×600): icons for sessions, side panes as tabs, the reply box on screen', () => {
  let tab: TabDesk;
  let page: Page;

  beforeAll(async () => {
    tab = await startTabDesk('workspace-narrow', { AGENT_IDS: alex.aadObjectId });
    page = tab.page;
    await page.setViewportSize({ width: 800, height: 600 });
    await page.goto(tab.tabUrl(alex.aadObjectId));
    await page.locator('.live-status[data-status="live"]').waitFor();
    await tab.customerSays(visitor1, 'Hello, my internet has been down since this morning');
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await page.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
    for (let n = 1; n <= 12; n += 1) await tab.customerSays(visitor1, `Still down, update ${n}`);
    await page.locator('.transcript .line').filter({ hasText: 'update 12' }).waitFor();
  });

  afterAll(async () => {
    await tab?.close();
  });

  afterEach(() => {
    expect(tab.pageErrors).toEqual([]);
  });

  const paneTab = (name: string): Locator =>
    page.getByRole('tablist', { name: 'Side panes' }).getByRole('tab', { name });

  it('shows the reply box and Send without scrolling, and the session panel as icons', async () => {
    for (const control of [page.locator('#reply-text'), page.getByRole('button', { name: 'Send' })]) {
      const box = (await control.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(600);
    }
    expect(await page.evaluate('document.scrollingElement.scrollTop')).toBe(0);
    expect(await page.locator('.workspace-view').evaluate((view) => view.scrollTop)).toBe(0);
    expect((await page.locator('.session-panel').boundingBox())!.width).toBeLessThanOrEqual(64);
    expect(await page.locator('.session-row .session-title').first().isVisible()).toBe(false);
    await page.locator('.session-row .session-icon').first().waitFor();
    await tab.screenshot('01-narrow-800x600');
  });

  it('puts Active Conversation and Knowledge base in tabs below the conversation, one pane at a time', async () => {
    await paneTab('Active Conversation').waitFor();
    const conversation = (await page.locator('.communication-panel').boundingBox())!;
    const tabs = (await page.getByRole('tablist', { name: 'Side panes' }).boundingBox())!;
    expect(tabs.y).toBeGreaterThanOrEqual(conversation.y + conversation.height);
    expect(await paneTab('Active Conversation').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('.conversation-pane').isVisible()).toBe(true);
    expect(await page.locator('.kb-pane').isVisible()).toBe(false);

    await paneTab('Knowledge base').click();
    expect(await paneTab('Knowledge base').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('.kb-pane').isVisible()).toBe(true);
    expect(await page.locator('.conversation-pane').isVisible()).toBe(false);
    await tab.screenshot('02-narrow-knowledge-base-tab');
  });

  it('shows every pane side by side again when the window is wide', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('.conversation-pane').waitFor();
    await page.locator('.kb-pane').waitFor();
    expect(await page.getByRole('tablist', { name: 'Side panes' }).isVisible()).toBe(false);
    // The panel widens with a short transition: measured once it stands still.
    const panel = await page.locator('.session-panel').elementHandle();
    await panel.waitForElementState('stable');
    expect((await panel.boundingBox())!.width).toBeGreaterThan(200);
  });
});
