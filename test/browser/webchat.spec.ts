import type { Locator, Page } from 'playwright-core';
import { agentInvoke, agentMessage, postActivity } from '../support/activities';
import { actionData, cardMentions, cardOf } from '../support/cards';
import { ensureChatBundle } from './support/tab-bundle';
import { startTabDesk, waitForText, type TabDesk } from './support/tab-desk';
import { faultSwitch } from '../support/failing-storage';
import { alex, QUEUED } from '../support/fixtures';

const JOINED = "You're now chatting with Alex Agent.";
const HOSTILE = '<img src=x onerror=alert(1)>';
const MAX_TEXT_CHARS = 200;
const NOT_TAKEN = 'Can I change the delivery address?';

describe('the customer web chat page in Chromium: queued, accepted in Teams, messages both ways, reload', () => {
  let chat: TabDesk;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    await ensureChatBundle();
    // user-id-0 works only in the workspace tab (it never wrote to the bot, so it gets no offers in chat).
    chat = await startTabDesk('webchat', {
      AGENT_IDS: `${alex.aadObjectId},user-id-0`,
      MAX_TEXT_CHARS: String(MAX_TEXT_CHARS),
    });
    page = chat.page;
    await page.setViewportSize({ width: 480, height: 880 });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const hi = await postActivity(chat.desk.app.url, agentMessage(chat.connector.serviceUrl, alex, 'hi'));
    expect(hi.status).toBe(200);
  });

  afterAll(async () => {
    await chat?.close();
  });

  afterEach(() => {
    expect(chat.pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  /** Chromium logs each failed request on the console; where a test fails requests on purpose, those go. */
  function forgetFailedRequests(): void {
    const others = chat.pageErrors.filter((error) => !error.startsWith('Failed to load resource:'));
    chat.pageErrors.splice(0, chat.pageErrors.length, ...others);
  }

  const messageBox = (): Locator => page.getByLabel('Message', { exact: true });
  const status = (value: string): Locator => page.locator(`#chat-status[data-status="${value}"]`);
  const fromDesk = (text: string): Locator =>
    page.locator('.transcript .from-desk .text').getByText(text, { exact: true });
  const fromCustomer = (text: string): Locator =>
    page.locator('.transcript .from-customer .text').getByText(text, { exact: true });
  const texts = (): Promise<string[]> => page.locator('.transcript .message .text').allTextContents();

  async function say(text: string): Promise<void> {
    await messageBox().fill(text);
    await messageBox().press('Enter');
  }

  /** The agent (Teams, on the fake connector) presses Accept on the newest offer. */
  async function agentAccepts(): Promise<void> {
    const offer = chat.connector
      .posted(alex.conversationId)
      .filter((call) => cardMentions(cardOf(call), 'Accept'))
      .at(-1);
    expect(offer).toBeDefined();
    const ids = actionData(cardOf(offer), 'accept');
    const accepted = await postActivity(
      chat.desk.app.url,
      agentInvoke(chat.connector.serviceUrl, alex, 'accept', ids, offer!.activityId),
    );
    expect(accepted.status).toBe(200);
  }

  it('serves the page with its CSP, and nothing is started before the customer writes', async () => {
    const response = await page.goto(`${chat.desk.app.baseUrl}/chat`);
    expect(response?.status()).toBe(200);
    const csp = (await response?.headerValue('content-security-policy')) ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("frame-ancestors 'self'");
    await page.getByRole('heading', { name: 'Chat with us' }).waitFor();
    await status('idle').waitFor({ state: 'attached' });
    expect(await page.evaluate('localStorage.length')).toBe(0);
  });

  it('a first message starts the chat: it shows at once, then the queued text from the desk', async () => {
    await page.getByLabel('Your name (optional)').fill('Casey');
    await say("Hi, my order #1234 hasn't arrived yet");
    await fromCustomer("Hi, my order #1234 hasn't arrived yet").waitFor();
    await fromDesk(QUEUED).waitFor();
    await status('live').waitFor();
    await waitForText(page.locator('#announcer'), `Relaydesk: ${QUEUED}`);
    expect(await messageBox().inputValue()).toBe('');
    await chat.screenshot('01-queued');
  });

  it('the agent accepts in Teams and replies; the customer sees both', async () => {
    await agentAccepts();
    await fromDesk(JOINED).waitFor();
    await postActivity(
      chat.desk.app.url,
      agentMessage(chat.connector.serviceUrl, alex, 'Hi Casey, I am checking order #1234 now.'),
    );
    await fromDesk('Hi Casey, I am checking order #1234 now.').waitFor();
    expect(await page.locator('.transcript .from-customer .sender').first().textContent()).toBe('You');
  });

  it('shows markup as the text it is, and sends Shift+Enter as a new line', async () => {
    const mark = chat.connector.calls.length;
    await say(HOSTILE);
    await fromCustomer(HOSTILE).waitFor();
    expect(await page.locator('.transcript img').count()).toBe(0);
    await messageBox().fill('line one');
    await messageBox().press('Shift+Enter');
    await messageBox().pressSequentially('line two');
    await messageBox().press('Enter');
    await fromCustomer('line one\nline two').waitFor();
    // The agent got both, the markup escaped on the card.
    await chat.connector.waitFor('both messages relayed to the agent', (calls) =>
      calls.slice(mark).some((call) => cardMentions(cardOf(call), 'line two')),
    );
    expect(JSON.stringify(chat.connector.calls.slice(mark))).not.toContain('<img');
  });

  it('keeps the transcript across a reload, in order, without announcing it again', async () => {
    const before = await texts();
    await page.reload();
    await status('live').waitFor();
    await fromCustomer('line one\nline two').waitFor();
    expect(await texts()).toEqual(before);
    expect(await page.locator('#announcer').textContent()).toBe('');
    await postActivity(
      chat.desk.app.url,
      agentMessage(chat.connector.serviceUrl, alex, 'Found it: it ships today.'),
    );
    await fromDesk('Found it: it ships today.').waitFor();
    // Announced with the name it is signed with: the agent's own words carry the agent's name.
    await waitForText(page.locator('#announcer'), 'Alex Agent: Found it: it ships today.');
    await chat.screenshot('02-conversation');
  });

  it("follows the system's dark preference", async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(31, 31, 31)');
    await chat.screenshot('03-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(245, 245, 245)');
  });

  it('shows "Reconnecting…" while the server cannot be reached, and catches up after', async () => {
    // Polls (GET …/activities) fail as if the server were down; nothing else is touched.
    const activities = (url: URL) =>
      /^\/v3\/directline\/conversations\/[^/]+\/activities$/.test(url.pathname);
    await page.route(activities, (route) =>
      route.request().method() === 'GET' ? route.abort('connectionrefused') : route.continue(),
    );
    await status('reconnecting').waitFor();
    await waitForText(page.locator('#chat-status'), 'Reconnecting…');
    await chat.screenshot('04-reconnecting');
    await postActivity(
      chat.desk.app.url,
      agentMessage(chat.connector.serviceUrl, alex, 'Are you still there?'),
    );
    await page.unroute(activities);
    await fromDesk('Are you still there?').waitFor();
    await status('live').waitFor();
    forgetFailedRequests();
  });

  it('counts characters near MAX_TEXT_CHARS and will not send more than that', async () => {
    const counter = page.locator('#counter');
    await messageBox().fill('x'.repeat(100));
    expect(await counter.isHidden()).toBe(true);
    await messageBox().fill('x'.repeat(170));
    await waitForText(counter, '170 / 200 characters');
    await messageBox().fill('x'.repeat(205));
    await waitForText(counter, '205 / 200 characters: 5 too many');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    const count = (await texts()).length;
    await messageBox().press('Enter');
    expect((await texts()).length).toBe(count);
    await messageBox().fill('');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(false);
  });

  it('shows "Not sent — Send again" when the desk does not take a message, and Send again after recovery delivers it', async () => {
    const mark = chat.connector.calls.length;
    const line = page.locator('.transcript .from-customer').filter({ hasText: NOT_TAKEN });
    // The desk's store is down: the bot endpoint answers 503, and the channel withdraws the message.
    const storeDown = faultSwitch(chat.desk.app.database);
    storeDown.set('writes');
    try {
      await say(NOT_TAKEN);
      await line.and(page.locator('[data-state="failed"]')).waitFor();
    } finally {
      storeDown.restore();
    }
    expect(await line.locator('.state').textContent()).toBe('Not sent —');
    expect(await line.locator('.meta').textContent()).toMatch(/Not sent — Send again$/);
    await chat.screenshot('05-not-sent');
    // The desk did not keep it, and the channel withdrew it: no card for the agent.
    expect(chat.connector.calls.slice(mark).some((call) => cardMentions(cardOf(call), NOT_TAKEN))).toBe(
      false,
    );

    await line.getByRole('button', { name: 'Send again' }).click();
    await line.and(page.locator('[data-state="sent"]')).waitFor();
    await chat.connector.waitFor('the message sent again relayed to the agent', (calls) =>
      calls.slice(mark).some((call) => cardMentions(cardOf(call), NOT_TAKEN)),
    );
    expect(await line.getByRole('button', { name: 'Send again' }).count()).toBe(0);
    await postActivity(
      chat.desk.app.url,
      agentMessage(chat.connector.serviceUrl, alex, 'Yes, I can do that.'),
    );
    await fromDesk('Yes, I can do that.').waitFor();
    expect((await texts()).filter((text) => text === NOT_TAKEN)).toHaveLength(1);
    forgetFailedRequests();
  });

  it('when the chat has ended on the server, says so, and the next message starts a new one', async () => {
    // Two hours later the conversation has expired: the next poll finds it gone.
    chat.desk.clock.advance(2 * 60 * 60 * 1000);
    await page
      .locator('.transcript .from-system')
      .getByText('This chat has ended.', { exact: false })
      .waitFor();
    await status('ended').waitFor();
    await say('Hello again');
    await fromCustomer('Hello again').waitFor();
    await page.locator('.transcript .from-desk .text').filter({ hasText: QUEUED }).nth(1).waitFor();
    await status('live').waitFor();
    forgetFailedRequests();
  });

  it('an agent with only the workspace tab picks the new chat from Open work items and replies', async () => {
    const context = await chat.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const tab = await context.newPage();
      await tab.goto(chat.tabUrl('user-id-0'));
      await tab.locator('[data-stream="open"]').getByRole('button', { name: 'Pick Visitor 2' }).click();
      await tab.locator('#reply-text').fill('Hello again! How can I help?');
      await tab.getByRole('button', { name: 'Send' }).click();
      // user-id-0 has no name in AGENT_NAMES and gave none: customers read "Support agent", never an id.
      await fromDesk("You're now chatting with Support agent.").waitFor();
      await fromDesk('Hello again! How can I help?').waitFor();
    } finally {
      await context.close();
    }
  });
});
