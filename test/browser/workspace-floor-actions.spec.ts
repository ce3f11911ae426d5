import type { Locator, Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { alex, bea } from '../support/fixtures';
import { api, devSignIn } from '../web/agent-api-support';
import { openSecondTab, useLiveTab, waitForText, type TabDesk } from './support/tab-desk';

const visitor = (n: number): TestCustomer => ({
  userId: `floor-act-user-${n}`,
  conversationId: `floor-act-conv-${n}`,
});
const ALEX_JOINED = 'Alex Agent (supervisor) joined the conversation.';

/** Alex is an agent and a supervisor (this tab), Bea an agent only; each takes one conversation at a time. */
const FLOOR_DESK = {
  AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
  SUPERVISOR_IDS: alex.aadObjectId,
  AGENT_NAMES: `${alex.aadObjectId}=Alex Agent;${bea.aadObjectId}=Bea Agent`,
  AGENT_CAPACITY: '1',
  // An agent found Offline has their conversations taken back at once (the last test).
  OFFLINE_GRACE_S: '0',
};

describe('the Floor’s actions: Monitor and Join open the conversation in the workspace, Assign asks over capacity', () => {
  let tab: TabDesk;
  let page: Page;
  let beaPage: Page;
  useLiveTab(
    'workspace-floor-actions',
    (started) => {
      tab = started;
      page = started.page;
    },
    { env: FLOOR_DESK },
  );

  beforeAll(async () => {
    beaPage = await openSecondTab(tab, bea.aadObjectId);
    await tab.customerSays(visitor(1), 'My parcel never arrived');
    await beaPage.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await beaPage.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
  });

  const floor = (): Locator => page.locator('#floor-view');
  const row = (title: string): Locator =>
    floor()
      .locator('tbody tr[data-work-item-id]')
      .filter({ has: page.getByRole('rowheader', { name: title, exact: true }) });
  const openFloor = async () => {
    await page.getByRole('button', { name: 'Floor', exact: true }).click();
    await floor().getByRole('heading', { name: 'Floor', exact: true }).waitFor();
  };
  const said = (customer: TestCustomer) =>
    tab.connector.posted(customer.conversationId).map((call) => String(call.activity['text']));

  it('Monitor opens a colleague’s conversation read-only in the workspace, live, and tells nobody', async () => {
    await openFloor();
    await row('Visitor 1').getByRole('button', { name: 'Join Visitor 1', exact: true }).waitFor();
    await tab.screenshot('01-floor-row-actions');
    await row('Visitor 1').getByRole('button', { name: 'Monitor Visitor 1', exact: true }).click();
    await page.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
    expect(await floor().isHidden()).toBe(true);
    await waitForText(page.locator('#session-state'), 'Monitor — read-only');
    await page
      .locator('.read-only-note')
      .getByText(/You are monitoring this conversation/)
      .waitFor();
    expect(await page.locator('#reply-text').count()).toBe(0);
    await page.locator('.session-status', { hasText: 'Monitor' }).first().waitFor();

    await tab.customerSays(visitor(1), 'Any news about it?');
    await page.getByRole('log').getByText('Any news about it?').waitFor();
    await tab.screenshot('02-monitoring-session');
    expect(said(visitor(1))).not.toContain(ALEX_JOINED);
    expect(await beaPage.getByText('Alex Agent').count()).toBe(0);
  });

  it('the monitoring session counts what is written while Home is open, and opening it clears the badge', async () => {
    const monitored = page
      .locator('.session-row')
      .filter({ has: page.locator('.session-title').getByText('Visitor 1', { exact: true }) })
      .getByRole('tab');
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await tab.customerSays(visitor(1), 'It was due on Monday.');
    await beaPage.locator('#reply-text').fill('Let me check with the courier.');
    await beaPage.keyboard.press('Enter');
    await waitForText(monitored.locator('.session-badge'), '2');
    await monitored.click();
    await page.getByRole('log').getByText('Let me check with the courier.').waitFor();
    await monitored.locator('.session-badge').waitFor({ state: 'detached' });
  });

  it('Join from the Floor gives the session a reply box; the customer and the agent are told', async () => {
    await openFloor();
    const visitorRow = row('Visitor 1');
    await visitorRow.getByRole('button', { name: 'Stop monitoring Visitor 1', exact: true }).waitFor();
    expect(await visitorRow.getByRole('button', { name: 'Monitor Visitor 1', exact: true }).count()).toBe(0);
    await visitorRow.getByRole('button', { name: 'Join Visitor 1', exact: true }).click();
    await page.locator('#reply-text').waitFor();
    await waitForText(page.locator('#session-state'), 'Joined as supervisor');
    await tab.connector.waitFor('the customer told', () => said(visitor(1)).includes(ALEX_JOINED));
    await page.locator('#reply-text').fill('I am looking into it with Bea.');
    await page.keyboard.press('Enter');
    await tab.connector.waitFor('the reply relayed', () =>
      said(visitor(1)).includes('I am looking into it with Bea.'),
    );
    await beaPage.getByText('I am looking into it with Bea.').waitFor();
    await tab.screenshot('03-joined-session');
    // Bea, the conversation's agent, reads who joined in her tab for as long as Alex is in it (chat told her once).
    await waitForText(
      beaPage.locator('.supervisors-joined'),
      'Alex Agent (supervisor) joined the conversation: their replies reach the customer too.',
    );
    expect(await page.locator('.supervisors-joined:visible').count()).toBe(0);
  });

  it('a joined conversation’s row offers Leave, not Stop monitoring; Leave ends the joined session', async () => {
    await openFloor();
    const visitorRow = row('Visitor 1');
    await visitorRow.getByRole('button', { name: 'Leave Visitor 1', exact: true }).waitFor();
    expect(
      await visitorRow.getByRole('button', { name: 'Stop monitoring Visitor 1', exact: true }).count(),
    ).toBe(0);
    expect(await visitorRow.getByRole('button', { name: 'Join Visitor 1', exact: true }).count()).toBe(0);
    await tab.screenshot('03b-joined-row-leave');
    await visitorRow.getByRole('button', { name: 'Leave Visitor 1', exact: true }).click();
    await page.locator('.notice').filter({ hasText: 'You left Visitor 1' }).waitFor();
    await visitorRow.getByRole('button', { name: 'Monitor Visitor 1', exact: true }).waitFor();
    expect(await visitorRow.getByRole('button', { name: 'Leave Visitor 1', exact: true }).count()).toBe(0);
    await beaPage.locator('.supervisors-joined').waitFor({ state: 'hidden' });
    expect(tab.desk.lines.find((line) => line.msg === 'supervisor stopped monitoring')).toMatchObject({
      supervisorId: alex.aadObjectId,
      role: 'joined',
    });
    // The Floor closed again, as the other actions leave it.
    await page.getByRole('button', { name: 'Floor', exact: true }).click();
    await floor().waitFor({ state: 'hidden' });
  });

  it('Assign… lists the agents with their load, asks when it goes over capacity, and offers it to the one chosen', async () => {
    await tab.customerSays(visitor(2), 'Where is my refund?');
    await page.getByRole('button', { name: 'Accept Visitor 2' }).waitFor();
    await openFloor();
    await row('Visitor 2').getByRole('button', { name: 'Assign Visitor 2', exact: true }).click();
    const picker = page.getByRole('dialog', { name: 'Assign Visitor 2' });
    await picker.waitFor();
    const beaChoice = picker.locator('li[data-agent-id]').filter({ hasText: 'Bea Agent' });
    await waitForText(beaChoice.locator('.transfer-load'), 'Do not disturb · 1 of 1 conversations');
    // The agents in AGENT_IDS order, the first one's button focused.
    await picker.getByRole('button', { name: 'Assign to Alex Agent' }).and(page.locator(':focus')).waitFor();
    await tab.screenshot('04-assign-picker');
    await picker.getByRole('button', { name: 'Assign to Bea Agent' }).click();

    const confirm = page.getByRole('dialog', { name: 'Assign to Bea Agent over capacity?' });
    await waitForText(
      confirm.locator('#confirm-dialog-text'),
      'Bea Agent has 1 of 1 conversations; assigning makes 2. They can still decline it.',
    );
    await confirm.getByRole('button', { name: 'Cancel' }).and(page.locator(':focus')).waitFor();
    await tab.screenshot('05-assign-over-capacity');
    await confirm.getByRole('button', { name: 'Assign anyway' }).click();
    await page.locator('.notice').filter({ hasText: 'Visitor 2 offered to Bea Agent' }).waitFor();
    // Alex's own offer of it is withdrawn; Bea gets it, and her Accept takes it though she is full.
    await page.getByRole('button', { name: 'Accept Visitor 2' }).waitFor({ state: 'detached' });
    await beaPage.getByRole('button', { name: 'Accept Visitor 2' }).click();
    await waitForText(row('Visitor 2').locator('.floor-agent'), 'Bea Agent');
    await tab.connector.waitFor('the customer joined', () =>
      said(visitor(2)).includes("You're now chatting with Bea Agent."),
    );
    await tab.screenshot('06-assigned');
    const errors = tab.pageErrors.filter((message) => message.includes('status of 409'));
    tab.pageErrors.splice(0, tab.pageErrors.length, ...tab.pageErrors.filter((m) => !errors.includes(m)));
  });

  it('Transfer… sends a conversation back to the head of the queue, leaving out the agent who has it', async () => {
    await row('Visitor 2').getByRole('button', { name: 'Transfer Visitor 2', exact: true }).click();
    const picker = page.getByRole('dialog', { name: 'Transfer Visitor 2' });
    await picker.waitFor();
    // Bea has it: the list leaves her out.
    expect(await picker.locator('li[data-agent-id]').filter({ hasText: 'Bea Agent' }).count()).toBe(0);
    await tab.screenshot('07-transfer-picker');
    await picker.getByRole('button', { name: 'Back to the queue' }).click();
    await page.locator('.notice').filter({ hasText: 'Visitor 2 back at the head of the queue' }).waitFor();
    await waitForText(row('Visitor 2').locator('td').nth(1), 'Open');
    expect(
      tab.desk.lines.find((line) => line.msg === 'conversation transferred by a supervisor'),
    ).toMatchObject({ supervisorId: alex.aadObjectId, agentId: bea.aadObjectId, toQueue: true });
  });

  it('marks an Open row that came back from an away agent with who had it and when; other Open rows have no mark', async () => {
    const beaToken = await devSignIn(tab.desk.app.baseUrl, bea.aadObjectId);
    const offline = await api(tab.desk.app.baseUrl, 'POST', '/api/agent/actions', {
      token: beaToken,
      body: { verb: 'presence', sessionId: 'home', presence: 'offline' },
    });
    expect(offline.status).toBe(200);
    // The away check's interval; OFFLINE_GRACE_S is 0, so the sweep that finds Bea away takes her work back.
    tab.desk.clock.advance(15_000);
    const returnedAt = tab.desk.clock.now();
    await tab.desk.app.sweep();
    const mark = row('Visitor 1').locator('.floor-returned');
    await mark.waitFor();
    expect(await row('Visitor 1').locator('td').nth(1).textContent()).toMatch(/^Open/);
    expect(await mark.textContent()).toMatch(/^Returned from Bea Agent /);
    expect(await mark.locator('time').getAttribute('datetime')).toBe(new Date(returnedAt).toISOString());
    // Visitor 2 is Open too, sent back by a supervisor's Transfer: that is no away agent's.
    expect(await row('Visitor 2').locator('.floor-returned').count()).toBe(0);
    await tab.screenshot('08-returned-from-away');
  });
});
