import type { Locator, Page, Request } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { alex, bea } from '../support/fixtures';
import { api, devSignIn } from '../web/agent-api-support';
import { openSecondTab, useLiveTab, waitForText, type TabDesk } from './support/tab-desk';

const visitor = (n: number): TestCustomer => ({
  userId: `floor-user-${n}`,
  conversationId: `floor-conv-${n}`,
});
const CLOSED_BY_TEAM = 'This conversation was closed by our team.';

/** Alex is an agent and a supervisor, Bea an agent only, Sam a supervisor who takes no work. */
const FLOOR_DESK = {
  AGENT_IDS: `${alex.aadObjectId},${bea.aadObjectId}`,
  SUPERVISOR_IDS: `${alex.aadObjectId},aad-sam`,
  AGENT_NAMES: `${alex.aadObjectId}=Alex Agent;${bea.aadObjectId}=Bea Agent;aad-sam=Sam Supervisor`,
};

/** Polls a condition of the test's own (what the page logged); bounded like the UI waits. */
async function until(description: string, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the Floor: a supervisor watches every conversation and agent live, and can force close', () => {
  let tab: TabDesk;
  let page: Page;
  let beaPage: Page;
  useLiveTab(
    'workspace-floor',
    (started) => {
      tab = started;
      page = started.page;
    },
    { env: FLOOR_DESK },
  );

  beforeAll(async () => {
    beaPage = await openSecondTab(tab, bea.aadObjectId);
    await tab.customerSays(visitor(1), 'My parcel never arrived');
    await tab.customerSays(visitor(2), 'I want to change my address');
    await tab.customerSays(visitor(3), 'This is useless, I am very angry and disappointed');
    await beaPage.getByRole('button', { name: 'Pick Visitor 1' }).click();
    await beaPage.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
  });

  const floor = (): Locator => page.locator('#floor-view');
  const rows = (): Locator => floor().locator('tbody tr[data-work-item-id]');
  const row = (title: string): Locator =>
    rows().filter({ has: page.getByRole('rowheader', { name: title, exact: true }) });
  const cell = (title: string, name: string): Locator => row(title).locator(`.floor-${name}`);
  const count = (state: string): Locator =>
    floor().locator(`.floor-count[data-state="${state}"] .floor-count-value`);
  const titles = async (): Promise<string[]> =>
    (await rows().locator('th').allTextContents()).map((t) => t.trim());
  const said = (customer: TestCustomer) =>
    tab.connector.posted(customer.conversationId).map((call) => String(call.activity['text']));
  /** The browser's console line for a refused request the tab expects and handles (it is not a page error). */
  const forgetRefused = async (status: number) => {
    const line = (message: string) => message.includes(`status of ${status}`);
    await until(`the browser's ${status} line`, () => tab.pageErrors.some(line));
    tab.pageErrors.splice(0, tab.pageErrors.length, ...tab.pageErrors.filter((message) => !line(message)));
  };

  it('shows a supervisor the Floor entry, and opens it with the counts, the queue in order and who has what', async () => {
    const entry = page.getByRole('button', { name: 'Floor', exact: true });
    expect(await entry.getAttribute('aria-pressed')).toBe('false');
    await entry.click();
    await page.getByRole('heading', { name: 'Floor', exact: true }).and(page.locator(':focus')).waitFor();
    expect(await entry.getAttribute('aria-pressed')).toBe('true');
    await waitForText(count('open'), '2');
    await waitForText(count('active'), '1');
    await waitForText(count('waiting'), '0');
    await waitForText(count('wrap-up'), '0');
    expect(await titles()).toEqual(['Visitor 2', 'Visitor 3', 'Visitor 1']);
    await waitForText(cell('Visitor 2', 'position'), '1');
    await waitForText(cell('Visitor 3', 'position'), '2');
    await waitForText(cell('Visitor 1', 'agent'), 'Bea Agent');
    await waitForText(row('Visitor 1').locator('td').nth(1), 'Active');
    expect(await row('Visitor 2').locator('td').nth(4).textContent()).toMatch(
      /^waiting (under 1 min|\d+ min)$/,
    );
    await row('Visitor 3').locator('.sentiment-negative').waitFor();
    expect(await row('Visitor 2').locator('.sentiment-negative').count()).toBe(0);

    const agents = floor().locator('tbody tr[data-agent-id]');
    expect((await agents.locator('th').allTextContents()).map((t) => t.trim())).toEqual([
      'Alex AgentSupervisor',
      'Bea Agent',
      'Sam SupervisorSupervisorNo work',
    ]);
    const bea = agents.filter({ hasText: 'Bea Agent' });
    await waitForText(bea.locator('td').nth(1), '1 of 10');
    await waitForText(bea.locator('td').nth(0), 'Busy');
    // Home stays where it was, under the Floor, and comes back with the panel.
    expect(await page.locator('#workspace-view').isHidden()).toBe(true);
    await tab.screenshot('01-floor');
  });

  it('narrows the conversations by state and by agent', async () => {
    const state = floor().getByLabel('State', { exact: true });
    const agent = floor().getByLabel('Agent', { exact: true });
    await agent.selectOption({ label: 'Bea Agent' });
    await row('Visitor 2').waitFor({ state: 'detached' });
    expect(await titles()).toEqual(['Visitor 1']);
    await agent.selectOption({ label: 'All agents' });
    await state.selectOption({ label: 'Wrap-up' });
    await floor().getByText('No conversations match these filters.').waitFor();
    await state.selectOption({ label: 'Open' });
    await row('Visitor 2').waitFor();
    expect(await titles()).toEqual(['Visitor 2', 'Visitor 3']);
  });

  it('shows a new customer as they write, without a click, keeping the filter; a burst is read once a second', async () => {
    const requests: Request[] = [];
    page.on('requestfinished', (request) => {
      if (request.url().includes('/api/supervisor/floor')) requests.push(request);
    });
    // When the browser started each read (its own clock, epoch ms): the events reach the test later, and on a
    // loaded machine two of them can arrive closer together than the reads were made.
    const readsAt = () => requests.map((request) => request.timing().startTime);
    await tab.customerSays(visitor(4), 'Hello? Is anyone there?');
    await waitForText(cell('Visitor 4', 'position'), '3');
    await waitForText(count('open'), '3');
    expect(await floor().getByLabel('State', { exact: true }).inputValue()).toBe('open');
    expect(await titles()).toEqual(['Visitor 2', 'Visitor 3', 'Visitor 4']);

    const burstStart = Date.now();
    for (const n of [5, 6, 7]) await tab.customerSays(visitor(n), `Hello from visitor ${n}`);
    const burstEnd = Date.now();
    await waitForText(cell('Visitor 7', 'position'), '6');
    await until('a read after the burst', () => readsAt().some((at) => at > burstEnd));
    const during = readsAt()
      .filter((at) => at >= burstStart)
      .sort((a, b) => a - b);
    // Start to start, as the browser reported them (a little jitter allowed).
    for (let i = 1; i < during.length; i += 1) expect(during[i]! - during[i - 1]!).toBeGreaterThan(800);
    expect(during.length).toBeLessThanOrEqual(Math.ceil((Date.now() - burstStart) / 1000) + 1);
  });

  it('force closes a conversation once asked: the row leaves, a notice says so, and the customer is told', async () => {
    await floor().getByLabel('State', { exact: true }).selectOption({ label: 'All states' });
    await row('Visitor 1').waitFor();
    const forceClose = () =>
      row('Visitor 2').getByRole('button', { name: 'Force close Visitor 2', exact: true });
    const dialog = page.getByRole('dialog');
    await forceClose().click();
    await waitForText(dialog.getByRole('heading'), 'Force close Visitor 2?');
    expect(await dialog.locator('#confirm-dialog-text').textContent()).toContain(`"${CLOSED_BY_TEAM}"`);
    await dialog.getByRole('button', { name: 'Cancel' }).and(page.locator(':focus')).waitFor();
    await tab.screenshot('02-force-close-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(said(visitor(2))).not.toContain(CLOSED_BY_TEAM);

    await forceClose().click();
    await dialog.getByRole('button', { name: 'Force close', exact: true }).click();
    await row('Visitor 2').waitFor({ state: 'detached' });
    await page.locator('.notice').filter({ hasText: 'Visitor 2 closed' }).waitFor();
    await tab.connector.waitFor('the customer told', () => said(visitor(2)).includes(CLOSED_BY_TEAM));
    await waitForText(cell('Visitor 3', 'position'), '1');
    await waitForText(count('open'), '5');
  });

  it('says "That conversation is closed already." when it was closed meanwhile, and the row leaves', async () => {
    const workItemId = await row('Visitor 3').getAttribute('data-work-item-id');
    await row('Visitor 3').getByRole('button', { name: 'Force close Visitor 3', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog.getByRole('heading'), 'Force close Visitor 3?');
    // Closed from elsewhere (Alex's other window) while the question is open.
    const token = await devSignIn(tab.desk.app.baseUrl, alex.aadObjectId);
    const answer = await api(tab.desk.app.baseUrl, 'POST', '/api/supervisor/actions', {
      token,
      body: { verb: 'forceClose', workItemId },
    });
    expect(answer.status).toBe(200);
    await dialog.getByRole('button', { name: 'Force close', exact: true }).click();
    await page.locator('.notice').filter({ hasText: 'That conversation is closed already.' }).waitFor();
    await row('Visitor 3').waitFor({ state: 'detached' });
    await forgetRefused(409);
  });

  it('says when the floor cannot be read, above what it last showed, until a read works again', async () => {
    const problem = floor().locator('.floor-problem');
    await page.route('**/api/supervisor/floor*', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({
          code: 'Forbidden',
          message: 'Only supervisors can see the floor and act on it.',
        }),
      }),
    );
    await tab.customerSays(visitor(8), 'Are you still there?');
    await waitForText(problem, 'Only supervisors can see the floor.');
    await row('Visitor 4').waitFor();
    await forgetRefused(403);
    await page.unroute('**/api/supervisor/floor*');
    await page.route('**/api/supervisor/floor*', (route) => route.abort('connectionrefused'));
    await tab.customerSays(visitor(9), 'Hello?');
    await waitForText(problem, "Can't reach Relaydesk; the floor updates when the connection is back.");
    await tab.screenshot('03-floor-problem');
    await page.unroute('**/api/supervisor/floor*');
    await tab.customerSays(visitor(10), 'Hello again');
    await row('Visitor 10').waitFor();
    await problem.waitFor({ state: 'hidden' });
    await until('the failed read logged', () => tab.pageErrors.some((message) => message.includes('ERR_')));
    tab.pageErrors.splice(
      0,
      tab.pageErrors.length,
      ...tab.pageErrors.filter((message) => !message.includes('ERR_')),
    );
  });

  it('fits a narrow window, and the Floor entry (by keyboard) gives Home back', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    const entry = page.getByRole('button', { name: 'Floor', exact: true });
    const box = (await entry.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(800);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(800);
    await floor().locator('table').first().scrollIntoViewIfNeeded();
    await tab.screenshot('04-floor-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await entry.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Agent dashboard' }).waitFor();
    expect(await floor().isHidden()).toBe(true);
    expect(await entry.getAttribute('aria-pressed')).toBe('false');
  });

  it('shows no Floor entry in a tab of an agent who is not a supervisor', async () => {
    await beaPage.locator('#session-title').getByText('Visitor 1', { exact: true }).waitFor();
    expect(await beaPage.getByRole('button', { name: 'Floor' }).count()).toBe(0);
    expect(await beaPage.locator('.floor-toggle').isHidden()).toBe(true);
    expect(await beaPage.locator('#floor-view').isHidden()).toBe(true);
  });
});
