import type { Locator, Page } from 'playwright-core';
import { agentMessage, postActivity, type TestCustomer } from '../support/activities';
import { cardMentions, cardOf } from '../support/cards';
import {
  cssString,
  endAndFinish,
  startTabDesk,
  type TabDesk,
  waitForText,
  waitForValue,
} from './support/tab-desk';
import { alex } from '../support/fixtures';

const visitor1: TestCustomer = { userId: 'web-user-1', conversationId: 'emulator-conv-1' };
const visitor2: TestCustomer = { userId: 'web-user-2', conversationId: 'emulator-conv-2' };

const BURST_TOOLTIP = 'Visitor 1. 12 new updates in your conversation.';
const ALERT_TOOLTIP = 'Visitor 1. Urgent attention is needed in your conversation.';

describe('the agent workspace tab in Chromium: two customers, the session panel, drafts, close, collapse', () => {
  let tab: TabDesk;
  let page: Page;

  beforeAll(async () => {
    tab = await startTabDesk('workspace-journey', { AGENT_IDS: alex.aadObjectId });
    page = tab.page;
  });

  afterAll(async () => {
    await tab?.close();
  });

  afterEach(() => {
    expect(tab.pageErrors).toEqual([]);
  });

  const row = (title: string): Locator =>
    page
      .locator('.session-row')
      .filter({ has: page.locator('.session-title').getByText(title, { exact: true }) });
  const tabOf = (title: string): Locator => row(title).getByRole('tab');
  const selected = (title: string): Locator => row(title).locator('[role="tab"][aria-selected="true"]');
  const stream = (name: string): Locator => page.locator(`[data-stream="${name}"]`);
  const replyBox = (): Locator => page.locator('#reply-text');
  const sessionShown = (title: string): Locator =>
    page
      .locator('.session-view')
      .filter({ has: page.locator('#session-title').getByText(title, { exact: true }) });

  async function open(title: string): Promise<void> {
    await tabOf(title).click();
    await selected(title).waitFor();
    await sessionShown(title).waitFor();
  }

  async function goHome(): Promise<void> {
    await tabOf('Home').click();
    await page.getByRole('heading', { name: 'Agent dashboard' }).waitFor();
  }

  it('signs in with the dev sign-in and shows Home first, focused, anchored and without a close button', async () => {
    await page.goto(tab.tabUrl(alex.aadObjectId));
    await selected('Home').waitFor();
    await page.getByRole('heading', { name: 'Agent dashboard' }).waitFor();
    await page.locator('.live-status[data-status="live"]').waitFor();
    expect(await page.locator('.session-row').first().getAttribute('data-kind')).toBe('home');
    expect(await row('Home').locator('.session-close').count()).toBe(0);
    expect(await page.locator('.session-panel').getAttribute('data-mode')).toBe('expanded');
    await tab.screenshot('01-home');
  });

  it('shows a new customer live in Open work items, and Pick opens their session', async () => {
    await tab.customerSays(visitor1, 'Hello, my router keeps dropping the connection');
    const item = stream('open').getByRole('button', { name: 'Pick Visitor 1' });
    await item.waitFor();
    await tab.screenshot('02-open-work-item');
    await item.click();
    await selected('Visitor 1').waitFor();
    await sessionShown('Visitor 1').waitFor();
    await page
      .locator('.transcript .from-customer')
      .getByText('Hello, my router keeps dropping the connection')
      .waitFor();
    await page
      .locator('.conversation-pane')
      .getByText('Bot Framework Emulator', { exact: false })
      .first()
      .waitFor();
    await waitForText(row('Visitor 1').locator('.session-icon-text'), 'Vi');
    await page.locator('.kb-pane li').first().waitFor();
    await tab.screenshot('03-picked-visitor-1');
  });

  it('shows an offer for the second customer, and Accept in the tab opens and focuses it; the chat card follows', async () => {
    // Any message in chat makes Alex reachable, so the next customer is offered to them. (Plain text would
    // go to the focused customer; a command does not.)
    const hello = await postActivity(
      tab.desk.app.url,
      agentMessage(tab.connector.serviceUrl, alex, 'sessions'),
    );
    expect(hello.status).toBe(200);
    const offerCards = tab.connector.posted(alex.conversationId).length;
    await tab.customerSays(visitor2, 'Hi, can you help me with my subscription invoice?');
    const accept = page.getByRole('button', { name: 'Accept Visitor 2' });
    await accept.waitFor();
    await tab.screenshot('04-offer');
    const offerCall = tab.connector
      .posted(alex.conversationId)
      .slice(offerCards)
      .find((call) => cardMentions(cardOf(call), 'Visitor 2'));
    expect(offerCall).toBeDefined();

    await accept.click();
    await selected('Visitor 2').waitFor();
    await sessionShown('Visitor 2').waitFor();
    await accept.waitFor({ state: 'detached' });
    expect(await page.locator('.session-row').count()).toBe(3);
    // One store for chat and tab: the chat gets the Active conversation card of the session accepted here.
    await tab.connector.waitFor('the Active conversation card for Visitor 2 in the chat', () =>
      tab.connector
        .posted(alex.conversationId)
        .some((call) => call.seq > offerCall!.seq && cardMentions(cardOf(call), 'Active conversation')),
    );
    await tab.screenshot('05-two-sessions');
  });

  it('a 12-message burst into the session not focused shows 9+ and the exact unread tooltip', async () => {
    for (let n = 1; n <= 12; n += 1) await tab.customerSays(visitor1, `Update number ${n}`);
    await waitForText(row('Visitor 1').locator('.session-badge'), '9+');
    await row('Visitor 1')
      .locator(`[role="tab"][aria-label=${cssString(BURST_TOOLTIP)}]`)
      .waitFor();
    expect(await tabOf('Visitor 1').getAttribute('title')).toBeNull();
    expect(await row('Visitor 2').locator('.session-badge').count()).toBe(0);

    await tabOf('Visitor 1').hover();
    await waitForText(page.locator('#session-tooltip:visible'), BURST_TOOLTIP);
    await tab.screenshot('06-unread-9-plus-tooltip');
  });

  it('a negative message shows the alert "!" and the urgent-attention tooltip', async () => {
    await tab.customerSays(visitor1, 'This is terrible. I am furious, your service is awful and useless!');
    await waitForText(row('Visitor 1').locator('.session-alert'), '!');
    await row('Visitor 1')
      .locator(`[role="tab"][aria-label=${cssString(ALERT_TOOLTIP)}]`)
      .waitFor();
    await page.mouse.move(900, 700);
    await tabOf('Visitor 1').hover();
    await waitForText(page.locator('#session-tooltip:visible'), ALERT_TOOLTIP);
    await tab.screenshot('07-sentiment-alert-tooltip');
  });

  it('opening a session clears its unread count and shows its sentiment over time', async () => {
    await open('Visitor 1');
    await row('Visitor 1').locator('.session-badge').waitFor({ state: 'detached' });
    await page.locator('.transcript .from-customer').getByText('Update number 12', { exact: true }).waitFor();
    const trend = page.locator('.conversation-pane svg.sparkline');
    await trend.waitFor();
    expect(await trend.locator('circle').count()).toBe(14);
    expect(await trend.getAttribute('aria-label')).toMatch(/^Sentiment over time: Neutral → .*negative/);
  });

  it('keeps the reply draft of session A across a switch to B and back, and across reloads', async () => {
    const draft = 'Let me check the router logs for you';
    await replyBox().fill(draft);
    await open('Visitor 2');
    expect(await replyBox().inputValue()).toBe('');
    await open('Visitor 1');
    expect(await replyBox().inputValue()).toBe(draft);
    await tab.screenshot('08-draft-restored-after-switch');

    await page.reload();
    await sessionShown('Visitor 1').waitFor();
    expect(await replyBox().inputValue()).toBe(draft);

    // Typed and reloaded at once, inside the 400 ms debounce: the page saves it as it goes.
    const longer = `${draft}, one moment please.`;
    await replyBox().fill(longer);
    await page.reload();
    await sessionShown('Visitor 1').waitFor();
    expect(await replyBox().inputValue()).toBe(longer);
    await tab.screenshot('09-draft-restored-after-reload');
  });

  it('Send relays the reply to the customer, empties the box, and the customer’s answer appears live', async () => {
    const before = tab.connector.posted(visitor1.conversationId).length;
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.transcript .from-agent').getByText('one moment please', { exact: false }).waitFor();
    await waitForValue(replyBox(), '');
    await tab.connector.waitFor('the reply sent to Visitor 1', () =>
      tab.connector
        .posted(visitor1.conversationId)
        .slice(before)
        .some((call) => String(call.activity['text']).includes('one moment please')),
    );
    await tab.customerSays(visitor1, 'Thanks, take your time');
    await page.locator('.transcript .from-customer').getByText('Thanks, take your time').waitFor();

    await page.reload();
    await sessionShown('Visitor 1').waitFor();
    expect(await replyBox().inputValue()).toBe('');
  });

  it('opens a case session from a work item (Shift+Open) and keeps its unsaved fields across switches', async () => {
    await goHome();
    await stream('my')
      .getByRole('button', { name: 'Open Visitor 2' })
      .click({ modifiers: ['Shift'] });
    await selected('Case: Visitor 2').waitFor();
    await page.getByRole('form', { name: 'Case' }).waitFor();
    await page.getByLabel('Case title').fill('Double charge on the May invoice');
    await page.getByLabel('Description').fill('Customer was charged twice; refund one payment.');
    await page.getByLabel('Priority').selectOption('high');
    await open('Visitor 2');
    await open('Case: Visitor 2');
    expect(await page.getByLabel('Case title').inputValue()).toBe('Double charge on the May invoice');
    expect(await page.getByLabel('Priority').inputValue()).toBe('high');
    await page.reload();
    await page.getByRole('form', { name: 'Case' }).waitFor();
    expect(await page.getByLabel('Description').inputValue()).toBe(
      'Customer was charged twice; refund one payment.',
    );
    await tab.screenshot('10-case-session');
  });

  it('the X shows on hover and asks for confirmation; Cancel keeps the session, Close moves it to Waiting', async () => {
    await row('Visitor 1').hover();
    const x = row('Visitor 1').locator('.session-close');
    await x.waitFor({ state: 'visible' });
    await x.click();
    const dialog = page.locator('[role="dialog"][aria-modal="true"]');
    await dialog.getByText('Close Visitor 1?', { exact: true }).waitFor();
    await tab.screenshot('11-close-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row('Visitor 1').count()).toBe(1);

    await row('Visitor 1').hover();
    await x.click();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await row('Visitor 1').waitFor({ state: 'detached' });
    await selected('Case: Visitor 2').waitFor();
    await goHome();
    await stream('waiting').getByRole('rowheader', { name: 'Visitor 1', exact: true }).waitFor();
    expect(await stream('my').getByRole('rowheader', { name: 'Visitor 1', exact: true }).count()).toBe(0);
    await tab.screenshot('12-closed-moves-to-waiting');
  });

  it('works from the keyboard: arrows move, Enter opens, Delete asks to close, Escape cancels; Home has none', async () => {
    await tabOf('Home').focus();
    await page.keyboard.press('Delete');
    expect(await page.locator('[role="dialog"]:visible').count()).toBe(0);
    await page.keyboard.press('ArrowDown');
    await page.locator('.session-row:nth-child(2) [role="tab"]:focus').waitFor();
    await page.keyboard.press('Enter');
    await selected('Visitor 2').waitFor();
    await page.keyboard.press('Delete');
    const dialog = page.locator('[role="dialog"][aria-modal="true"]');
    await dialog.getByText('Close Visitor 2?', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.session-row:nth-child(2) [role="tab"]:focus').waitFor();
    expect(await row('Visitor 2').count()).toBe(1);
  });

  it('End, once confirmed, finishes a conversation: it leaves the panel and shows under Closed work items', async () => {
    await open('Visitor 2');
    await endAndFinish(page);
    await row('Visitor 2').waitFor({ state: 'detached' });
    await selected('Home').waitFor();
    await stream('closed').getByRole('rowheader', { name: 'Visitor 2', exact: true }).waitFor();
  });

  it('the presence selector changes the agent’s presence', async () => {
    await page.getByLabel('Presence').selectOption('away');
    await waitForText(page.locator('.panel-presence .presence-label'), 'Away');
    await page.getByLabel('Presence').selectOption('available');
    await waitForText(page.locator('.panel-presence .presence-label'), 'Available');
  });

  it('the burger collapses the panel, and the collapsed panel survives a reload', async () => {
    const burger = page.getByRole('button', { name: 'Collapse session panel' });
    await burger.click();
    await page.locator('.session-panel[data-mode="collapsed"]').waitFor();
    await page.getByRole('button', { name: 'Expand session panel' }).waitFor();
    await tab.screenshot('13-collapsed');
    await page.reload();
    await page.locator('.session-panel[data-mode="collapsed"]').waitFor();
    expect(
      await page.getByRole('button', { name: 'Expand session panel' }).getAttribute('aria-expanded'),
    ).toBe('false');
    await page.getByRole('button', { name: 'Expand session panel' }).click();
    await page.locator('.session-panel[data-mode="expanded"]').waitFor();
  });
});
