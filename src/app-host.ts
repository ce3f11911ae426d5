import { systemClock, type Clock, type Logger } from './app/ports';
import type { Config } from './config/config';
import { AgentDirectory } from './domain/agent-directory';
import { createHttpServer, httpUrl, type BoundAddress } from './server/http-server';
import { servedHosts } from './server/request-guards';
import { openStore, storeFailureReason } from './store/create-storage';
import type { SqlDatabase } from './store/sql/open-database';
import { TabPresence } from './store/sql/tab-presence';
import { openWebchatArchive } from './store/sql/webchat-archive';
import { registerChatPage } from './web/chat-page';
import { registerStaticTab } from './web/static-tab';
import { registerDirectLine } from './web/webchat/directline-routes';
import { LocalDirectLine } from './web/webchat/local-directline';
import type { RunningRelaydesk, StartOptions } from './host/start-options';
import {
  loadContacts,
  openLiveEventBus,
  packageVersion,
  reachableFromHere,
  warnIfAnonymousRemote,
} from './host/start-parts';
import { wireBot, type WiredBot } from './host/wire-bot';
import { shutDown } from './host/shutdown';
import { registerReadyz } from './server/readyz';
import { checkReadiness } from './store/sql/readiness';

/** How long /readyz waits for the database before calling it unreachable. */
const READY_TIMEOUT_MS = 2000;

export type { OutboxStartOptions, RunningRelaydesk, StartOptions } from './host/start-options';
export { warnIfAnonymousRemote } from './host/start-parts';

/** The store, migrated, and its live events; a store that cannot be reached or listened to stops the start. */
async function openStoreAndEvents(config: Config, logger: Logger) {
  const store = openStore(config, { logger: logger.child({ component: 'store' }) });
  try {
    await store.ready();
  } catch (error) {
    await store.close();
    throw new Error(`The ${config.store} store is not reachable: ${storeFailureReason(error)}`, {
      cause: error,
    });
  }
  try {
    return { store, liveEvents: await openLiveEventBus(config, logger) };
  } catch (error) {
    await store.close();
    const reason = storeFailureReason(error);
    throw new Error(`The live events of the ${config.store} store could not start: ${reason}`, {
      cause: error,
    });
  }
}

function createServer(config: Config, logger: Logger, version: string, clock: Clock) {
  const http = createHttpServer({
    config,
    logger,
    storeKind: config.store,
    version,
    clock,
    closeGraceMs: config.shutdownGraceSeconds * 1000,
    connections: {
      maxConnections: config.maxConnections,
      headersTimeoutMs: config.headersTimeoutSeconds * 1000,
      requestTimeoutMs: config.requestTimeoutSeconds * 1000,
    },
    // A rebinding domain reaches a developer's machine under its own name: anonymous mode answers only to ours.
    ...(config.anonymous ? { allowedHosts: servedHosts(config.publicBaseUrl, config.host) } : {}),
  });
  registerStaticTab(http.restify);
  registerChatPage(http.restify, { enabled: config.webchat === 'local' });
  return http;
}

function logStarted(
  config: Config,
  logger: Logger,
  baseUrl: string,
  contacts: number,
  version: string,
): void {
  const url = `${baseUrl}/api/messages`;
  logger.info(
    {
      url,
      tab: `${baseUrl}/tab`,
      webchat: config.webchat === 'local' ? `${baseUrl}/chat` : 'off',
      store: config.store,
      storeAt: storeLocation(config),
      probes: `${baseUrl}/healthz ${baseUrl}/readyz`,
      publicBaseUrl: config.publicBaseUrl,
      agents: config.agentIds,
      auth: config.anonymous ? 'anonymous' : config.microsoftAppType,
      contacts,
      version,
    },
    `relaydesk listening on ${url}`,
  );
}

/** Where the state is, for the start line: the SQLite file, or the PostgreSQL server and database (no credentials). */
function storeLocation(config: Config): string {
  if (config.store === 'memory') return 'memory (nothing kept)';
  if (config.store === 'sqlite') return config.sqlitePath;
  try {
    const url = new URL(config.databaseUrl);
    return `${url.host}${url.pathname}`;
  } catch {
    return 'postgres';
  }
}

/** After a failed start: runs each step whatever the others did; a step that fails is logged, not thrown. */
async function undoStart(
  logger: Logger,
  steps: readonly (() => Promise<unknown> | undefined)[],
): Promise<void> {
  for (const step of steps) {
    await Promise.resolve(step()).catch((error: unknown) =>
      logger.warn({ err: error }, 'clean-up after a failed start failed'),
    );
  }
}

/** Wires store and HTTP server from a validated config and starts listening; main and tests both use it. */
export async function startRelaydesk(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningRelaydesk> {
  const version = options.version ?? packageVersion();
  const clock = options.clock ?? systemClock;
  const { store, liveEvents } = await openStoreAndEvents(config, logger);
  warnIfAnonymousRemote(config, logger);
  const http = createServer(config, logger, version, clock);
  // Which agents have a tab open on any instance, so an offer made here reaches a tab open on another.
  const tabs = new TabPresence({ database: store.database, clock, logger });
  const shutdown: { closing?: Promise<void> } = {};
  registerProbes(http, store.database, config, clock, logger, () => shutdown.closing !== undefined);
  let webchat: LocalDirectLine | undefined;
  let wired: WiredBot | undefined;
  let address: BoundAddress;
  let contacts = 0;
  try {
    // Web chat conversations outlive a restart in the desk's database (with STORE=memory, as long as the process).
    webchat = await startWebchat(config, logger, options, clock, store.database, http);
    wired = wireBot(config, logger, options, clock, { ...store, liveEvents, tabs }, http.restify);
    contacts = await loadContacts(
      config.contactsFile,
      wired.contacts,
      logger.child({ component: 'contacts' }),
    );
    address = await http.listen();
  } catch (error) {
    await undoStart(logger, [() => wired?.outbox.stop(), () => liveEvents.close(), () => store.close()]);
    throw error;
  }
  wired.sweeper.start();
  wired.outbox.start();
  tabs.start();
  const baseUrl = httpUrl(address);
  logStarted(config, logger, baseUrl, contacts, version);
  return handle(config, logger, { baseUrl, store, http, wired, tabs, liveEvents, webchat, shutdown });
}

/** GET /readyz over the desk's database; not ready once the shutdown has begun. */
function registerProbes(
  http: ReturnType<typeof createHttpServer>,
  database: SqlDatabase,
  config: Config,
  clock: Clock,
  logger: Logger,
  stopping: () => boolean,
): void {
  registerReadyz(http.restify, {
    check: () =>
      checkReadiness(database, {
        now: clock.now(),
        outboxMaxAgeMs: config.readyOutboxMaxAgeSeconds * 1000,
        timeoutMs: READY_TIMEOUT_MS,
      }),
    stopping,
    logger,
  });
}

/** The running desk as main and the tests hold it. */
function handle(
  config: Config,
  logger: Logger,
  parts: {
    baseUrl: string;
    store: { database: SqlDatabase; close(): Promise<void> };
    http: ReturnType<typeof createHttpServer>;
    wired: WiredBot;
    tabs: TabPresence;
    liveEvents: { close(): Promise<void> };
    webchat: LocalDirectLine | undefined;
    shutdown: { closing?: Promise<void> };
  },
): RunningRelaydesk {
  const { baseUrl, store, http, tabs, liveEvents, webchat, shutdown } = parts;
  const { sweeper, outbox, agentApi } = parts.wired;
  return {
    url: `${baseUrl}/api/messages`,
    baseUrl,
    database: store.database,
    sweep: () => sweeper.runOnce(),
    drainOutbox: () => outbox.drain(),
    outboxPending: () => outbox.pending(),
    // Sweeper, server and outbox first, so nothing is still using the store when it closes. The event streams end
    // before the server closes, which would otherwise wait for them; the outbox drains after the server, so a
    // request still running can store its messages, and stops within the grace (the rest is sent after a start).
    close: () => {
      const afterwards = [
        () => tabs.close(),
        () => liveEvents.close(),
        () => webchat?.settled(),
        () => store.close(),
      ];
      shutdown.closing ??= shutDown(
        { sweeper, agentApi, http, outbox, afterwards },
        config.shutdownGraceSeconds * 1000,
        logger,
      );
      return shutdown.closing;
    },
  };
}

/** The local web chat page's Direct Line channel (WEBCHAT=local), its conversations kept in the desk's database. */
async function startWebchat(
  config: Config,
  logger: Logger,
  options: StartOptions,
  clock: Clock,
  database: SqlDatabase,
  http: ReturnType<typeof createHttpServer>,
): Promise<LocalDirectLine | undefined> {
  if (config.webchat !== 'local') return undefined;
  const webchatLogger = logger.child({ component: 'webchat' });
  const archive = await openWebchatArchive(database, config, webchatLogger);
  const webchat = await LocalDirectLine.open(
    {
      clock,
      reservedUserIds: new AgentDirectory(config.agents).allIds,
      ...(options.webchatLimits ? { limits: options.webchatLimits } : {}),
      logger: webchatLogger,
    },
    archive,
  );
  registerDirectLine(http.restify, {
    channel: webchat,
    baseUrl: () => {
      const bound = http.address();
      return bound ? httpUrl(reachableFromHere(bound)) : undefined;
    },
    logger,
    maxTextChars: config.maxTextChars,
    maxBodyBytes: config.maxBodyKb * 1024,
  });
  return webchat;
}
