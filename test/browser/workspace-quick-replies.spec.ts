import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { textOf } from '../support/cards';
import { useLiveTab, waitForText, waitForValue, type TabDesk } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'qr-user-1', conversationId: 'qr-conv-1' };

/** From the repository's quick-replies.json, the team's set the tab desk reads. */
const REFUND_TEXT =
  "I've started your refund. It reaches your original payment method within 5–10 working days, and you'll get an email once it's on its way.";

describe('the `/` quick reply picker in the reply box, and My quick replies', () => {
  let tab: TabDesk;
  let page: Page;
  useLiveTab('workspace-quick-replies', (started) => {
    tab = started;
    page = started.page;
  });

  const replyBox = (): Locator => page.locator('#reply-text');
  const picker = (): Locator => page.locator('.qr-picker');
  const options = (): Locator => picker().getByRole('option');
  const selected = (): Locator => picker().locator('[role="option"][aria-selected="true"]');
  const manager = (): Locator => page.getByRole('dialog', { name: 'My quick replies' });
  const customerReceived = () =>
    tab.connector
      .posted(visitor1.conversationId)
      .map(textOf)
      .filter((text) => text !== undefined);

  it('opens on `/` at the start of the reply box, listing quick replies, the first one chosen', async () => {
    await tab.customerSays(visitor1, 'I was promised a refund');
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await page.locator('#reply-text:focus').waitFor();
    expect(await replyBox().getAttribute('placeholder')).toContain('/ for quick replies');

    await page.keyboard.type('/');
    await picker().waitFor();
    // The list comes from the server: the picker may open a moment before it.
    await waitForText(selected().locator('.qr-title'), 'Greeting');
    expect(await options().count()).toBeGreaterThan(3);
    expect(await replyBox().getAttribute('aria-expanded')).toBe('true');
    expect(await replyBox().getAttribute('aria-activedescendant')).toBe(await selected().getAttribute('id'));
    await tab.screenshot('01-picker-open');
  });

  it('searches with the words typed after `/`, and the arrows move the choice', async () => {
    await page.keyboard.type('refund');
    await waitForText(options().first().locator('.qr-title'), 'Refund started');
    const titles = await options().locator('.qr-title').allTextContents();
    expect(titles.slice(0, 2)).toEqual(['Refund started', 'Return label']);
    await page.keyboard.press('ArrowDown');
    await waitForText(selected().locator('.qr-title'), 'Return label');
    await page.keyboard.press('ArrowUp');
    await waitForText(selected().locator('.qr-title'), 'Refund started');
    await page.keyboard.press('ArrowUp');
    await waitForText(selected().locator('.qr-title'), titles.at(-1) ?? '');
    await page.keyboard.press('ArrowDown');
    await tab.screenshot('02-picker-refund');
  });

  it('Enter puts the chosen reply in place of what was typed, sends nothing, and keeps it as the draft', async () => {
    await page.keyboard.press('Enter');
    await waitForValue(replyBox(), REFUND_TEXT);
    expect(await picker().isVisible()).toBe(false);
    expect(await replyBox().getAttribute('aria-expanded')).toBe('false');
    await waitForText(page.locator('.draft-status'), 'Draft saved');
    expect(customerReceived()).not.toContain(REFUND_TEXT);

    await page.keyboard.press('Enter');
    await page.locator('.transcript .from-agent').getByText("I've started your refund").waitFor();
    await waitForValue(replyBox(), '');
    expect(customerReceived()).toContain(REFUND_TEXT);
  });

  it('fills the session’s placeholders, and a click chooses too', async () => {
    await page.keyboard.type('/#opening');
    await options().first().waitFor();
    const greeting = options().filter({ hasText: 'Greeting' });
    await greeting.click();
    const agentName = (await page.locator('.agent-name').textContent())?.split(' · ')[0] ?? '';
    await waitForValue(
      replyBox(),
      `Hi Visitor 1, I'm ${agentName}. Thanks for reaching out — how can I help you today?`,
    );
    await page.locator('#reply-text:focus').waitFor();
  });

  it('Escape closes it, and it stays closed until the `/` is gone; the box then sends as typed', async () => {
    await replyBox().fill('');
    await page.keyboard.type('/zebra');
    await waitForText(picker().locator('.qr-status'), 'No quick replies match “zebra”.');
    await page.keyboard.press('Escape');
    await picker().waitFor({ state: 'hidden' });
    await page.keyboard.type('s');
    expect(await picker().isVisible()).toBe(false);
    expect(await replyBox().inputValue()).toBe('/zebras');

    await replyBox().fill('');
    await page.keyboard.type('/');
    await picker().waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('Fine, thanks');
    await page.keyboard.press('Enter');
    await page.locator('.transcript .from-agent').getByText('Fine, thanks').waitFor();
  });

  it('My quick replies adds one; the picker finds it and selects the placeholder left to fill in', async () => {
    await page.getByRole('button', { name: 'Quick replies', exact: true }).click();
    await manager().waitFor();
    await manager().getByRole('button', { name: 'Add a quick reply' }).click();
    await manager().getByLabel('Title', { exact: true }).fill('Order on its way');
    await manager().getByLabel('Text', { exact: true }).fill('Good news, ');
    await manager().getByRole('button', { name: 'Insert {customerName}' }).click();
    await page.keyboard.type(': order {orderNumber} left today.');
    await manager().getByLabel(/^Tags/).fill('#Orders, dispatch');
    await manager().getByRole('button', { name: 'Save' }).click();
    await waitForText(manager().locator('.qr-saved'), 'Saved “Order on its way”.');
    const row = manager().locator('.qr-row').filter({ hasText: 'Order on its way' });
    await waitForText(row.locator('.qr-meta'), '#orders #dispatch');
    await waitForText(manager().locator('.qr-count'), '1 of 100');
    await tab.screenshot('03-my-quick-replies');
    await page.keyboard.press('Escape');
    await manager().waitFor({ state: 'hidden' });

    await replyBox().focus();
    await page.keyboard.type('/#dispatch');
    await waitForText(options().first().locator('.qr-title'), 'Order on its way');
    await waitForText(options().first().locator('.qr-unfilled'), 'Fill in {orderNumber} yourself');
    await page.keyboard.press('Tab');
    await waitForValue(replyBox(), 'Good news, Visitor 1: order {orderNumber} left today.');
    const selection = await replyBox().evaluate((box) => {
      const area = box as unknown as { value: string; selectionStart: number; selectionEnd: number };
      return area.value.slice(area.selectionStart, area.selectionEnd);
    });
    expect(selection).toBe('{orderNumber}');
    await page.keyboard.type('#4711');
    await page.keyboard.press('Enter');
    await page.locator('.transcript .from-agent').getByText('order #4711 left today').waitFor();
    expect(customerReceived()).toContain('Good news, Visitor 1: order #4711 left today.');
  });

  it('My quick replies edits and deletes one, asking before deleting', async () => {
    await replyBox().fill('/');
    await replyBox().press('End');
    await page.keyboard.type('order');
    await picker().getByRole('button', { name: 'Manage my quick replies' }).click();
    await manager().waitFor();
    const row = manager().locator('.qr-row').filter({ hasText: 'Order on its way' });
    const title = manager().getByLabel('Title', { exact: true });
    // Escape in the form drops the edit and stays in the dialog; a second Escape would close it.
    await row.getByRole('button', { name: 'Edit Order on its way' }).click();
    await title.fill('Changed my mind');
    await page.keyboard.press('Escape');
    await title.waitFor({ state: 'detached' });
    expect(await manager().isVisible()).toBe(true);
    await waitForText(row.locator('strong'), 'Order on its way');
    await row.getByRole('button', { name: 'Edit Order on its way' }).click();
    await title.fill('Order dispatched');
    await manager().getByRole('button', { name: 'Save' }).click();
    await waitForText(manager().locator('.qr-saved'), 'Saved “Order dispatched”.');

    const edited = manager().locator('.qr-row').filter({ hasText: 'Order dispatched' });
    await edited.getByRole('button', { name: 'Delete Order dispatched' }).click();
    await edited.getByText('Delete “Order dispatched”?').waitFor();
    await edited.getByRole('button', { name: 'Keep' }).click();
    await edited.getByRole('button', { name: 'Delete Order dispatched' }).click();
    await edited.getByRole('button', { name: 'Delete', exact: true }).click();
    await waitForText(manager().locator('.qr-saved'), 'Deleted “Order dispatched”.');
    await waitForText(manager().locator('.qr-count'), '0 of 100');
    await manager().getByRole('button', { name: 'Close' }).click();
    await page.locator('#reply-text:focus').waitFor();
  });
});
