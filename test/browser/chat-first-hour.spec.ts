import type { Locator, Page } from 'playwright-core';
import { agentMessage, postActivity } from '../support/activities';
import { acceptLatestOffer } from '../support/offers';
import { cardMentions, cardOf } from '../support/cards';
import { SAVED_CHAT_KEY } from '../../src/web/chat/saved-chat';
import { alex, QUEUED } from '../support/fixtures';
import { ensureChatBundle } from './support/tab-bundle';
import { startTabDesk, UI_TIMEOUT_MS, waitForText, type TabDesk } from './support/tab-desk';

/** Issue "The agent's first hour": what a new customer met on /chat, each played against the real server. */

const JOINED = "You're now chatting with Alex Agent.";
const ENDED = 'Alex Agent has ended the conversation. Send a message any time to start a new one.';
const RATE_LIMITED = "You're sending messages quickly — please wait a moment.";
const PER_MINUTE = 3;
const MINUTE = 60_000;

describe("the web chat page in the agent's first hour: signed replies, times, links, refusals, the end, two tabs", () => {
  let chat: TabDesk;
  let page: Page;

  beforeAll(async () => {
    await ensureChatBundle();
    chat = await startTabDesk('chat-first-hour', {
      AGENT_IDS: alex.aadObjectId,
      RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
    });
    page = chat.page;
    await page.setViewportSize({ width: 480, height: 880 });
    const hi = await postActivity(chat.desk.app.url, agentMessage(chat.connector.serviceUrl, alex, 'hi'));
    expect(hi.status).toBe(200);
    await page.goto(`${chat.desk.app.baseUrl}/chat`);
  });

  afterAll(async () => {
    await chat?.close();
  });

  afterEach(() => {
    expect(chat.pageErrors).toEqual([]);
  });

  const messageBox = (on: Page = page): Locator => on.getByLabel('Message', { exact: true });
  const status = (value: string): Locator => page.locator(`#chat-status[data-status="${value}"]`);
  const line = (author: 'desk' | 'customer', text: string, on: Page = page): Locator =>
    on
      .locator(`.transcript .from-${author}`)
      .filter({ has: on.locator('.text').getByText(text, { exact: true }) });
  const texts = (on: Page = page): Promise<string[]> =>
    on.locator('.transcript .message .text').allTextContents();
  const savedConversationId = async (): Promise<string | undefined> => {
    const saved = await page.evaluate(`localStorage.getItem(${JSON.stringify(SAVED_CHAT_KEY)})`);
    return typeof saved === 'string'
      ? (JSON.parse(saved) as { conversationId: string }).conversationId
      : undefined;
  };

  async function say(text: string, on: Page = page): Promise<void> {
    await messageBox(on).fill(text);
    await messageBox(on).press('Enter');
  }

  /** The agent (Teams, on the fake connector) says something in their chat with the bot. */
  async function agentSays(text: string): Promise<void> {
    const said = await postActivity(chat.desk.app.url, agentMessage(chat.connector.serviceUrl, alex, text));
    expect(said.status).toBe(200);
  }

  /** The agent presses Accept on the newest offer. */
  async function agentAccepts(): Promise<void> {
    const accepted = await acceptLatestOffer(chat.desk.app.url, chat.connector, alex);
    expect(accepted.status).toBe(200);
  }

  /** Holds the page's polls (GET …/activities) until released; its posts go through. */
  async function holdPolls(): Promise<{ release(): Promise<void> }> {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const polls = (url: URL) => /^\/v3\/directline\/conversations\/[^/]+\/activities$/.test(url.pathname);
    await page.route(polls, async (route) => {
      if (route.request().method() === 'GET') await gate;
      await route.continue();
    });
    return {
      release: async () => {
        open();
        // Waits for the held polls to go on before the route goes (the page has no other routes).
        await page.unrouteAll({ behavior: 'wait' });
      },
    };
  }

  it("signs the agent's replies with the agent's name, and the desk's own notices as Relaydesk", async () => {
    await say("Hi, my order #1234 hasn't arrived yet");
    await line('desk', QUEUED).waitFor();
    await agentAccepts();
    await line('desk', JOINED).waitFor();
    await agentSays('Hi Casey, I am checking order #1234 now.');
    const reply = line('desk', 'Hi Casey, I am checking order #1234 now.');
    await waitForText(reply.locator('.sender'), 'Alex Agent');
    expect(await line('desk', QUEUED).locator('.sender').textContent()).toBe('Relaydesk');
    expect(await line('desk', JOINED).locator('.sender').textContent()).toBe('Relaydesk');
    await waitForText(page.locator('#announcer'), 'Alex Agent: Hi Casey, I am checking order #1234 now.');
    await chat.screenshot('01-signed-agent-reply');
  });

  it("shows the time on every message, the customer's own included, even when the post answers before a poll", async () => {
    const polls = await holdPolls();
    const mine = line('customer', 'Is it lost?');
    try {
      await say('Is it lost?');
      await mine.and(page.locator('[data-state="sent"]')).waitFor();
      // Sent and answered, not yet seen in a poll: it already shows when it was sent.
      await mine.locator('time').waitFor();
    } finally {
      await polls.release();
    }
    // Then the channel's own time: the desk's clock, which is not this browser's.
    await mine.locator(`time[datetime="${new Date(chat.desk.clock.now()).toISOString()}"]`).waitFor();
    const untimed = await page
      .locator('.transcript .message:not(.from-system)')
      .evaluateAll((items) =>
        items
          .filter((item) => !item.querySelector('time')?.textContent?.trim())
          .map((item) => item.textContent),
      );
    expect(untimed).toEqual([]);
  });

  it('makes http(s) addresses in messages links that open in a new tab, on both sides, and nothing else', async () => {
    const context = page.context();
    await context.route(/^https:\/\/(shop|help)\.example\//, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>elsewhere</title>' }),
    );
    await say('My order page: https://shop.example/orders/1234.');
    const own = line('customer', 'My order page: https://shop.example/orders/1234.').getByRole('link');
    await own.waitFor();
    expect(await own.textContent()).toBe('https://shop.example/orders/1234');
    await agentSays(
      'Returns: https://help.example/returns (section 2). javascript:alert(1) <b>is</b> not one.',
    );
    const reply = line(
      'desk',
      'Returns: https://help.example/returns (section 2). javascript:alert(1) <b>is</b> not one.',
    );
    await reply.waitFor();
    const links = await reply
      .locator('a')
      .evaluateAll((anchors) =>
        anchors.map((a) => [
          a.getAttribute('href'),
          a.getAttribute('rel'),
          a.getAttribute('target'),
          a.textContent,
        ]),
      );
    expect(links).toEqual([
      ['https://help.example/returns', 'noopener noreferrer', '_blank', 'https://help.example/returns'],
    ]);
    expect(await page.locator('.transcript b').count()).toBe(0);
    const dirs = await page
      .locator('.transcript .message .text')
      .evaluateAll((items) => items.map((item) => item.getAttribute('dir')));
    expect(new Set(dirs)).toEqual(new Set(['auto']));
    await chat.screenshot('02-clickable-link');

    const [opened] = await Promise.all([context.waitForEvent('page'), reply.getByRole('link').click()]);
    await opened.waitForLoadState();
    expect(opened.url()).toBe('https://help.example/returns');
    expect(await opened.evaluate('window.opener')).toBeNull();
    await opened.close();
  });

  it('marks a message the rate limit refused "Not sent — Send again", shows the notice, and Send again delivers it', async () => {
    chat.desk.clock.advance(MINUTE);
    for (const text of ['one', 'two', 'three']) {
      await say(text);
      await line('customer', text).and(page.locator('[data-state="sent"]')).waitFor();
    }
    const mark = chat.connector.calls.length;
    await say('four, too fast');
    const refused = line('customer', 'four, too fast');
    await refused.and(page.locator('[data-state="failed"]')).waitFor();
    expect(await refused.locator('.meta').textContent()).toMatch(/Not sent — Send again$/);
    await waitForText(line('desk', RATE_LIMITED).locator('.sender'), 'Relaydesk');
    await chat.screenshot('03-rate-limited-not-sent');

    chat.desk.clock.advance(MINUTE);
    await refused.getByRole('button', { name: 'Send again' }).click();
    await refused.and(page.locator('[data-state="sent"]')).waitFor();
    await chat.connector.waitFor('the message sent again relayed to the agent', (calls) =>
      calls.slice(mark).some((call) => cardMentions(cardOf(call), 'four, too fast')),
    );
    await page.reload();
    await line('desk', RATE_LIMITED).waitFor();
    await refused.and(page.locator('[data-state="sent"]')).waitFor();
    expect((await texts()).filter((text) => text === 'four, too fast')).toHaveLength(1);
  });

  it('says "Conversation ended" with a "Start a new conversation" button when the agent ends it, and stays so', async () => {
    await agentSays('end');
    await waitForText(line('desk', ENDED).locator('.sender'), 'Relaydesk');
    await waitForText(status('ended'), 'Conversation ended');
    const startNew = page.getByRole('button', { name: 'Start a new conversation' });
    await startNew.waitFor();
    await chat.screenshot('04-conversation-ended');
    // Two more polls answered: the page still says so, not "Connected".
    for (let poll = 0; poll < 2; poll += 1) {
      await page.waitForResponse(
        (response) => response.request().method() === 'GET' && /\/activities\?/.test(response.url()),
      );
    }
    expect(await page.locator('#chat-status').textContent()).toBe('Conversation ended');
    expect(await startNew.isVisible()).toBe(true);
  });

  it('a message typed after the end, without the button, goes on in the same conversation and is queued again', async () => {
    chat.desk.clock.advance(MINUTE);
    const before = await savedConversationId();
    await say('One more thing: can I change the address?');
    await line('desk', QUEUED).nth(1).waitFor();
    await waitForText(status('live'), 'Connected');
    expect(await page.getByRole('button', { name: 'Start a new conversation' }).isVisible()).toBe(false);
    expect(await savedConversationId()).toBe(before);
  });

  it('"Start a new conversation" greys the ended one above and starts a fresh conversation with the next message', async () => {
    await agentAccepts();
    await agentSays('end');
    await line('desk', ENDED).nth(1).waitFor();
    const before = await savedConversationId();
    await page.getByRole('button', { name: 'Start a new conversation' }).click();
    await status('idle').waitFor({ state: 'attached' });
    expect(await page.locator('.transcript .message.archived').count()).toBeGreaterThan(0);
    expect(await page.locator('.transcript .message:not(.from-system):not(.archived)').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start a new conversation' }).isVisible()).toBe(false);
    expect(await savedConversationId()).toBeUndefined();

    chat.desk.clock.advance(MINUTE);
    await say('Hello, a new question');
    await line('customer', 'Hello, a new question').and(page.locator(':not(.archived)')).waitFor();
    await line('desk', QUEUED).and(page.locator(':not(.archived)')).waitFor();
    await waitForText(status('live'), 'Connected');
    const after = await savedConversationId();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    await chat.screenshot('05-new-conversation');
  });

  it("a second tab continues the same conversation; each tab shows every new message once, the customer's own included", async () => {
    chat.desk.clock.advance(MINUTE);
    await say('Written before the second tab opened');
    await line('customer', 'Written before the second tab opened')
      .and(page.locator('[data-state="sent"]'))
      .waitFor();
    const second = await page.context().newPage();
    second.setDefaultTimeout(UI_TIMEOUT_MS);
    try {
      await second.goto(`${chat.desk.app.baseUrl}/chat`);
      await line('customer', 'Written before the second tab opened', second).waitFor();
      await say('Written in the second tab', second);
      await say('Written in the first tab');
      await agentAccepts();
      for (const tab of [page, second]) {
        await line('desk', JOINED, tab).and(tab.locator(':not(.archived)')).waitFor();
        await line('customer', 'Written in the second tab', tab).waitFor();
        await line('customer', 'Written in the first tab', tab).waitFor();
        const shown = await texts(tab);
        for (const own of [
          'Written before the second tab opened',
          'Written in the second tab',
          'Written in the first tab',
        ]) {
          expect(shown.filter((text) => text === own)).toHaveLength(1);
        }
      }
    } finally {
      await second.close();
    }
  });
});
