import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentInvoke, agentMessage, customerMessage, postActivity, type TestCustomer } from './activities';
import { actionData, cardOf } from './cards';
import { FakeConnector, type RecordedCall } from './fake-connector';
import { alex } from './fixtures';
import { ASYNC_OUTBOX, FakeClock, startTestDesk, type TestDesk } from './harness';

/**
 * The real server with Teams' published limits against a fake connector that enforces them (429 past any window),
 * on a fake clock that only the test moves: Alex has `sessions` Active sessions, one per customer.
 */

export const BUDGET_START = Date.UTC(2026, 0, 5, 10, 0, 0);
/** Simulated seconds settle() may move the clock before it gives up waiting for the outbox. */
const MAX_SETTLE_SECONDS = 600;

export function budgetCustomer(index: number): TestCustomer {
  return { userId: `budget-visitor-${index}`, conversationId: `budget-conv-${index}` };
}

export interface BudgetDesk {
  readonly desk: TestDesk;
  readonly connector: FakeConnector;
  readonly clock: FakeClock;
  /** Posts a customer's message; the server must take it (200). */
  readonly say: (customer: TestCustomer, text: string) => Promise<void>;
  /** Moves the clock a second at a time, draining the outbox each time, until it is empty; returns the seconds. */
  readonly settle: () => Promise<number>;
  /** Every call to Alex's chat so far. */
  readonly toAlex: () => RecordedCall[];
  /** The offer card in a call, if it is one. */
  readonly offerIn: (call: RecordedCall) => Record<string, unknown> | undefined;
  readonly close: () => Promise<void>;
}

function offerIn(call: RecordedCall): Record<string, unknown> | undefined {
  try {
    return actionData(cardOf(call), 'accept');
  } catch {
    return undefined;
  }
}

/** `enforce: false`: a connector without Teams' limits, for the same load on an unlimited desk (the bench's baseline). */
export async function startBudgetDesk(
  sessions: number,
  env: Record<string, string> = {},
  { enforce = true }: { enforce?: boolean } = {},
): Promise<BudgetDesk> {
  const dir = mkdtempSync(join(tmpdir(), 'relaydesk-budget-'));
  const clock = new FakeClock(BUDGET_START);
  const connector = await FakeConnector.start(enforce ? { teamsLimits: { now: () => clock.now() } } : {});
  const desk = await startTestDesk(
    {
      AGENT_IDS: alex.aadObjectId,
      RATE_LIMIT_PER_MINUTE: '0',
      CONTACTS_FILE: 'off',
      STORE: 'sqlite',
      SQLITE_PATH: join(dir, 'relaydesk.db'),
      // Teams' published limits, as a deployment has them.
      TEAMS_CONVERSATION_LIMITS: '7/1s,8/2s,60/30s,1800/1h',
      TEAMS_TENANT_LIMIT: '50/1s',
      // The agent under load reads in chat and never writes: not to be taken for away over the simulated hour.
      AGENT_AWAY_S: '86400',
      ...env,
    },
    // The tab's live events go out at once (no coalescing wait), so a test can read them message by message.
    { clock, outbox: ASYNC_OUTBOX, eventCoalesceMs: 1 },
  );
  const post = async (activity: Record<string, unknown>) => {
    const result = await postActivity(desk.app.url, activity);
    if (result.status !== 200) throw new Error(`the server answered ${result.status}`);
  };
  // Alex's calls, kept as they come: the hour's spec reads them every simulated second (thousands of calls).
  const alexCalls: RecordedCall[] = [];
  let scanned = 0;
  const toAlex = () => {
    for (; scanned < connector.calls.length; scanned += 1) {
      const call = connector.calls[scanned]!;
      if (call.conversationId === alex.conversationId) alexCalls.push(call);
    }
    return alexCalls;
  };
  const settle = async () => {
    for (let seconds = 0; seconds <= MAX_SETTLE_SECONDS; seconds += 1) {
      await desk.app.drainOutbox();
      if ((await desk.app.outboxPending()) === 0) return seconds;
      clock.advance(1000);
    }
    const warnings = desk.lines.filter((line) => line.level >= 40).slice(-5);
    throw new Error(
      `The outbox still held ${await desk.app.outboxPending()} messages after ${MAX_SETTLE_SECONDS} simulated seconds; ` +
        `the last warnings: ${JSON.stringify(warnings)}`,
    );
  };
  await post(agentMessage(connector.serviceUrl, alex, 'hi'));
  for (let index = 1; index <= sessions; index += 1) {
    await post(customerMessage(connector.serviceUrl, budgetCustomer(index), `Hello from customer ${index}`));
    await settle();
    const offer = toAlex()
      .filter((call) => offerIn(call) !== undefined)
      .at(-1);
    const data = offer && offerIn(offer);
    if (!offer || !data) throw new Error(`No offer reached Alex for customer ${index}.`);
    await post(agentInvoke(connector.serviceUrl, alex, 'accept', data, offer.activityId));
    await settle();
  }
  return {
    desk,
    connector,
    clock,
    say: (customer, text) => post(customerMessage(connector.serviceUrl, customer, text)),
    settle,
    toAlex,
    offerIn,
    close: async () => {
      await desk.app.close();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
