import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { bea } from '../support/fixtures';
import { ALEX_AND_BEA, openSecondTab, useLiveTab, waitForText, type TabDesk } from './support/tab-desk';

const visitor: TestCustomer = { userId: 'transfer-user-1', conversationId: 'transfer-conv-1' };
const CONNECTING = "I'm connecting you with a colleague. Your conversation history is kept.";

describe('the tab hands a conversation to a colleague, with notes that travel with it', () => {
  let tab: TabDesk;
  let page: Page;
  let beaPage: Page;
  useLiveTab(
    'workspace-transfer-and-notes',
    (started) => {
      tab = started;
      page = started.page;
    },
    { env: ALEX_AND_BEA },
  );

  beforeAll(async () => {
    beaPage = await openSecondTab(tab, bea.aadObjectId);
  });

  const said = (customer: TestCustomer) =>
    tab.connector.posted(customer.conversationId).map((call) => String(call.activity['text']));
  const notes = (on: Page): Locator => on.locator('.notes-list .note-text');

  it('keeps a note typed in the Notes section, for agents only', async () => {
    await tab.customerSays(visitor, 'My refund never arrived');
    await page.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await page.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
    // No notes yet: the section is folded, so the pane stays short; the agent opens it to write one.
    expect(await page.locator('details.notes-section').getAttribute('open')).toBeNull();
    await page.locator('.notes-section summary').click();
    await page.locator('#note-text').fill('Refund approved by finance <b>today</b>');
    await page.getByRole('button', { name: 'Add note' }).click();
    await waitForText(notes(page).first(), 'Refund approved by finance <b>today</b>');
    expect(await page.locator('#note-text').inputValue()).toBe('');
    expect(said(visitor).join(' ')).not.toContain('Refund approved');
  });

  it('lists the colleagues who can take it, with the first one focused, and Escape changes nothing', async () => {
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog.getByRole('heading'), 'Transfer Visitor 1');
    await dialog.getByRole('button', { name: 'Transfer to Bea Agent' }).and(page.locator(':focus')).waitFor();
    await waitForText(dialog.locator('.transfer-load'), 'Available · 0 of 10 conversations');
    await tab.screenshot('01-transfer-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(said(visitor)).not.toContain(CONNECTING);
  });

  it('offers it to Bea with the note; Alex keeps it, marked "Transfer pending"', async () => {
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    await page.locator('#transfer-note').fill('Please confirm the refund date');
    await page.getByRole('button', { name: 'Transfer to Bea Agent' }).click();
    await waitForText(page.locator('#session-state'), 'Transfer to Bea Agent pending');
    await page.locator('.session-row').getByText('Transfer pending').waitFor();
    expect(await page.getByRole('button', { name: 'Transfer', exact: true }).isDisabled()).toBe(true);
    await tab.connector.waitFor('the customer told', () => said(visitor).includes(CONNECTING));

    const offer = beaPage.locator('.offer');
    await waitForText(offer.locator('.offer-transfer'), 'Transfer from Alex Agent:');
    await offer.getByText('Note from Alex Agent: Please confirm the refund date').waitFor();
    await beaPage.screenshot({
      path: 'test-artifacts/browser/workspace-transfer-and-notes/02-bea-offer.png',
    });
  });

  it('hands it over when Bea accepts: hers with its notes, gone from Alex, the customer told', async () => {
    await beaPage.getByRole('button', { name: 'Accept Visitor 1' }).click();
    await beaPage.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
    await waitForText(notes(beaPage).first(), 'Refund approved by finance <b>today</b>');
    await tab.connector.waitFor('the customer told', () =>
      said(visitor).includes("You're now chatting with Bea Agent."),
    );
    await page.locator('.session-row .session-title').getByText('Visitor 1', { exact: true }).waitFor({
      state: 'detached',
    });
    await beaPage.screenshot({
      path: 'test-artifacts/browser/workspace-transfer-and-notes/03-bea-session.png',
    });
  });
});
