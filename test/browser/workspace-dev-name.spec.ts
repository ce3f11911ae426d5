import type { Page } from 'playwright-core';
import type { TestCustomer } from '../support/activities';
import { startTabDesk, waitForText, type TabDesk } from './support/tab-desk';

const visitor1: TestCustomer = { userId: 'name-user-1', conversationId: 'name-conv-1' };
const visitor2: TestCustomer = { userId: 'name-user-2', conversationId: 'name-conv-2' };
/** The Playground's agent: signed in by the Playground's user id, known by their key. */
const PLAYGROUND_USER = 'user-id-0';

describe('the dev sign-in takes the name customers read (?name=), else the configured one', () => {
  let tab: TabDesk;
  let page: Page;

  beforeAll(async () => {
    // No AGENT_IDS: anonymous mode's default Playground agent, "Alex Agent".
    tab = await startTabDesk('workspace-dev-name', {});
    page = tab.page;
  });

  afterAll(async () => {
    await tab?.close();
  });

  afterEach(() => {
    expect(tab.pageErrors).toEqual([]);
  });

  const texts = (customer: TestCustomer): string[] =>
    tab.connector
      .posted(customer.conversationId)
      .map((call) => (typeof call.activity['text'] === 'string' ? call.activity['text'] : ''));

  async function pick(customer: TestCustomer, title: string, says: string): Promise<void> {
    await tab.customerSays(customer, says);
    await page.locator('.session-row[data-kind="home"] [role="tab"]').click();
    await page.getByRole('button', { name: `Pick ${title}` }).click();
    await page.locator('#session-title').getByText(title, { exact: true }).waitFor();
  }

  it('without ?name= the customer reads the configured name, "Alex Agent"', async () => {
    await page.goto(tab.tabUrl(PLAYGROUND_USER));
    await page.locator('.live-status[data-status="live"]').waitFor();
    await pick(visitor1, 'Visitor 1', 'Hello, is anyone there?');
    await tab.connector.waitFor('the joined line for Visitor 1', () =>
      texts(visitor1).includes("You're now chatting with Alex Agent."),
    );
  });

  it('with ?name=Alex%20Tester the customer reads "You\'re now chatting with Alex Tester."', async () => {
    await page.goto(`${tab.tabUrl(PLAYGROUND_USER)}&name=Alex%20Tester`);
    await page.locator('.live-status[data-status="live"]').waitFor();
    await page
      .locator('.agent-name')
      .getByText(/^Alex Tester · /)
      .waitFor();
    await pick(visitor2, 'Visitor 2', 'Hi, a question about my invoice');
    await tab.connector.waitFor('the joined line for Visitor 2', () =>
      texts(visitor2).includes("You're now chatting with Alex Tester."),
    );
    expect(texts(visitor2)).not.toContain("You're now chatting with Alex Agent.");
  });

  it('signed in as user-id-0, the agent’s own lines read "You" (the answer’s agentId is the agent’s key)', async () => {
    await page.locator('#reply-text').fill('Happy to help with the invoice');
    await page.keyboard.press('Enter');
    const own = page.locator('.transcript .from-agent').filter({ hasText: 'Happy to help with the invoice' });
    await waitForText(own.locator('.who'), 'You');
    expect(await own.getAttribute('class')).not.toContain('other-agent');
  });
});
