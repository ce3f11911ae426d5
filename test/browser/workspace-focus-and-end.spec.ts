import type { Locator, Page } from 'playwright-core';
import { agentMessage, postActivity, type TestCustomer } from '../support/activities';
import { alex } from '../support/fixtures';
import { useLiveTab, waitForText, type TabDesk } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'focus-user-1', conversationId: 'focus-conv-1' };
const visitor2: TestCustomer = { userId: 'focus-user-2', conversationId: 'focus-conv-2' };
const ENDED_WORDING = 'has ended the conversation';

describe('the tab puts focus where the agent works next, and End asks first', () => {
  let tab: TabDesk;
  let page: Page;
  useLiveTab('workspace-focus-and-end', (started) => {
    tab = started;
    page = started.page;
  });

  const dialog = (): Locator => page.getByRole('dialog');
  const sessionTitle = (title: string): Locator =>
    page.locator('#session-title').getByText(title, { exact: true });
  const endedMessages = (customer: TestCustomer) =>
    tab.connector
      .posted(customer.conversationId)
      .filter((call) => String(call.activity['text']).includes(ENDED_WORDING));

  it('Pick opens the session with the cursor in the reply box, so Tab and Enter do not reach End', async () => {
    await tab.customerSays(visitor1, 'My parcel never arrived');
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await sessionTitle('Visitor 1').waitFor();
    await page.locator('#reply-text:focus').waitFor();
    await page.keyboard.press('Tab');
    await page.getByRole('button', { name: 'Send' }).and(page.locator(':focus')).waitFor();
  });

  it('Accept on an offer opens the session with the cursor in the reply box', async () => {
    // A message in chat makes Alex reachable there, so the next customer is offered to them.
    const hello = await postActivity(
      tab.desk.app.url,
      agentMessage(tab.connector.serviceUrl, alex, 'sessions'),
    );
    expect(hello.status).toBe(200);
    await tab.customerSays(visitor2, 'Can I change my delivery address?');
    await page.getByRole('button', { name: 'Accept Visitor 2' }).click();
    await sessionTitle('Visitor 2').waitFor();
    await page.locator('#reply-text:focus').waitFor();
  });

  it('End asks "End the conversation with Visitor 2?" with Cancel focused; Enter and Escape keep the chat', async () => {
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await waitForText(dialog().getByRole('heading'), 'End the conversation with Visitor 2?');
    await waitForText(dialog().locator('p'), 'The customer is told.');
    await dialog().getByRole('button', { name: 'Cancel' }).and(page.locator(':focus')).waitFor();
    await tab.screenshot('01-end-confirmation');

    await page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'End', exact: true }).and(page.locator(':focus')).waitFor();
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });

    await sessionTitle('Visitor 2').waitFor();
    expect(endedMessages(visitor2)).toHaveLength(0);
  });

  it('End in the dialog ends the conversation, tells the customer, and shows the wrap-up in place of the reply box', async () => {
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await dialog().getByRole('button', { name: 'End', exact: true }).click();
    await page.locator('.wrap-up-form').getByRole('heading', { name: 'Wrap-up' }).waitFor();
    expect(await page.locator('#reply-text').count()).toBe(0);
    await page.locator('.session-row').getByText('Wrap-up', { exact: true }).waitFor();
    await tab.connector.waitFor(
      'the customer told the chat ended',
      () => endedMessages(visitor2).length === 1,
    );
    await tab.screenshot('02-wrap-up');
  });

  it('Finish without an outcome says to choose one; with one it closes, and focus goes to the panel', async () => {
    const form = page.locator('.wrap-up-form');
    await form.getByRole('button', { name: 'Finish' }).click();
    await waitForText(form.getByRole('alert'), 'Choose an outcome first.');
    await form.getByLabel('Resolved', { exact: true }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('Space');
    await form.locator('#wrap-up-note').fill('Refund sent');
    await form.getByRole('button', { name: 'Finish' }).click();
    await page.locator('.session-row .session-title').getByText('Visitor 2', { exact: true }).waitFor({
      state: 'detached',
    });
    await page.locator('[role="tab"][aria-selected="true"]:focus').waitFor();
    expect(endedMessages(visitor2)).toHaveLength(1);
  });

  it('Open on a Closed work item (read only) puts focus on the session heading', async () => {
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await page.locator('[data-stream="closed"]').getByRole('button', { name: 'Open Visitor 2' }).click();
    await sessionTitle('Visitor 2').waitFor();
    await page.locator('#session-title:focus').waitFor();
    expect(await page.locator('#reply-text').count()).toBe(0);
  });
});
