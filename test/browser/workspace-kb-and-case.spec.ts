import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { installDeskClock, pauseWithDesk, useLiveTab, waitForText, type TabDesk } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'kb-user-1', conversationId: 'kb-conv-1' };
const ARTICLE_TITLE = 'Billing and invoices';
/** The article as the server gives it: the Markdown after its `# Title` line, trimmed. */
const ARTICLE_BODY = readFileSync(join(__dirname, '..', '..', 'kb', 'billing-and-invoices.md'), 'utf8')
  .replace(/^# .*\n/, '')
  .trim();
const CASE_TITLE = 'Invoice download fails for order 1234';

describe('the KB pane opens an article in full and inserts it; the case form has an explicit Save', () => {
  let tab: TabDesk;
  let page: Page;
  useLiveTab(
    'workspace-kb-and-case',
    (started) => {
      tab = started;
      page = started.page;
    },
    { beforeOpen: installDeskClock },
  );

  const kb = (): Locator => page.locator('.kb-pane');
  const article = (): Locator => kb().locator('.kb-article');
  const replyBox = (): Locator => page.locator('#reply-text');
  const notice = (text: string): Locator => page.locator('.notices .notice').filter({ hasText: text });
  const caseRow = (title: string): Locator =>
    page
      .locator('.session-row[data-kind="case"]')
      .filter({ has: page.locator('.session-title').getByText(title, { exact: true }) });

  it('a KB result opens in full in the pane: its title, and its Markdown as plain text, never as HTML', async () => {
    await tab.customerSays(visitor1, 'How do I download an invoice for my order?');
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await replyBox().waitFor();
    await kb().getByRole('button', { name: ARTICLE_TITLE }).click();
    await waitForText(article().getByRole('heading'), ARTICLE_TITLE);
    const body = article().locator('.kb-article-body');
    expect(await body.textContent()).toBe(ARTICLE_BODY);
    expect(ARTICLE_BODY).toContain('**Invoices**');
    expect(ARTICLE_BODY).toContain('[Billing](https://example.com/account/billing)');
    // Nothing of the Markdown became an element (no strong, no link, no heading).
    expect(await body.locator('*').count()).toBe(0);
    expect(await kb().locator('.kb-list').isVisible()).toBe(false);
    await tab.screenshot('01-kb-article');
  });

  it('"Insert into reply" puts the article’s title and text at the cursor, and saves it as the draft', async () => {
    await replyBox().fill('Hi! Here is how: ');
    await kb().getByRole('button', { name: 'Insert into reply' }).click();
    const expected = `Hi! Here is how: ${ARTICLE_TITLE}\n\n${ARTICLE_BODY}`;
    expect(await replyBox().inputValue()).toBe(expected);
    await page.locator('#reply-text:focus').waitFor();
    await waitForText(page.locator('.draft-status'), 'Draft saved');
    await page.reload();
    await replyBox().waitFor();
    expect(await replyBox().inputValue()).toBe(expected);
  });

  it('inserts at the cursor, not only at the end', async () => {
    await replyBox().fill('Dear customer,\nKind regards');
    // The cursor after "Dear customer,\n", as a click there would leave it.
    await replyBox().press('Control+Home');
    await replyBox().press('ArrowDown');
    await kb().getByRole('button', { name: ARTICLE_TITLE }).click();
    await kb().getByRole('button', { name: 'Insert into reply' }).click();
    expect(await replyBox().inputValue()).toBe(
      `Dear customer,\n${ARTICLE_TITLE}\n\n${ARTICLE_BODY}Kind regards`,
    );
  });

  it('Back returns to the results, with focus on the article it came from', async () => {
    await kb().getByRole('button', { name: 'Back' }).click();
    await kb().locator('.kb-list').waitFor();
    expect(await article().count()).toBe(0);
    await kb().locator('.kb-list button:focus').getByText(ARTICLE_TITLE).waitFor();
  });

  it('suggestions follow the customer’s latest words until the agent searches for something else', async () => {
    await tab.customerSays(visitor1, 'Also, how do I reset my password?');
    await kb().locator('.kb-list').getByRole('button', { name: 'Resetting your password' }).waitFor();
    expect(await kb().getByRole('searchbox').inputValue()).toBe('Also, how do I reset my password?');

    await kb().getByRole('searchbox').fill('where is my parcel');
    await kb().getByRole('button', { name: 'Search', exact: true }).click();
    await kb().locator('.kb-list').getByRole('button', { name: 'Tracking your order' }).waitFor();
    await tab.customerSays(visitor1, 'And can I get a refund for the invoice?');
    await page.locator('.transcript .from-customer').getByText('can I get a refund').waitFor();
    expect(await kb().getByRole('searchbox').inputValue()).toBe('where is my parcel');
  });

  it('Save case refuses without a title, then saves what is on screen, and the panel row takes the title', async () => {
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await page.getByRole('button', { name: 'Open a case session for Visitor 1' }).click();
    await page.getByRole('form', { name: 'Case' }).waitFor();
    // The page's clock stands still from here: the 400 ms draft timer cannot save the title, only Save can.
    await pauseWithDesk(tab);
    try {
      await page.getByRole('button', { name: 'Save case' }).click();
      await waitForText(notice('Give the case a title').locator('strong'), 'Not possible');
      await notice('Give the case a title before saving it.').waitFor();

      await page.getByLabel('Case title').fill(CASE_TITLE);
      await page.getByLabel('Priority').selectOption('high');
      await page.getByRole('button', { name: 'Save case' }).click();
      await waitForText(notice('Case saved').locator('strong'), 'Case saved');
      await caseRow(CASE_TITLE).locator('[role="tab"][aria-selected="true"]').waitFor();
      await waitForText(page.locator('#session-title'), CASE_TITLE);
      expect(await page.getByLabel('Case title').inputValue()).toBe(CASE_TITLE);
      await tab.screenshot('02-case-saved');
    } finally {
      await page.clock.resume();
    }
  });
});
