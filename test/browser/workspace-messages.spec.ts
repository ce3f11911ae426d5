import type { BrowserContext, Locator, Page } from 'playwright-core';
import { customerMessage, postActivity, type TestCustomer } from '../support/activities';
import { alex, bea } from '../support/fixtures';
import { endAndFinish, type TabDesk, UI_TIMEOUT_MS, useLiveTab, waitForText } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'msg-user-1', conversationId: 'msg-conv-1' };
const visitor2: TestCustomer = { userId: 'msg-user-2', conversationId: 'msg-conv-2' };
const visitor3: TestCustomer = { userId: 'msg-user-3', conversationId: 'msg-conv-3' };

const HOSTILE =
  'Track it at https://example.com/track?id=42. <img src=x onerror="window.pwned=1"> <b>bold</b>';
const ARABIC = 'مرحبا، طلبي لم يصل بعد';
/** About 3,500 characters: the message that once made the summary pane 2,341 px tall. */
const LONG = Array.from({ length: 90 }, (_, n) => `Line ${n + 1} of a long complaint about my order.`)
  .join(' ')
  .slice(0, 3500);

describe('messages in the tab: whose they are, links, direction, delivery, long ones clamped, the summary', () => {
  let tab: TabDesk;
  let page: Page;
  useLiveTab(
    'workspace-messages',
    (started) => {
      tab = started;
      page = started.page;
    },
    {
      env: {
        AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
        AGENT_NAMES: `${alex.aadObjectId}=${alex.name};${bea.aadObjectId}=${bea.name}`,
      },
    },
  );

  const transcript = (p: Page = page): Locator => p.locator('.transcript');
  const line = (text: string, p: Page = page): Locator =>
    transcript(p).locator('.line').filter({ hasText: text });
  const pane = (): Locator => page.locator('.conversation-pane');

  async function pick(customer: TestCustomer, title: string, text: string): Promise<void> {
    await tab.customerSays(customer, text);
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await page.getByRole('button', { name: `Pick ${title}` }).click();
    await page.locator('#session-title').getByText(title, { exact: true }).waitFor();
  }

  async function reply(text: string): Promise<void> {
    await page.locator('#reply-text').fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    await line(text).waitFor();
  }

  it('turns http(s) URLs into links built as DOM nodes; the rest of the text stays text, direction auto', async () => {
    await pick(visitor1, 'Visitor 1', HOSTILE);
    await tab.customerSays(visitor1, ARABIC);
    const hostile = line('Track it at');
    const link = hostile.getByRole('link', { name: 'https://example.com/track?id=42' });
    expect(await link.getAttribute('href')).toBe('https://example.com/track?id=42');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await hostile.locator('img, b').count()).toBe(0);
    expect(await hostile.locator('.line-text').textContent()).toBe(HOSTILE);
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(await line(ARABIC).locator('.line-text').getAttribute('dir')).toBe('auto');
  });

  it('labels the agent’s own line "You" and shows that it was delivered', async () => {
    await reply('Hello from Alex, checking now');
    const own = line('Hello from Alex');
    await waitForText(own.locator('.who'), 'You');
    await waitForText(own.locator('.delivery'), '· Delivered');
  });

  describe('another agent reading the same conversation', () => {
    let beaContext: BrowserContext;
    let beaPage: Page;

    beforeAll(async () => {
      beaContext = await tab.browser.newContext({ viewport: { width: 1280, height: 800 } });
      beaPage = await beaContext.newPage();
      beaPage.setDefaultTimeout(UI_TIMEOUT_MS);
    });

    afterAll(async () => {
      await beaContext?.close();
    });

    it('sees Alex’s line under Alex’s name, not as "You"', async () => {
      await endAndFinish(page);
      await page.locator('.session-row .session-title').getByText('Visitor 1', { exact: true }).waitFor({
        state: 'detached',
      });
      await beaPage.goto(tab.tabUrl(bea.aadObjectId));
      await beaPage.locator('[data-stream="closed"]').getByRole('button', { name: 'Open Visitor 1' }).click();
      const alexLine = line('Hello from Alex', beaPage);
      await waitForText(alexLine.locator('.who'), alex.name);
      expect(await transcript(beaPage).locator('.who').getByText('You', { exact: true }).count()).toBe(0);
    });
  });

  it('clamps a 3,500-character message to about 8 lines with Show more / Show less, and keeps the summary short', async () => {
    expect(LONG.length).toBe(3500);
    await pick(visitor2, 'Visitor 2', LONG);
    await tab.customerSays(visitor2, 'Short follow-up: any news?');
    await line('Short follow-up').waitFor();

    // The summary: how it started and where it stands, not the raw transcript again.
    await pane()
      .getByRole('heading', { name: /^Started with/ })
      .waitFor();
    await pane()
      .getByRole('heading', { name: /^Latest/ })
      .waitFor();
    const paneBox = await pane().boundingBox();
    expect(paneBox!.height).toBeLessThan(700);
    await pane().getByText('Short follow-up: any news?', { exact: true }).waitFor();
    await pane().getByRole('button', { name: 'Show more' }).waitFor();
    await tab.screenshot('01-summary-with-clamped-message');

    const long = line('Line 1 of a long complaint');
    const text = long.locator('.line-text');
    const clamped = (await text.boundingBox())!.height;
    expect(clamped).toBeLessThan(220);
    const toggle = long.locator('.clamp-toggle');
    await waitForText(toggle, 'Show more');
    await toggle.click();
    await waitForText(toggle, 'Show less');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect((await text.boundingBox())!.height).toBeGreaterThan(clamped * 2);
    await toggle.click();
    await waitForText(toggle, 'Show more');
    expect((await text.boundingBox())!.height).toBe(clamped);
    expect(await line('Short follow-up').getByRole('button', { name: 'Show more' }).isVisible()).toBe(false);
  });

  it('shows the name the customer gave, and "Customer left" with "Not delivered" when they have gone', async () => {
    const casey = customerMessage(tab.connector.serviceUrl, visitor3, 'Hi, it is about my refund');
    const answered = await postActivity(tab.desk.app.url, {
      ...casey,
      from: { id: visitor3.userId, name: 'Casey' },
    });
    expect(answered.status).toBe(200);
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await page.getByRole('button', { name: 'Pick Visitor 3' }).click();
    await waitForText(pane().locator('.name-given'), 'Name given: Casey');
    expect(await pane().locator('.customer-left').count()).toBe(0);

    tab.connector.failConversation(visitor3.conversationId, 404);
    await reply('Are you still there?');
    await waitForText(
      line('Are you still there?').locator('.delivery'),
      '· Not delivered — the customer has left',
    );
    await waitForText(pane().locator('.customer-left'), 'Customer left');
  });
});
