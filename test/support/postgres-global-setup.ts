import {
  POSTGRES_TEMPLATE_VARIABLE,
  POSTGRES_URL_VARIABLE,
  createMigratedTemplate,
  startPostgres,
  type RunningPostgres,
} from './postgres-server';

/** What the teardown finds: jest runs globalSetup and globalTeardown in one context. */
export const RUNNING_POSTGRES = Symbol.for('relaydesk.test.postgres');

type WithPostgres = typeof globalThis & { [RUNNING_POSTGRES]?: RunningPostgres };

/**
 * Starts one PostgreSQL server for the whole jest run; test files create databases of their own on it. A server
 * named in the environment variable already (a developer's own) is used as it is.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[POSTGRES_URL_VARIABLE]) return;
  const started = performance.now();
  const server = await startPostgres();
  (globalThis as WithPostgres)[RUNNING_POSTGRES] = server;
  // Workers are forked after the global setup and inherit the environment.
  process.env[POSTGRES_URL_VARIABLE] = server.url;
  process.env[POSTGRES_TEMPLATE_VARIABLE] = await createMigratedTemplate(server.url);
  if (process.env.RELAYDESK_TEST_TIMINGS)
    process.stderr.write(`PostgreSQL started in ${Math.round(performance.now() - started)} ms\n`);
}

export async function stopGlobalPostgres(): Promise<void> {
  const holder = globalThis as WithPostgres;
  const server = holder[RUNNING_POSTGRES];
  if (!server) return;
  delete holder[RUNNING_POSTGRES];
  delete process.env[POSTGRES_URL_VARIABLE];
  delete process.env[POSTGRES_TEMPLATE_VARIABLE];
  await server.stop();
}
