import { readFile } from 'node:fs/promises';
import type { Download, Locator, Page } from 'playwright-core';
import { alex } from '../support/fixtures';
import { ensureChatBundle } from './support/tab-bundle';
import { startTabDesk, type TabDesk } from './support/tab-desk';

const CSV_HEADER = 'id,channel,title,agents,created,accepted,ended,wait s,handle s,outcome,CSAT';

/**
 * Downloads in Chromium: the customer saves their chat from the web chat page; Alex (an agent and a supervisor)
 * saves the session's transcript from the tab, and from the Floor a conversation's transcript and the CSV of the
 * conversations of a range of days. The tab fetches each file with its token and saves it through a Blob URL.
 */
describe('downloads: the chat page’s transcript, the tab’s transcripts and the Floor’s CSV', () => {
  let desk: TabDesk;
  let chat: Page;
  let tab: Page;

  beforeAll(async () => {
    await ensureChatBundle();
    desk = await startTabDesk('transcript-downloads', {
      AGENT_IDS: alex.aadObjectId,
      SUPERVISOR_IDS: alex.aadObjectId,
      AGENT_NAMES: `${alex.aadObjectId}=Alex Agent`,
    });
    chat = desk.page;
  });

  afterAll(async () => {
    await desk?.close();
  });

  afterEach(() => {
    expect(desk.pageErrors).toEqual([]);
  });

  /** Clicks `button` and reads the file the page saves. */
  async function download(page: Page, button: Locator): Promise<{ name: string; text: string }> {
    const [saved] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return { name: saved.suggestedFilename(), text: await contents(saved) };
  }
  const contents = async (saved: Download) => readFile(await saved.path(), 'utf8');

  it('saves the customer’s conversation from the chat page as text, without the place in the queue', async () => {
    await chat.goto(`${desk.desk.app.baseUrl}/chat`);
    const save = chat.getByRole('button', { name: 'Download transcript' });
    expect(await save.isVisible()).toBe(false);
    await chat.getByLabel('Message', { exact: true }).fill('Where is my order?\nIt was due Monday.');
    await chat.getByLabel('Message', { exact: true }).press('Enter');
    const answer = chat.locator('.transcript .from-desk:not(.kind-position) .text').first();
    const queued = (await answer.innerText()).trim();
    await desk.desk.app.sweep();
    await chat.locator('.transcript .kind-position').first().waitFor({ state: 'attached' });

    const file = await download(chat, save);
    expect(file.name).toMatch(/^relaydesk-chat-\d{4}-\d{2}-\d{2}\.txt$/);
    const lines = file.text.split('\n');
    expect(lines[0]).toBe('Chat transcript — Relaydesk');
    expect(lines[1]).toMatch(/^Conversation: \S+$/);
    expect(lines.slice(4)).toEqual([
      expect.stringMatching(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] You: Where is my order\?$/),
      '    It was due Monday.',
      expect.stringMatching(/^\[[^\]]+\] Relaydesk: /),
      '',
    ]);
    // The desk's answer as the page shows it; the place in the queue after it is not in the file.
    expect(lines[6]!.endsWith(`Relaydesk: ${queued}`)).toBe(true);
  });

  it('saves the session’s transcript from the tab with Export transcript', async () => {
    tab = await (await desk.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    tab.on('pageerror', (error) => desk.pageErrors.push(`tab: ${error.message}`));
    await tab.goto(desk.tabUrl(alex.aadObjectId));
    await tab.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await tab.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();

    const file = await download(tab, tab.getByRole('button', { name: 'Export transcript' }));
    expect(file.name).toBe('relaydesk-transcript-visitor-1-2026-01-05.txt');
    expect(file.text).toContain('\nConversation: Visitor 1\nId: ');
    expect(file.text).toContain('\nState: Active\nAgents: Alex Agent\n');
    expect(file.text).toContain(
      '\n2026-01-05T10:00:00Z  Visitor 1: Where is my order?\n    It was due Monday.\n',
    );
  });

  it('exports from the Floor: a conversation’s transcript, and the CSV of the days chosen', async () => {
    await tab.getByRole('button', { name: 'Floor', exact: true }).click();
    const floor = tab.locator('#floor-view');
    const transcript = await download(
      tab,
      floor.getByRole('button', { name: 'Transcript of Visitor 1', exact: true }),
    );
    expect(transcript.text).toContain('Visitor 1: Where is my order?');

    // The days suggested follow the desk's clock: the last week up to its today.
    expect(await floor.getByLabel('To', { exact: true }).inputValue()).toBe('2026-01-05');
    expect(await floor.getByLabel('From', { exact: true }).inputValue()).toBe('2025-12-30');
    await floor.getByLabel('From', { exact: true }).fill('2026-01-05');
    const csv = await download(tab, floor.getByRole('button', { name: 'Export CSV' }));
    expect(csv.name).toBe('relaydesk-conversations-2026-01-05-to-2026-01-05.csv');
    const records = csv.text.split('\r\n');
    expect(records[0]).toBe(CSV_HEADER);
    expect(records[1]).toMatch(/^[^,]+,webchat,Visitor 1,,2026-01-05T10:00:00Z,2026-01-05T10:00:00Z,,0,,,$/);
    expect(records.slice(2)).toEqual(['']);
  });
});
