import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { alex } from '../support/fixtures';
import { startTabDesk, waitForText, type TabDesk } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'tip-user-1', conversationId: 'tip-conv-1' };

describe('the session tooltip: one, on hover and keyboard focus, gone on click, leave, blur and Escape', () => {
  let tab: TabDesk;
  let page: Page;

  beforeAll(async () => {
    tab = await startTabDesk('workspace-tooltip', { AGENT_IDS: alex.aadObjectId });
    page = tab.page;
    await page.goto(tab.tabUrl(alex.aadObjectId));
    await page.locator('.live-status[data-status="live"]').waitFor();
    await tab.customerSays(visitor1, 'Hello, I need help with my bill');
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await page.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
  });

  afterAll(async () => {
    await tab?.close();
  });

  afterEach(() => {
    expect(tab.pageErrors).toEqual([]);
  });

  const tabOf = (title: string): Locator =>
    page
      .locator('.session-row')
      .filter({ has: page.locator('.session-title').getByText(title, { exact: true }) })
      .getByRole('tab');
  const tooltip = (): Locator => page.locator('#session-tooltip');

  it('has no native title tooltip on top of its own; the tab keeps its accessible name', async () => {
    expect(await page.locator('.session-row [title]').count()).toBe(0);
    expect(await tabOf('Visitor 1').getAttribute('title')).toBeNull();
    expect(await tabOf('Visitor 1').getAttribute('aria-label')).toBe('Visitor 1');
  });

  it('shows on hover and goes on mouse leave', async () => {
    await tabOf('Visitor 1').hover();
    await waitForText(tooltip(), 'Visitor 1');
    await page.mouse.move(900, 700);
    await tooltip().waitFor({ state: 'hidden' });
  });

  it('goes on a click, even with the mouse still over the tab, so it never covers the transcript', async () => {
    await tabOf('Home').hover();
    await waitForText(tooltip(), 'Home');
    await tabOf('Home').click();
    await page.getByRole('heading', { name: 'Agent dashboard' }).waitFor();
    await tooltip().waitFor({ state: 'hidden' });
    await tabOf('Visitor 1').hover();
    await tabOf('Visitor 1').click();
    await page.locator('.transcript').waitFor();
    await tooltip().waitFor({ state: 'hidden' });
    expect(await tooltip().isVisible()).toBe(false);
  });

  it('shows on keyboard focus, and goes on Escape and on blur', async () => {
    await page.mouse.move(900, 700);
    await tabOf('Visitor 1').focus();
    await page.keyboard.press('ArrowUp');
    await tabOf('Home').and(page.locator(':focus')).waitFor();
    await waitForText(tooltip(), 'Home');
    await page.keyboard.press('Escape');
    await tooltip().waitFor({ state: 'hidden' });
    await page.keyboard.press('ArrowDown');
    await waitForText(tooltip(), 'Visitor 1');
    await page.keyboard.press('Tab');
    await tooltip().waitFor({ state: 'hidden' });
  });
});
