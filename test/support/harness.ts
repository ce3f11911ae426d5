import { FakeClock } from './fake-clock';

export { FakeClock };
import {
  startRelaydesk,
  type OutboxStartOptions,
  type RunningRelaydesk,
  type StartOptions,
} from '../../src/app-host';
import { loadConfig, type Config, type Env } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';
import { registerOutboxDrain } from './outbox-drain';
import { createTestDatabase, type TestDatabase } from './postgres-server';

/**
 * The backend a test desk runs on when its test does not choose one: `npm test` runs the HTTP, web, browser and
 * reliability suites once on SQLite in memory and once more with RELAYDESK_TEST_STORE=postgres, each desk on a
 * database of its own on the test PostgreSQL server.
 */
export const TEST_STORE_VARIABLE = 'RELAYDESK_TEST_STORE';

async function storeEnv(env: Env): Promise<{ env: Env; database?: TestDatabase }> {
  if (env['STORE'] !== undefined || process.env[TEST_STORE_VARIABLE] !== 'postgres') {
    return { env: { STORE: 'memory', ...env } };
  }
  const database = await createTestDatabase({ migrated: true });
  return { env: { ...env, STORE: 'postgres', DATABASE_URL: database.url }, database };
}

/**
 * Teams' rate limits lifted: most tests freeze the desk's clock and send bursts a real tenant would pace, to pin
 * other behaviour against a connector that does not throttle. The budget's own specs set the real limits.
 */
export const UNLIMITED_TEAMS: Env = {
  TEAMS_CONVERSATION_LIMITS: '999999/100ms',
  TEAMS_TENANT_LIMIT: '999999/100ms',
};

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

/**
 * The outbox as most tests run it: messages are sent right after the request that queued them, and the
 * harness drains the outbox after each POST (postActivity) and each sweep, before the test reads the connector.
 */
export const ASYNC_OUTBOX: OutboxStartOptions = { autoDrain: true, pollMs: 0, panelRefreshMs: 0 };

/**
 * The outbox for tests that read the connector right after a call the harness cannot drain after (the agent
 * API's routes): each request waits until its messages reached the connector, as before the outbox.
 */
export const SYNCHRONOUS_OUTBOX: OutboxStartOptions = {
  autoDrain: true,
  pollMs: 0,
  awaitDelivery: true,
  panelRefreshMs: 0,
};

/**
 * The real server on 127.0.0.1 with a fake clock, a manual sweeper and retries that do not sleep. The outbox
 * runs as `options.outbox` says (default SYNCHRONOUS_OUTBOX); either way postActivity() and app.sweep() drain it
 * before they resolve.
 */
export async function startTestDesk(
  env: Env,
  options: StartOptions & { clock?: FakeClock } = {},
): Promise<TestDesk> {
  const clock = options.clock ?? new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  const { logger, lines } = collectingLogger();
  const delays: number[] = [];
  const store = await storeEnv(env);
  const starting = startRelaydesk(
    configFrom({ PORT: '0', HOST: '127.0.0.1', ...UNLIMITED_TEAMS, ...store.env }),
    logger,
    {
      version: '0.0.0-test',
      sweepIntervalMs: 0,
      ...options,
      clock,
      sendRetry: {
        delay: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
        random: () => 0.5,
        ...options.sendRetry,
      },
      outbox: options.outbox ?? SYNCHRONOUS_OUTBOX,
    },
  );
  const started = await starting.catch(async (error: unknown) => {
    await store.database?.drop();
    throw error;
  });
  const unregister = registerOutboxDrain([started.url, started.baseUrl], () => started.drainOutbox());
  const app: RunningRelaydesk = {
    ...started,
    sweep: async () => {
      await started.sweep();
      await started.drainOutbox();
    },
    close: async () => {
      unregister();
      await started.close();
      await store.database?.drop();
    },
  };
  return { app, clock, lines, delays };
}
