import { systemClock, type Clock, type Logger } from './app/ports';
import type { Config } from './config/config';
import { AgentDirectory } from './domain/agent-directory';
import { createHttpServer, httpUrl, type BoundAddress } from './server/http-server';
import { servedHosts } from './server/request-guards';
import { openStore, storeFailureReason } from './store/create-storage';
import type { SqlDatabase } from './store/sql/open-database';
import type { LiveEventBus } from './store/sql/live-events';
import { TabPresence } from './store/sql/tab-presence';
import { openWebchatArchive } from './store/sql/webchat-archive';
import type { Outbox } from './teams/outbox';
import type { Sweeper } from './teams/sweeper';
import type { AgentApi } from './web/agent-api-routes';
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
import { wireBot } from './host/wire-bot';

export type { OutboxStartOptions, RunningRelaydesk, StartOptions } from './host/start-options';
export { warnIfAnonymousRemote } from './host/start-parts';

/** Wires store and HTTP server from a validated config and starts listening; main and tests both use it. */
export async function startRelaydesk(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningRelaydesk> {
  const version = options.version ?? packageVersion();
  const clock = options.clock ?? systemClock;
  const store = openStore(config, { logger: logger.child({ component: 'store' }) });
  try {
    await store.ready();
  } catch (error) {
    await store.close();
    throw new Error(`The ${config.store} store is not reachable: ${storeFailureReason(error)}`, {
      cause: error,
    });
  }
  let liveEvents: LiveEventBus;
  try {
    liveEvents = await openLiveEventBus(config, logger);
  } catch (error) {
    await store.close();
    throw new Error(
      `The live events of the ${config.store} store could not start: ${storeFailureReason(error)}`,
      {
        cause: error,
      },
    );
  }
  warnIfAnonymousRemote(config, logger);
  const http = createHttpServer({
    config,
    logger,
    storeKind: config.store,
    version,
    clock,
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
  // Web chat conversations outlive a restart in the desk's database (with STORE=memory, as long as the process).
  let webchat: LocalDirectLine | undefined;
  try {
    webchat = await startWebchat(config, logger, options, clock, store.database, http);
  } catch (error) {
    await liveEvents.close();
    await store.close();
    throw error;
  }
  let sweeper: Sweeper;
  let outbox: Outbox | undefined;
  let agentApi: AgentApi;
  let address: BoundAddress;
  let contacts = 0;
  // Which agents have a tab open on any instance, so an offer made here reaches a tab open on another.
  const tabs = new TabPresence({ database: store.database, clock, logger });
  try {
    const wired = wireBot(config, logger, options, clock, { ...store, liveEvents, tabs }, http.restify);
    sweeper = wired.sweeper;
    outbox = wired.outbox;
    agentApi = wired.agentApi;
    contacts = await loadContacts(
      config.contactsFile,
      wired.contacts,
      logger.child({ component: 'contacts' }),
    );
    address = await http.listen();
  } catch (error) {
    await outbox?.stop();
    await liveEvents.close();
    await store.close();
    throw error;
  }
  const dispatcher: Outbox = outbox;
  sweeper.start();
  dispatcher.start();
  tabs.start();

  const baseUrl = httpUrl(address);
  const url = `${baseUrl}/api/messages`;
  logger.info(
    {
      url,
      store: config.store,
      agents: config.agentIds,
      auth: config.anonymous ? 'anonymous' : config.microsoftAppType,
      contacts,
      webchat: config.webchat === 'local' ? `${baseUrl}/chat` : 'off',
      version,
    },
    `relaydesk listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl,
    database: store.database,
    sweep: () => sweeper.runOnce(),
    drainOutbox: () => dispatcher.drain(),
    outboxPending: () => dispatcher.pending(),
    close: () => {
      // Sweeper, server and outbox first, so nothing is still using the store when it closes. The event streams
      // end before the server closes, which would otherwise wait for them; the outbox stops after the server, so
      // a request still running can store its messages (they are sent after the next start).
      closing ??= sweeper
        .stop()
        .then(() => agentApi.close())
        .then(() => http.close())
        .finally(() => dispatcher.stop())
        .finally(() => tabs.close())
        .finally(() => liveEvents.close())
        .finally(() => webchat?.settled())
        .finally(() => store.close());
      return closing;
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
