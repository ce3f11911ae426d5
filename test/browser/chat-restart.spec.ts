import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { agentMessage, postActivity } from '../support/activities';
import { acceptLatestOffer, offersPosted } from '../support/offers';
import { cardOf, textBlocks } from '../support/cards';
import { FakeConnector } from '../support/fake-connector';
import { alex, QUEUED } from '../support/fixtures';
import { FakeClock, startTestDesk, type TestDesk } from '../support/harness';
import { launchChromium } from './support/chromium';
import { ensureChatBundle } from './support/tab-bundle';
import { UI_TIMEOUT_MS } from './support/tab-desk';

/**
 * Issue "The agent's first hour", bug 3: after a server restart every web chat customer was told "Chat ended"
 * while the agent's session stayed Active. The page, in Chromium, goes on with its conversation across a restart
 * of the server on the same SQLite folder (and the same port, as a real restart has).
 */

const JOINED = "You're now chatting with Alex Agent.";

describe('a web chat across a server restart (real server, SQLite, Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relaydesk-chat-restart-'));
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  const env = {
    STORE: 'sqlite',
    SQLITE_PATH: join(dir, 'relaydesk.db'),
    AGENT_IDS: alex.aadObjectId,
    RATE_LIMIT_PER_MINUTE: '0',
    CONTACTS_FILE: 'off',
  };
  let connector: FakeConnector;
  let desk: TestDesk;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureChatBundle();
    connector = await FakeConnector.start();
    desk = await startTestDesk(env, { clock });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 480, height: 880 } })).newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    expect((await agentSays('hi')).status).toBe(200);
    await page.goto(`${desk.app.baseUrl}/chat`);
  });

  afterAll(async () => {
    await browser?.close();
    await desk?.app.close();
    await connector?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const line = (text: string): Locator =>
    page
      .locator('.transcript .message')
      .filter({ has: page.locator('.text').getByText(text, { exact: true }) });

  async function say(text: string): Promise<void> {
    const box = page.getByLabel('Message', { exact: true });
    await box.fill(text);
    await box.press('Enter');
  }

  function agentSays(text: string) {
    return postActivity(desk.app.url, agentMessage(connector.serviceUrl, alex, text));
  }

  const relayedToAlex = (): string[] =>
    connector
      .posted(alex.conversationId)
      .map((call) => textBlocks(cardOf(call)).at(-1) ?? '')
      .filter((text) => text !== '');

  it('keeps the conversation: the customer writes on, the agent’s same session gets it, and the reply comes back', async () => {
    await say('My parcel never came');
    await line(QUEUED).waitFor();
    const accepted = await acceptLatestOffer(desk.app.url, connector, alex);
    expect(accepted.status).toBe(200);
    await line(JOINED).waitFor();
    const offersBefore = offersPosted(connector, alex);

    const port = new URL(desk.app.baseUrl).port;
    await desk.app.close();
    desk = await startTestDesk({ ...env, PORT: port }, { clock });
    expect(new URL(desk.app.baseUrl).port).toBe(port);

    await say('Are you still there?');
    await page
      .locator('.transcript .message[data-state="sent"]')
      .filter({ hasText: 'Are you still there?' })
      .waitFor();
    await connector.waitFor(
      'the message relayed to Alex',
      () => relayedToAlex().includes('Are you still there?'),
      {
        timeoutMs: UI_TIMEOUT_MS,
      },
    );
    const offersAfter = offersPosted(connector, alex);
    expect(offersAfter).toHaveLength(offersBefore.length);

    expect((await agentSays('Yes, still here. It ships today.')).status).toBe(200);
    await line('Yes, still here. It ships today.').waitFor();
    expect(await page.locator('#chat-status').getAttribute('data-status')).not.toBe('ended');
    await page.screenshot({
      path: join('test-artifacts', 'browser', 'chat-restart', '01-after-restart.png'),
    });
    expect(pageErrors).toEqual([]);
  });
});
