import type { CustomerMessageView, PanelView } from '../../src/app/views';
import { cardOf, textBlocks } from '../support/cards';
import { FakeClock } from '../support/harness';
import { recordReliabilityRow } from '../support/reliability-rows';
import { startTeamsOutbox, type TeamsOutbox } from '../support/teams-outbox';

/**
 * Sixty agents of one tenant, each with 10 sessions whose customers write 3 messages a minute (one relayed
 * message and one panel refresh every 2 s per agent), through the notifier, the outbox and Teams' budget into a
 * connector that enforces Teams' limits. Each conversation would allow 7 calls a second at first, 420 for all of
 * them: the tenant's 50 a second is what holds them back, in every instance's shared budget table. A minute and a
 * half covers the start, when every chat's burst allowance is there to spend and the tenant is what limits them.
 */

const AGENTS = 60;
const SECONDS = 90;
const TENANT = 'contoso-tenant';
const START = Date.UTC(2026, 0, 5, 10, 0, 0);

function relayed(agent: number, second: number): CustomerMessageView {
  const session = (second / 2) % 10;
  return {
    kind: 'customer-message',
    sessionId: `a${agent}-s${session}`,
    title: `Visitor ${session + 1}`,
    icon: `V${session + 1}`,
    text: `Agent ${agent} message ${second / 2}`,
    truncated: false,
    sentiment: 'Neutral',
    alert: false,
    sentAt: START + second * 1000,
    draft: '',
  };
}

const panel = (agent: number, unread: number): PanelView => ({
  kind: 'panel',
  agentName: `Agent ${agent}`,
  presence: 'available',
  presenceLabel: 'Available',
  mode: 'collapsed',
  rows: [],
  focusedTitle: `Home (${unread} unread)`,
});

describe('sixty agents of one tenant at the issue’s load', () => {
  let teams: TeamsOutbox | undefined;

  afterAll(async () => {
    await teams?.close();
  });

  it('stays inside the tenant’s 50 calls a second: no 429, every message shown once, in order', async () => {
    const clock = new FakeClock(START);
    teams = await startTeamsOutbox(clock, { outbox: { autoDrain: false, concurrency: 64 } });
    const { connector, outbox, notifier, lines } = teams;
    for (let agent = 0; agent < AGENTS; agent += 1) await teams.addAgent(`agent-${agent}`, TENANT);

    const sent = new Map<number, string[]>();
    for (let second = 0; second < SECONDS; second += 1) {
      for (let agent = 0; agent < AGENTS; agent += 1) {
        if ((second + agent) % 2 !== 0) continue;
        const step = second - (agent % 2);
        const view = relayed(agent, step);
        sent.set(agent, [...(sent.get(agent) ?? []), view.text]);
        await notifier.toAgent(`agent-${agent}`, view);
        await notifier.toAgent(`agent-${agent}`, panel(agent, step), {
          target: { kind: 'panel' },
          version: step,
        });
      }
      // The outbox sends through the second, as it would on a real clock: the tenant is reserved per quarter second.
      for (let quarter = 0; quarter < 4; quarter += 1) {
        await outbox.drain();
        clock.advance(250);
      }
    }
    for (let quarter = 0; quarter < 2_400 && (await outbox.pending()) > 0; quarter += 1) {
      await outbox.drain();
      clock.advance(250);
    }

    expect(await outbox.pending()).toBe(0);
    expect(connector.throttled).toEqual([]);
    const tenant = connector.tenantLimits(TENANT);
    expect(tenant.throttled).toBe(0);
    for (const window of connector.busiestWindows().tenant)
      expect(window.busiest).toBeLessThanOrEqual(window.limit);
    // The tenant was the limit at first: far more was wanted than 50 a second.
    expect(connector.busiestWindows().tenant[0]!.busiest).toBeGreaterThanOrEqual(35);
    // In order per session (a digest lists its sessions one after another); message n is session n mod 10's.
    const bySession = (texts: readonly string[]) =>
      Array.from({ length: 10 }, (_, session) =>
        texts.filter((text) => Number(text.split(' ').at(-1)) % 10 === session),
      );
    let delivered = 0;
    let duplicated = 0;
    for (let agent = 0; agent < AGENTS; agent += 1) {
      const shown = connector
        .posted(`a:chat-agent-${agent}`)
        .flatMap((call) => textBlocks(cardOf(call) ?? {}))
        .filter((text) => text.startsWith(`Agent ${agent} message `));
      expect(bySession(shown)).toEqual(bySession(sent.get(agent) ?? []));
      delivered += new Set(shown).size;
      duplicated += shown.length - new Set(shown).size;
    }
    const total = [...sent.values()].reduce((sum, texts) => sum + texts.length, 0);
    recordReliabilityRow({
      scenario: '8b. Teams limits: 60 agents of one tenant',
      load: `${total} relayed messages and as many panel refreshes in ${SECONDS} simulated s (60 agents × 10 sessions × 3/min)`,
      faults: "Teams' limits enforced: 429 past any chat's windows or the tenant's 50/s",
      sent: total,
      delivered,
      lost: total - delivered,
      duplicated,
      note: `429s received ${connector.throttled.length}; ${connector.tenantLimits(TENANT).accepted} calls; busiest tenant second ${connector.busiestWindows().tenant[0]!.busiest} of 50`,
    });
    expect(duplicated).toBe(0);
    expect(lines.filter((line) => line.level >= 40).map((line) => line.msg)).toEqual([]);
  }, 240_000);
});
