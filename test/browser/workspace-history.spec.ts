import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { endAndFinish, type TabDesk, useLiveTab, waitForText } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'history-user-1', conversationId: 'history-conv-1' };
const FIRST_WORDS = 'This is terrible, my parcel never arrived and I am furious!';
const SECOND_WORDS = 'Hello again, a question about my refund';

describe('a customer’s earlier conversations: listed on the pane, opened read-only, never taken for the live one', () => {
  let tab: TabDesk;
  let page: Page;
  useLiveTab('workspace-history', (started) => {
    tab = started;
    page = started.page;
  });

  const rows = (title: string): Locator =>
    page
      .locator('.session-row')
      .filter({ has: page.locator('.session-title').getByText(title, { exact: true }) });
  const liveRow = (): Locator =>
    rows('Visitor 1').filter({ hasNot: page.locator('.session-status:visible') });
  const closedRow = (): Locator => rows('Visitor 1').filter({ has: page.locator('.session-status:visible') });
  const previousList = (): Locator => page.locator('.conversation-pane .previous');

  async function pickVisitor1(): Promise<void> {
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await page.locator('#reply-text').waitFor();
  }

  it('a conversation ended earlier shows as "Previous conversations: 1" when the customer comes back', async () => {
    await tab.customerSays(visitor1, FIRST_WORDS);
    await pickVisitor1();
    await endAndFinish(page);
    await page.locator('[data-stream="closed"]').getByRole('rowheader', { name: 'Visitor 1' }).waitFor();

    await tab.customerSays(visitor1, SECOND_WORDS);
    await pickVisitor1();
    await page.locator('.transcript .from-customer').getByText(SECOND_WORDS).waitFor();
    await waitForText(previousList().locator('h4'), 'Previous conversations: 1');
    const item = previousList().getByRole('button');
    expect(await item.count()).toBe(1);
    await waitForText(item.locator('.previous-preview'), FIRST_WORDS);
    // The day it started, not only the time: an earlier conversation may be weeks old.
    const started = await item.locator('time').getAttribute('datetime');
    expect(started).toMatch(/^2026-01-05T/);
    expect(await item.locator('time').textContent()).toContain('2026');
    await waitForText(item.locator('.previous-when'), `${await item.locator('time').textContent()} · Closed`);
    await tab.screenshot('01-previous-conversations');
  });

  it('pressing one opens it read-only: "Closed" beside its title in the panel, and no alert', async () => {
    await previousList().getByRole('button').click();
    await closedRow().waitFor();
    await waitForText(closedRow().locator('.session-status'), 'Closed');
    expect(await closedRow().locator('[role="tab"]').getAttribute('aria-selected')).toBe('true');
    // Its first words were angry, yet a history view asks nothing of the agent.
    expect(await closedRow().locator('.session-alert').count()).toBe(0);
    expect(await liveRow().count()).toBe(1);
    expect(await liveRow().locator('.session-status').isVisible()).toBe(false);
  });

  it('the read-only view says "Closed — read-only" by its heading and has no reply box', async () => {
    const view = page.locator('.session-view.history-view');
    await view.waitFor();
    await waitForText(view.locator('#session-title'), 'Visitor 1');
    await waitForText(view.locator('.title-line .state-chip'), 'Closed — read-only');
    await view.locator('.transcript .from-customer').getByText(FIRST_WORDS).waitFor();
    expect(await view.locator('.transcript .from-customer').getByText(SECOND_WORDS).count()).toBe(0);
    expect(await page.locator('#reply-text').count()).toBe(0);
    expect(await view.getByRole('button', { name: 'End', exact: true }).isDisabled()).toBe(true);
    expect(await view.getByRole('log').getAttribute('aria-label')).toBe('Closed conversation with Visitor 1');
    await tab.screenshot('02-read-only-session');
  });

  it('the live session of the same title keeps its reply box and does not say read-only', async () => {
    await liveRow().getByRole('tab').click();
    await page.locator('#reply-text').waitFor();
    await page.locator('.transcript .from-customer').getByText(SECOND_WORDS).waitFor();
    expect(await page.locator('.session-view.history-view').count()).toBe(0);
    expect(await page.locator('.title-line .state-chip').textContent()).toBe('Active');
  });
});
