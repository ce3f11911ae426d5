import type { Locator, Page } from 'playwright-core';
import { agentInvoke, agentMessage, postActivity } from '../support/activities';
import { actionData, cardMentions, cardOf } from '../support/cards';
import { alex } from '../support/fixtures';
import { api, devSignIn } from '../web/agent-api-support';
import { ensureChatBundle } from './support/tab-bundle';
import { openSecondTab, startTabDesk, waitForText, type TabDesk } from './support/tab-desk';

const ENDED = 'Alex Agent has ended the conversation. Send a message any time to start a new one.';
const SURVEY = 'How did we do? (1–5)';
const THANKS = 'Thank you for your feedback.';

/**
 * The post-conversation survey on the web chat page, in Chromium: after the agent's End the page shows the question
 * with five buttons and a comment box inline (no card); the customer rates 4 with a comment and sees the thanks; the
 * form is gone, also after a reload. The agent (a supervisor too) sees the rating on the Floor, on the session and in
 * the CSV.
 */
describe('the web chat page: the survey after an End', () => {
  let chat: TabDesk;
  let page: Page;
  let workItemId: string;

  beforeAll(async () => {
    await ensureChatBundle();
    chat = await startTabDesk('chat-survey', {
      AGENT_IDS: alex.aadObjectId,
      SUPERVISOR_IDS: alex.aadObjectId,
      AGENT_NAMES: `${alex.aadObjectId}=Alex Agent`,
    });
    page = chat.page;
    await page.setViewportSize({ width: 480, height: 900 });
    await postActivity(chat.desk.app.url, agentMessage(chat.connector.serviceUrl, alex, 'hi'));
  });

  afterAll(async () => {
    await chat?.close();
  });

  afterEach(() => {
    expect(chat.pageErrors).toEqual([]);
  });

  const fromDesk = (text: string): Locator =>
    page.locator('.transcript .from-desk .text').getByText(text, { exact: true });
  const survey = (): Locator => page.locator('.transcript .kind-survey form.survey');

  async function agentAccepts(): Promise<void> {
    const offer = chat.connector
      .posted(alex.conversationId)
      .filter((call) => cardMentions(cardOf(call), 'Accept'))
      .at(-1);
    const ids = actionData(cardOf(offer), 'accept');
    workItemId = String(ids['workItemId']);
    const accepted = await postActivity(
      chat.desk.app.url,
      agentInvoke(chat.connector.serviceUrl, alex, 'accept', ids, offer!.activityId),
    );
    expect(accepted.status).toBe(200);
  }

  it('shows the survey inline under the question once the agent ends: five buttons, a comment, Send', async () => {
    await page.goto(`${chat.desk.app.baseUrl}/chat`);
    await page.getByLabel('Message', { exact: true }).fill('My parcel is late');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await page.locator('.transcript .from-desk.kind-queued').waitFor();
    await agentAccepts();
    await postActivity(
      chat.desk.app.url,
      agentMessage(chat.connector.serviceUrl, alex, 'It left the depot today.'),
    );
    await fromDesk('It left the depot today.').waitFor();
    await postActivity(
      chat.desk.app.url,
      agentInvoke(chat.connector.serviceUrl, alex, 'end', { sessionId: workItemId }),
    );
    await fromDesk(ENDED).waitFor();
    await fromDesk(SURVEY).waitFor();
    await survey().waitFor();
    // The End still reads as the end: the status says so and offers a new conversation.
    await page.locator('#chat-status[data-status="ended"]').waitFor();
    await page.getByRole('button', { name: 'Start a new conversation' }).waitFor();
    const ratings = survey().locator('.survey-rating');
    expect(await ratings.allTextContents()).toEqual(['1', '2', '3', '4', '5']);
    expect(await survey().getByRole('button', { name: 'Send feedback' }).isDisabled()).toBe(true);
    // No raw card: the page shows its own form, never "content this page cannot show".
    expect(await page.getByText('(This message has content this page cannot show.)').count()).toBe(0);
    await chat.screenshot('01-survey');
  });

  it('rates 4 with a comment: the answer shows as the customer’s line, the form goes, the thanks follows', async () => {
    await survey().getByRole('button', { name: '4, satisfied' }).click();
    expect(await survey().getByRole('button', { name: '4, satisfied' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await survey().getByLabel('Comment (optional)').fill('Quick and kind, thanks!');
    await chat.screenshot('02-rated');
    await survey().getByRole('button', { name: 'Send feedback' }).click();
    await fromDesk(THANKS).waitFor();
    await page
      .locator('.transcript .from-customer .text')
      .getByText('Rating: 4 of 5\nComment: Quick and kind, thanks!', { exact: true })
      .waitFor();
    expect(await survey().count()).toBe(0);
    await page.locator('#chat-status[data-status="ended"]').waitFor();
    const stored = await chat.desk.app.database.db
      .selectFrom('csat_surveys')
      .select(['work_item_id', 'rating', 'comment'])
      .execute();
    expect(stored).toEqual([{ work_item_id: workItemId, rating: 4, comment: 'Quick and kind, thanks!' }]);
    await chat.screenshot('03-thanks');
  });

  it('keeps the survey answered after a reload: no form comes back', async () => {
    await page.reload();
    await fromDesk(THANKS).waitFor();
    expect(await survey().count()).toBe(0);
  });

  it('shows the rating to the agent: the Floor’s count and Wrap-up row, the session, and the CSV', async () => {
    const tab = await openSecondTab(chat, alex.aadObjectId);
    await tab.getByRole('button', { name: 'Floor', exact: true }).click();
    const floor = tab.locator('#floor-view');
    await waitForText(floor.locator('.floor-csat .floor-count-value'), '4.0');
    await waitForText(floor.locator('.floor-csat .floor-count-label'), 'CSAT today, 1 answer');
    const row = floor.locator(`tr[data-work-item-id="${workItemId}"]`);
    await waitForText(row.locator('.floor-csat-rating'), 'Rated 4 of 5');
    await tab.screenshot({ path: chat.artifactPath('04-floor'), fullPage: true });

    // Choosing the session in wrap-up leaves the Floor for it.
    await tab.locator('.session-row').filter({ hasText: 'Visitor 1' }).getByRole('tab').click();
    await tab.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
    const facts = tab.locator('.facts');
    await facts.getByText('4 of 5', { exact: true }).waitFor();
    await tab.locator('.csat-comment').getByText('Quick and kind, thanks!').waitFor();
    await tab.screenshot({ path: chat.artifactPath('05-session'), fullPage: true });

    const day = new Date(chat.desk.clock.now()).toISOString().slice(0, 10);
    const token = await devSignIn(chat.desk.app.baseUrl, alex.aadObjectId);
    const csv = await api<string>(
      chat.desk.app.baseUrl,
      'GET',
      `/api/supervisor/conversations.csv?from=${day}&to=${day}`,
      { token },
    );
    const line = csv.body.split('\r\n').find((record) => record.startsWith(workItemId));
    expect(line?.split(',').at(-1)).toBe('4');
  });
});
