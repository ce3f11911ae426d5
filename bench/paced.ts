/**
 * The paced scenario of `npm run bench`: the issue's load on the real server with Teams' published limits enforced
 * by the fake connector, on a fake clock (a simulated hour takes about half a minute): one agent, 10 Active
 * sessions, each customer writing 3 messages a minute. The same hour runs twice, with the limits and with them
 * lifted, so the report shows what pacing costs: calls per relayed message and the delay from the customer's POST
 * to the card in the agent's chat. It also draws the paced run's delays over the hour as an SVG.
 */
import { cardOf, textBlocks } from '../test/support/cards';
import { budgetCustomer, startBudgetDesk } from '../test/support/budget-desk';
import { percentile } from './load';

const SESSIONS = 10;
const HOUR_S = 3_600;
const EVERY_S = 20;
const MESSAGE = /^Customer (\d+) message (\d+)$/;

export interface PacedRun {
  readonly name: string;
  readonly messages: number;
  readonly shown: number;
  readonly duplicated: number;
  readonly calls: number;
  readonly throttled: number;
  /** [simulated second the message was posted, delay to the chat in ms]. */
  readonly delays: readonly (readonly [number, number])[];
}

/** With `limits` unset, the desk's budget and the connector's limits are both lifted. */
export async function pacedRun(name: string, limits?: Record<string, string>): Promise<PacedRun> {
  const env = limits ?? { TEAMS_CONVERSATION_LIMITS: '999999/100ms', TEAMS_TENANT_LIMIT: '999999/100ms' };
  const budget = await startBudgetDesk(
    SESSIONS,
    { AGENT_CAPACITY: String(SESSIONS), ...env },
    {
      enforce: limits !== undefined,
    },
  );
  try {
    const posted = new Map<string, number>();
    const shown = new Map<string, number>();
    let duplicated = 0;
    const before = budget.toAlex().length;
    let seen = before;
    const note = () => {
      const calls = budget.toAlex();
      for (const call of calls.slice(seen)) {
        for (const text of textBlocks(cardOf(call) ?? {})) {
          if (!MESSAGE.test(text)) continue;
          if (shown.has(text)) duplicated += 1;
          else shown.set(text, budget.clock.now());
        }
      }
      seen = calls.length;
    };
    for (let second = 0; second < HOUR_S; second += 1) {
      if (second % 2 === 0) {
        const customer = ((second / 2) % SESSIONS) + 1;
        const text = `Customer ${customer} message ${Math.floor(second / EVERY_S) + 1}`;
        posted.set(text, budget.clock.now());
        await budget.say(budgetCustomer(customer), text);
      }
      await budget.desk.app.drainOutbox();
      note();
      budget.clock.advance(1_000);
    }
    await budget.settle();
    note();
    const start = [...posted.values()][0] ?? 0;
    return {
      name,
      messages: posted.size,
      shown: shown.size,
      duplicated,
      calls: budget.toAlex().length - before,
      throttled: limits === undefined ? 0 : budget.connector.throttled.length,
      delays: [...posted].map(
        ([text, at]) => [(at - start) / 1000, (shown.get(text) ?? Infinity) - at] as const,
      ),
    };
  } finally {
    await budget.close();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function pacedTable(runs: readonly PacedRun[]): string {
  const lines = [
    '| connector | messages | shown | lost | duplicated | 429s | calls to the chat | calls per message | delay p50 | p95 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const run of runs) {
    const delays = run.delays.map(([, delay]) => delay);
    lines.push(
      `| ${run.name} | ${run.messages} | ${run.shown} | ${run.messages - run.shown} | ${run.duplicated} | ${run.throttled} | ${run.calls} | ${(run.calls / run.messages).toFixed(2)} | ${seconds(percentile(delays, 50))} | ${seconds(percentile(delays, 95))} | ${seconds(percentile(delays, 99))} | ${seconds(Math.max(...delays))} |`,
    );
  }
  return lines.join('\n');
}

/** Each message's delay to the agent's chat over the simulated hour, and the 95th percentile per minute. */
export function delaySvg(run: PacedRun): string {
  const width = 720;
  const height = 240;
  const left = 48;
  const bottom = 28;
  const maxDelay = Math.max(10_000, ...run.delays.map(([, delay]) => delay));
  const x = (second: number) => left + (second / HOUR_S) * (width - left - 30);
  const y = (delay: number) => height - bottom - (delay / maxDelay) * (height - bottom - 20);
  const dots = run.delays
    .map(([second, delay]) => `<circle cx="${x(second).toFixed(1)}" cy="${y(delay).toFixed(1)}" r="1.3"/>`)
    .join('');
  const minutes = Array.from({ length: 60 }, (_, minute) => {
    const inMinute = run.delays.filter(([second]) => Math.floor(second / 60) === minute).map(([, d]) => d);
    return `${x(minute * 60 + 30).toFixed(1)},${y(percentile(inMinute, 95)).toFixed(1)}`;
  });
  const ticks = [0, 15, 30, 45, 60]
    .map(
      (minute) => `<text x="${x(minute * 60)}" y="${height - 8}" text-anchor="middle">${minute} min</text>`,
    )
    .join('');
  const yTicks = [0, maxDelay / 2, maxDelay]
    .map((delay) => `<text x="${left - 6}" y="${y(delay) + 4}" text-anchor="end">${seconds(delay)}</text>`)
    .join('');
  const limit = `<line x1="${left}" x2="${width - 10}" y1="${y(10_000)}" y2="${y(10_000)}" stroke="#c33" stroke-dasharray="4 3"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<title>Delay from the customer's POST to the agent's chat card over a simulated hour, Teams' limits enforced</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<line x1="${left}" x2="${left}" y1="10" y2="${height - bottom}" stroke="#888"/>`,
    `<line x1="${left}" x2="${width - 10}" y1="${height - bottom}" y2="${height - bottom}" stroke="#888"/>`,
    limit,
    `<g fill="#2e5aac" fill-opacity="0.45">${dots}</g>`,
    `<polyline fill="none" stroke="#e08a00" stroke-width="2" points="${minutes.join(' ')}"/>`,
    ticks,
    yTicks,
    `<text x="${width - 30}" y="${y(10_000) + 14}" text-anchor="end" fill="#c33">10 s target (p95)</text>`,
    `<text x="${left + 6}" y="${y(10_000) + 14}" fill="#e08a00">p95 per minute</text>`,
    '</svg>',
  ].join('\n');
}
