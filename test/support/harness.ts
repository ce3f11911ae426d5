import { FakeClock } from './fake-clock';

export { FakeClock };
import { startRelaydesk, type RunningRelaydesk, type StartOptions } from '../../src/app-host';
import { loadConfig, type Config, type Env } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';

export function configFrom(env: Env): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** A real pino logger whose JSON lines are kept for assertions. */
export function collectingLogger(level: 'debug' | 'info' = 'debug') {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });
  return { logger, lines };
}

export interface TestDesk {
  readonly app: RunningRelaydesk;
  readonly clock: FakeClock;
  readonly lines: LogLine[];
  /** Every wait the retrying sender asked for, in ms (none is slept). */
  readonly delays: number[];
}

/** The real server on 127.0.0.1 with a fake clock, a manual sweeper and retries that do not sleep. */
export async function startTestDesk(
  env: Env,
  options: StartOptions & { clock?: FakeClock } = {},
): Promise<TestDesk> {
  const clock = options.clock ?? new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  const { logger, lines } = collectingLogger();
  const delays: number[] = [];
  const app = await startRelaydesk(
    configFrom({ PORT: '0', HOST: '127.0.0.1', STORE: 'memory', ...env }),
    logger,
    {
      version: '0.0.0-test',
      sweepIntervalMs: 0,
      ...options,
      clock,
      sendRetry: {
        delay: async (ms) => {
          delays.push(ms);
        },
        random: () => 0.5,
        ...options.sendRetry,
      },
    },
  );
  return { app, clock, lines, delays };
}
