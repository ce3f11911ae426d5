import type { Locator, Page } from 'playwright-core';
import { agentInvoke, agentMessage, postActivity, type TestCustomer } from '../support/activities';
import { actionData, cardMentions, cardOf, textBlocks } from '../support/cards';
import { ensureChatBundle } from './support/tab-bundle';
import { startTabDesk, type TabDesk } from './support/tab-desk';
import { NOBODY_AT_WORK, alex } from '../support/fixtures';

const ahead: TestCustomer = { userId: 'pos-ahead', conversationId: 'conv-pos-ahead' };
const YOU_ENDED = 'You ended the conversation. Send a message any time to start a new one.';

/**
 * The customer's side of the queue and of ending, on the web chat page in Chromium: the page shows the latest place
 * in the queue as a status line (older places and, once an agent joins, all of them hidden), and End chat asks,
 * then ends the conversation: the agent is told, the page says it ended.
 */
describe('the web chat page: the place in the queue, and End chat', () => {
  let chat: TabDesk;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    await ensureChatBundle();
    chat = await startTabDesk('chat-position-and-end', { AGENT_IDS: alex.aadObjectId, AGENT_CAPACITY: '1' });
    page = chat.page;
    await page.setViewportSize({ width: 480, height: 880 });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    await postActivity(chat.desk.app.url, agentMessage(chat.connector.serviceUrl, alex, 'hi'));
    await postActivity(chat.desk.app.url, agentMessage(chat.connector.serviceUrl, alex, 'presence away'));
  });

  afterAll(async () => {
    await chat?.close();
  });

  afterEach(() => {
    expect(chat.pageErrors).toEqual([]);
  });

  const positionLines = (): Locator =>
    page.locator('.transcript .from-desk.kind-position:not([hidden]) .text');
  const fromDesk = (text: string): Locator =>
    page.locator('.transcript .from-desk .text').getByText(text, { exact: true });

  async function sweep(): Promise<void> {
    await chat.desk.app.sweep();
  }

  async function agentAccepts(): Promise<void> {
    const offer = chat.connector
      .posted(alex.conversationId)
      .filter((call) => cardMentions(cardOf(call), 'Accept'))
      .at(-1);
    const ids = actionData(cardOf(offer), 'accept');
    const accepted = await postActivity(
      chat.desk.app.url,
      agentInvoke(chat.connector.serviceUrl, alex, 'accept', ids, offer!.activityId),
    );
    expect(accepted.status).toBe(200);
  }

  it('shows the place in the queue as one line, the latest only', async () => {
    await chat.customerSays(ahead, 'I was here first');
    await page.goto(`${chat.desk.app.baseUrl}/chat`);
    await page.getByLabel('Message', { exact: true }).fill('Where is my order?');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    // Alex is Away: nobody is at work, and the customer is told so.
    await fromDesk(NOBODY_AT_WORK).waitFor();
    await sweep();
    await positionLines().getByText("You're number 2 in the queue.", { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'End chat' }).isVisible()).toBe(true);
    await chat.screenshot('01-number-2');

    await chat.customerSays(ahead, 'end');
    chat.desk.clock.advance(30_000);
    await sweep();
    await positionLines().getByText("You're next.", { exact: true }).waitFor();
    expect(await positionLines().allTextContents()).toEqual(["You're next."]);
  });

  it('hides the place once an agent joins', async () => {
    await postActivity(
      chat.desk.app.url,
      agentMessage(chat.connector.serviceUrl, alex, 'presence available'),
    );
    await agentAccepts();
    await fromDesk("You're now chatting with Alex Agent.").waitFor();
    expect(await positionLines().count()).toBe(0);
  });

  it('End chat asks first, then ends: the agent is told, the page says the conversation ended', async () => {
    const mark = chat.connector.calls.length;
    await page.getByRole('button', { name: 'End chat' }).click();
    await fromDesk(YOU_ENDED).waitFor();
    await page.locator('#chat-status[data-status="ended"]').waitFor();
    expect(dialogs).toEqual([
      'End this chat? The agent will be told, and your next message starts a new one.',
    ]);
    await page.getByRole('button', { name: 'Start a new conversation' }).waitFor();
    expect(await page.getByRole('button', { name: 'End chat' }).isVisible()).toBe(false);
    const told = chat.connector.calls
      .slice(mark)
      .filter((call) => call.conversationId === alex.conversationId)
      .flatMap((call) => textBlocks(cardOf(call)));
    expect(told.some((text) => /^Visitor \d+ ended the conversation\.$/.test(text))).toBe(true);
    await chat.screenshot('02-ended');
  });
});
