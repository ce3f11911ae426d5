import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { alex } from '../support/fixtures';
import { alertRecord, stubAlerts } from './support/alert-stubs';
import {
  advanceBoth,
  installDeskClock,
  pauseWithDesk,
  startTabDesk,
  waitForText,
  type TabDesk,
} from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'offer-user-1', conversationId: 'offer-conv-1' };
const visitor2: TestCustomer = { userId: 'offer-user-2', conversationId: 'offer-conv-2' };
const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('new work is hard to miss: offers count down, chime and notify, and times keep ticking', () => {
  let tab: TabDesk;
  let page: Page;

  beforeAll(async () => {
    tab = await startTabDesk('workspace-offers-and-time', { AGENT_IDS: alex.aadObjectId });
    page = tab.page;
    await stubAlerts(page);
    await installDeskClock(tab);
    await page.goto(tab.tabUrl(alex.aadObjectId));
    await page.locator('.live-status[data-status="live"]').waitFor();
    await pauseWithDesk(tab);
  });

  afterAll(async () => {
    await tab?.close();
  });

  afterEach(() => {
    expect(tab.pageErrors).toEqual([]);
  });

  const offer = (title: string): Locator =>
    page.locator('.offer').filter({ has: page.getByRole('button', { name: `Accept ${title}` }) });
  const openItem = (title: string): Locator =>
    page
      .locator('[data-stream="open"] tbody tr')
      .filter({ has: page.getByRole('rowheader', { name: title, exact: true }) });
  const soundSwitch = (): Locator => page.getByRole('button', { name: 'Offer sound' });

  it('asks for desktop notification permission on the first click, never on load, and only once', async () => {
    expect((await alertRecord(page)).permissionAsks).toBe(0);
    await page.getByRole('heading', { name: 'Agent dashboard' }).click();
    expect((await alertRecord(page)).permissionAsks).toBe(1);
    await page.getByRole('heading', { name: 'Agent dashboard' }).click();
    expect((await alertRecord(page)).permissionAsks).toBe(1);
  });

  it('an offer shows Accept, Reject and a live countdown, with a chime and a desktop notification', async () => {
    await tab.customerSays(visitor1, 'My order #1234 has not arrived');
    await waitForText(offer('Visitor 1').locator('.offer-countdown'), '2:00 left');
    await offer('Visitor 1').getByRole('button', { name: 'Reject Visitor 1' }).waitFor();
    const alerts = await alertRecord(page);
    expect(alerts.chimes).toBe(1);
    expect(alerts.notifications).toEqual([
      {
        title: 'Incoming conversation: Visitor 1',
        body: 'Bot Framework Emulator · My order #1234 has not arrived',
      },
    ]);

    await advanceBoth(tab, 30 * SECOND);
    await waitForText(offer('Visitor 1').locator('.offer-countdown'), '1:30 left');
    await tab.screenshot('01-offer-countdown');
  });

  it('Open work items show the customer’s first words and a waiting time that ticks', async () => {
    await waitForText(openItem('Visitor 1').locator('.work-item-preview'), 'My order #1234 has not arrived');
    // Nobody has a queued item yet, so it offers Pick and no case session.
    expect(await openItem('Visitor 1').getByRole('button').allTextContents()).toEqual(['Pick']);
    await waitForText(openItem('Visitor 1').locator('time'), 'under 1 min');
    await advanceBoth(tab, MINUTE);
    await waitForText(openItem('Visitor 1').locator('time'), '1 min');
    await waitForText(offer('Visitor 1').locator('.offer-countdown'), '0:30 left');
  });

  it('an offer left to run out goes, with "Offer for Visitor 1 expired — it went back to the queue"', async () => {
    await advanceBoth(tab, 30 * SECOND);
    await waitForText(
      page.locator('.notices .notice strong'),
      'Offer for Visitor 1 expired — it went back to the queue',
    );
    await offer('Visitor 1').waitFor({ state: 'detached' });
    await waitForText(openItem('Visitor 1').locator('time'), '2 min');
  });

  it('the Sound switch silences the chime for this agent, and stays off after a reload', async () => {
    await waitForText(soundSwitch(), 'Sound on');
    expect(await soundSwitch().getAttribute('aria-pressed')).toBe('true');
    await soundSwitch().click();
    await waitForText(soundSwitch(), 'Sound off');
    expect(await soundSwitch().getAttribute('aria-pressed')).toBe('false');
    expect(await page.evaluate("localStorage.getItem('relaydesk.sound.aad-alex')")).toBe('off');

    const before = await alertRecord(page);
    await tab.customerSays(visitor2, 'Hello, a question about returns');
    await offer('Visitor 2').waitFor();
    const after = await alertRecord(page);
    expect(after.chimes).toBe(before.chimes);
    expect(after.notifications).toHaveLength(before.notifications.length + 1);

    await page.reload();
    await waitForText(soundSwitch(), 'Sound off');
    await offer('Visitor 2').waitFor();
    expect((await alertRecord(page)).chimes).toBe(0);
    // Asked once already (in this browser): a click after the reload does not ask again.
    await page.getByRole('heading', { name: 'Agent dashboard' }).click();
    expect((await alertRecord(page)).permissionAsks).toBe(0);
  });
});
