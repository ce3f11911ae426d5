import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { useLiveTab, waitForText, type TabDesk } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'unread-user-1', conversationId: 'unread-conv-1' };
const visitor2: TestCustomer = { userId: 'unread-user-2', conversationId: 'unread-conv-2' };

/** How far the transcript is from its newest line, and from its oldest, in px. */
interface ScrollPlace {
  readonly fromBottom: number;
  readonly fromTop: number;
}

describe('the transcript opens at the first unread message, and follows new ones', () => {
  let tab: TabDesk;
  let page: Page;
  useLiveTab('workspace-new-messages', (started) => {
    tab = started;
    page = started.page;
  });

  const transcript = (): Locator => page.locator('.transcript');
  const tabOf = (title: string): Locator =>
    page
      .locator('.session-row')
      .filter({ has: page.locator('.session-title').getByText(title, { exact: true }) })
      .getByRole('tab');
  const line = (text: string): Locator => transcript().locator('.line').filter({ hasText: text });
  const place = (): Promise<ScrollPlace> =>
    transcript().evaluate((list) => ({
      fromBottom: list.scrollHeight - list.scrollTop - list.clientHeight,
      fromTop: list.scrollTop,
    }));
  const jump = (): Locator => page.locator('.jump-latest');

  async function open(title: string, lastLine: string): Promise<void> {
    await tabOf(title).click();
    await page.locator('#session-title').getByText(title, { exact: true }).waitFor();
    await line(lastLine).waitFor();
  }

  async function say(customer: TestCustomer, prefix: string, count: number): Promise<void> {
    for (let n = 1; n <= count; n += 1) await tab.customerSays(customer, `${prefix} ${n}`);
  }

  it('counts the unread total in the page title', async () => {
    await tab.customerSays(visitor1, 'Read 0: my router drops the connection every evening');
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await line('Read 0').waitFor();
    await say(visitor1, 'Read', 6);
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await tab.customerSays(visitor2, 'Older 0: a question about my invoice');
    await page.getByRole('button', { name: 'Pick Visitor 2' }).click();
    await line('Older 0').waitFor();
    await say(visitor2, 'Older', 14);
    await line('Older 14').waitFor();

    await say(visitor1, 'Unread', 12);
    await waitForText(tabOf('Visitor 1').locator('.session-badge'), '9+');
    await tabOf('Visitor 1')
      .and(page.locator('[aria-label="Visitor 1. 12 new updates in your conversation."]'))
      .waitFor();
    expect(await page.title()).toBe('(12) Relaydesk');
  });

  it('opens a session with unread messages at the first of them, under a "New messages" divider', async () => {
    await open('Visitor 1', 'Unread 12');
    const divider = transcript().locator('.new-messages');
    await waitForText(divider, 'New messages');
    expect(await transcript().locator('.new-messages + .line .line-text').textContent()).toBe('Unread 1');
    // The divider is at the top of what shows, the read messages above it scrolled away.
    const [list, box] = await Promise.all([transcript().boundingBox(), divider.boundingBox()]);
    expect(box!.y).toBeGreaterThanOrEqual(list!.y);
    expect(box!.y).toBeLessThan(list!.y + 40);
    expect((await place()).fromTop).toBeGreaterThan(0);
    await tabOf('Visitor 1').locator('.session-badge').waitFor({ state: 'detached' });
    expect(await page.title()).toBe('Relaydesk');
    await tab.screenshot('01-new-messages-divider');
  });

  it('opens a session with nothing unread at its newest message, without a divider', async () => {
    await open('Visitor 2', 'Older 14');
    expect((await place()).fromBottom).toBeLessThan(24);
    expect((await place()).fromTop).toBeGreaterThan(0);
    expect(await transcript().locator('.new-messages').count()).toBe(0);
  });

  it('stays at the newest message when one arrives while the agent is there', async () => {
    await tab.customerSays(visitor2, 'Arrived while at the bottom');
    await line('Arrived while at the bottom').waitFor();
    expect((await place()).fromBottom).toBeLessThan(24);
    expect(await jump().isVisible()).toBe(false);
  });

  it('after the agent scrolled up, new messages show "Jump to latest (2 new)", which scrolls down and goes', async () => {
    await transcript().evaluate((list) => (list.scrollTop = 0));
    await say(visitor2, 'Arrived while reading back', 2);
    await line('Arrived while reading back 2').waitFor({ state: 'attached' });
    await waitForText(jump(), 'Jump to latest (2 new)');
    expect((await place()).fromTop).toBe(0);
    await tab.screenshot('02-jump-to-latest');

    await jump().click();
    await jump().waitFor({ state: 'hidden' });
    expect((await place()).fromBottom).toBeLessThan(24);
    await line('Arrived while reading back 2').waitFor();
  });
});
