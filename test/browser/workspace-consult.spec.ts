import type { Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { bea } from '../support/fixtures';
import { ALEX_AND_BEA, openSecondTab, useLiveTab, waitForText, type TabDesk } from './support/tab-desk';

const visitor: TestCustomer = { userId: 'consult-user-1', conversationId: 'consult-conv-1' };

describe('the tab asks a colleague to consult: a read-only session for them, a private thread for both', () => {
  let tab: TabDesk;
  let page: Page;
  let beaPage: Page;
  useLiveTab(
    'workspace-consult',
    (started) => {
      tab = started;
      page = started.page;
    },
    { env: ALEX_AND_BEA },
  );

  beforeAll(async () => {
    beaPage = await openSecondTab(tab, bea.aadObjectId);
  });

  const said = () =>
    tab.connector.posted(visitor.conversationId).map((call) => String(call.activity['text']));

  it('lists who can be asked, and Ask gives Bea a read-only "Consult" session', async () => {
    await tab.customerSays(visitor, 'My invoice is wrong');
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await page.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Consult', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog.getByRole('heading'), 'Consult on Visitor 1');
    await dialog.getByRole('button', { name: 'Ask Bea Agent' }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.consult-section .consultant').getByText('Bea Agent · read-only').waitFor();

    await beaPage.locator('.session-row').getByText('Consult', { exact: true }).waitFor();
    await beaPage.locator('.session-row [role="tab"]').last().click();
    await beaPage.locator('.transcript').getByText('My invoice is wrong').waitFor();
    expect(await beaPage.locator('#reply-text').count()).toBe(0);
    expect(await beaPage.getByRole('button', { name: 'End', exact: true }).isDisabled()).toBe(true);
  });

  it('carries the private thread both ways, never to the customer', async () => {
    await beaPage.locator('#consult-text').fill('Check the VAT line first');
    await beaPage.getByRole('button', { name: 'Send to consult' }).click();
    await page.locator('.consult-thread').getByText('Check the VAT line first').waitFor();
    expect(said().join(' ')).not.toContain('VAT line');
    await tab.screenshot('01-consult-thread');
  });

  it('Add to conversation lets Bea write to the customer, who is told she joined', async () => {
    await page.getByRole('button', { name: 'Add Bea Agent to the conversation' }).click();
    await tab.connector.waitFor('the customer told', () =>
      said().includes('Bea Agent joined the conversation.'),
    );
    await beaPage.locator('#reply-text').waitFor();
    await beaPage.locator('#reply-text').fill('Hi, I am looking at your invoice too.');
    await beaPage.keyboard.press('Enter');
    await tab.connector.waitFor('Bea reached the customer', () =>
      said().includes('Hi, I am looking at your invoice too.'),
    );
  });

  it('Leave closes Bea’s consult session; Alex keeps the conversation', async () => {
    await beaPage.getByRole('button', { name: 'Leave', exact: true }).click();
    await beaPage.locator('.session-row .session-title').getByText('Visitor 1', { exact: true }).waitFor({
      state: 'detached',
    });
    await page.locator('.consult-section').waitFor({ state: 'detached' });
    await page.locator('#reply-text').waitFor();
  });
});
