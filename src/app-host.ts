import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Storage } from 'botbuilder';
import type { JWTVerifyGetKey } from 'jose';
import { parseContactRecord, seedContacts, type ContactRecord } from './app/contacts';
import { hasLiveWorkItem } from './app/customer-status';
import { recordDelivery } from './app/deliveries';
import type { DeskPorts, DeskSettings } from './app/desk-context';
import { KeyedQueue } from './app/keyed-queue';
import { systemClock, type Clock, type IdGenerator, type Logger } from './app/ports';
import { deskSweep } from './app/sweep';
import { CardRenderer } from './cards/render-card';
import { isLoopbackHost, type Config } from './config/config';
import { AgentDirectory } from './domain/agent-directory';
import { DEFAULT_WORKSTREAM, daysToMs } from './domain/workstream';
import { KbSearch } from './kb/kb-search';
import { createVaderScorer } from './sentiment/vader-scorer';
import { createHttpServer, httpUrl, type BoundAddress } from './server/http-server';
import { servedHosts } from './server/request-guards';
import { openStore, storeFailureReason, type StoreHandle } from './store/create-storage';
import type { ContactDirectory } from './app/repositories';
import { createDeskRepositories } from './store/sql/desk-repositories';
import { LocalLiveEvents, startPostgresLiveEvents, type LiveEventBus } from './store/sql/live-events';
import type { SqlDatabase } from './store/sql/open-database';
import { SqlCardSlots } from './store/sql/card-slots';
import { SqlConversationReferences } from './store/sql/conversation-references';
import { SqlOutboxStore } from './store/sql/outbox-store';
import { SqlPrechatStates } from './store/sql/prechat-states';
import { TabPresence } from './store/sql/tab-presence';
import { openWebchatArchive } from './store/sql/webchat-archive';
import { createAdapter } from './teams/adapter';
import { ConversationReferences } from './teams/conversation-references';
import { Delivery, type RetryOptions } from './teams/delivery';
import { registerMessagesEndpoint } from './teams/messages-endpoint';
import { Outbox, type OutboxOptions } from './teams/outbox';
import { PrechatSurvey } from './teams/prechat/prechat-survey';
import { ProactiveNotifier, type RenderCard } from './teams/proactive-notifier';
import { ProactiveSender } from './teams/proactive-sender';
import { RelaydeskBot } from './teams/relaydesk-bot';
import { Sweeper } from './teams/sweeper';
import { AgentAuth, remoteKeys } from './web/agent-auth';
import { registerAgentApi, type AgentApi } from './web/agent-api-routes';
import { AgentEventHub, EventingNotifier } from './web/agent-events';
import { registerChatPage } from './web/chat-page';
import { registerStaticTab } from './web/static-tab';
import { registerDirectLine } from './web/webchat/directline-routes';
import type { DirectLineLimits } from './web/webchat/directline-limits';
import { LocalDirectLine } from './web/webchat/local-directline';

export interface StartOptions {
  /** Defaults to package.json's version. */
  version?: string;
  /** Defaults to the system clock; tests move a fake one. */
  clock?: Clock;
  /** Ids for work items, offers and outbound sends; defaults to random UUIDs. */
  ids?: IdGenerator;
  /** How often the sweeper looks for missed offers; 0 runs it only through RunningRelaydesk.sweep(). */
  sweepIntervalMs?: number;
  /** Retries of outbound sends (attempts, backoff, the delay function). */
  sendRetry?: RetryOptions;
  /** Defaults to the Adaptive Card templates in cards/. */
  renderCard?: RenderCard;
  /** Where Bot Framework token signing keys are looked up (OpenID metadata URL); defaults to Microsoft's. */
  openIdMetadataUrl?: string;
  /** The workspace tab's SSO token signing keys; defaults to the key set at TAB_SSO_JWKS_URI. */
  tabSsoKeys?: JWTVerifyGetKey;
  /** Heartbeat comment interval of the agent API's event streams; default 15 s. */
  eventHeartbeatMs?: number;
  /** Changes to one agent within this window reach their tabs as one event (default 50 ms). */
  eventCoalesceMs?: number;
  /** The outbound message outbox; see OutboxStartOptions. */
  outbox?: OutboxStartOptions;
  /** How long a turn of POST /api/messages may take before it is answered 503; default TURN_DEADLINE_S. */
  turnDeadlineMs?: number;
  /** The local Direct Line channel's bounds (WEBCHAT=local); tests make them small. */
  webchatLimits?: Partial<DirectLineLimits>;
}

/** How the outbox's dispatcher runs; tests turn the automatic sending off and call drainOutbox(). */
export interface OutboxStartOptions {
  /** Send right after each enqueue (the request does not wait) and deliver leftovers at start; default true. */
  autoDrain?: boolean;
  /** How often a pass looks for due entries (after a backoff, after a restart); 0 = no timer; default 1000. */
  pollMs?: number;
  /**
   * Tests only: each send resolves once its recipient's queue is delivered (or backing off), so a request
   * returns after its messages reached the connector, as before the outbox. Default false.
   */
  awaitDelivery?: boolean;
  /** How long close() waits for a send under way; default 10 s. */
  closeTimeoutMs?: number;
}

export interface RunningRelaydesk {
  /** The bot endpoint, e.g. http://127.0.0.1:3978/api/messages (the real port when PORT=0). */
  url: string;
  /** e.g. http://127.0.0.1:3978 */
  baseUrl: string;
  storage: Storage;
  /** The desk's database (SQLite or PostgreSQL), migrated; closed by close(). */
  readonly database: SqlDatabase;
  /** One sweeper pass now (missed offers go to the next agent), as the timer would run it. */
  sweep(): Promise<void>;
  /**
   * Sends what the outbox holds now; resolves when everything deliverable now is delivered, the rest waiting
   * for a backoff (a failing connector).
   */
  drainOutbox(): Promise<void>;
  /** Outbound messages not yet delivered. */
  outboxPending(): Promise<number>;
  /** Stops the sweeper and accepting requests, then closes the store; safe to call twice. */
  close(): Promise<void>;
}

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
  if (config.webchat === 'local') {
    const webchatLogger = logger.child({ component: 'webchat' });
    try {
      const archive = await openWebchatArchive(store.database, config, webchatLogger);
      webchat = await LocalDirectLine.open(
        {
          clock,
          reservedUserIds: new AgentDirectory(config.agents).allIds,
          ...(options.webchatLimits ? { limits: options.webchatLimits } : {}),
          logger: webchatLogger,
        },
        archive,
      );
    } catch (error) {
      await liveEvents.close();
      await store.close();
      throw error;
    }
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
    storage: store.storage,
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

/**
 * Live events between instances: on PostgreSQL every instance hears the others' changes (LISTEN/NOTIFY), so a
 * tab connected to one sees what went through another; SQLite serves one instance, which hears itself.
 */
async function openLiveEventBus(config: Config, logger: Logger): Promise<LiveEventBus> {
  if (config.store !== 'postgres') return new LocalLiveEvents();
  return startPostgresLiveEvents({
    url: config.databaseUrl,
    logger: logger.child({ component: 'live-events' }),
  });
}

/** Said at every start while ALLOW_ANONYMOUS_REMOTE lets anonymous mode listen beyond loopback. */
export function warnIfAnonymousRemote(
  config: Pick<Config, 'anonymous' | 'allowAnonymousRemote' | 'host'>,
  logger: Logger,
): void {
  if (config.anonymous && config.allowAnonymousRemote && !isLoopbackHost(config.host)) {
    logger.warn(
      { host: config.host },
      'anonymous mode on an interface beyond loopback (ALLOW_ANONYMOUS_REMOTE=true): anyone who reaches this server can act as an agent',
    );
  }
}

/** The desk and its Bot Framework edge: the use cases, the proactive notifier, the bot on POST /api/messages. */
function wireBot(
  config: Config,
  logger: Logger,
  options: StartOptions,
  clock: Clock,
  store: Pick<StoreHandle, 'database'> & {
    readonly liveEvents: LiveEventBus;
    readonly tabs: TabPresence;
  },
  server: Parameters<typeof registerMessagesEndpoint>[0],
): { sweeper: Sweeper; contacts: ContactDirectory; agentApi: AgentApi; outbox: Outbox } {
  const repositories = createDeskRepositories(store.database);
  const ids: IdGenerator = options.ids ?? { next: () => randomUUID() };
  const renderer = new CardRenderer();
  const renderCard: RenderCard =
    options.renderCard ?? ((view) => renderer.renderAgentView(view, { now: clock.now() }));
  const delivery = new Delivery({ ...options.sendRetry, logger: logger.child({ component: 'delivery' }) });
  const adapter = createAdapter(
    config,
    logger,
    options.openIdMetadataUrl ? { openIdMetadataUrl: options.openIdMetadataUrl } : {},
  );
  const references = new ConversationReferences(new SqlConversationReferences(store.database), clock);
  const cardSlots = new SqlCardSlots(store.database);
  let settled: NonNullable<OutboxOptions['onSettled']> = () => Promise.resolve();
  const now = () => clock.now();
  const outbox = new Outbox({
    store: new SqlOutboxStore(store.database),
    cardSlots,
    references,
    sender: new ProactiveSender({
      adapter,
      appId: config.microsoftAppId,
      cardSlots,
      delivery,
      logger,
      now,
    }),
    logger,
    now,
    onSettled: (entry, outcome) => settled(entry, outcome),
    ...definedOnly(options.outbox ?? {}),
  });
  const notifier = new ProactiveNotifier({ outbox, references, renderCard, ids, logger });
  const settings: DeskSettings = {
    workstream: {
      ...DEFAULT_WORKSTREAM,
      maxSessions: config.maxSessions,
      agentCapacityUnits: config.agentCapacity,
      notificationTimeoutMs: config.notificationTimeoutSeconds * 1000,
      waitingPeriodMs: daysToMs(config.waitingPeriodDays),
      sentimentThreshold: config.sentimentThreshold,
    },
    maxTextChars: config.maxTextChars,
    rateLimitPerMinute: config.rateLimitPerMinute,
    agentNames: new Map(
      config.agents.flatMap((agent) => (agent.name ? [[agent.id, agent.name] as const] : [])),
    ),
  };
  const agentIds = [...config.agentIds];
  const directory = new AgentDirectory(config.agents);
  // The workspace tab's live updates: every view the desk sends an agent also tells their open tabs.
  const events = new AgentEventHub({
    clock,
    logger,
    bus: store.liveEvents,
    onStreamsChanged: (agentId, streams) => store.tabs.streamsChanged(agentId, streams),
    ...(options.eventHeartbeatMs !== undefined ? { heartbeatMs: options.eventHeartbeatMs } : {}),
    ...(options.eventCoalesceMs !== undefined ? { coalesceMs: options.eventCoalesceMs } : {}),
  });
  // The only place every port is gathered; each use case takes the few it reads.
  const ports: DeskPorts = {
    ...repositories,
    notifier: new EventingNotifier(notifier, events),
    clock,
    ids,
    scorer: createVaderScorer({ maxChars: config.maxTextChars }),
    kb: new KbSearch(),
    logger: logger.child({ component: 'desk' }),
    settings,
    agents: () => Promise.resolve(agentIds),
    // An offer reaches an agent in their chat with the bot, or in a tab they have open here or on another instance.
    canReach: async (agentId) =>
      events.count(agentId) > 0 ||
      (await references.get({ kind: 'agent', id: agentId })) !== undefined ||
      (await store.tabs.isOpenAnywhere(agentId)),
    customerTurns: new KeyedQueue(),
  };
  // Sends to customers that reached them, or never will: an agent's message gets its delivery state, a customer
  // whose chat is gone is marked as having left. Successes of the desk's own notices change nothing, so skip them.
  settled = async (entry, outcome) => {
    if (entry.owner.kind !== 'customer') return;
    if (outcome.kind === 'delivered' && !isAgentMessage(entry.activity)) return;
    await recordDelivery(ports, entry.owner.id, entry.relaydeskId, outcome);
  };
  const prechat =
    config.prechatQuestions.length > 0
      ? new PrechatSurvey({
          questions: config.prechatQuestions,
          states: new SqlPrechatStates(store.database),
          hasLiveWorkItem: (customerId) => hasLiveWorkItem(ports, customerId),
          send: (turn, customerId, activity) =>
            notifier.sendActivity({ kind: 'customer', id: customerId }, activity, {
              label: 'prechat-question',
              ...(turn.activity.id ? { replyToId: turn.activity.id } : {}),
            }),
          logger,
        })
      : undefined;
  const bot = new RelaydeskBot({
    ports,
    contacts: repositories.contacts,
    references,
    notifier,
    renderCard,
    directory: { keyOf: (id) => directory.keyOf(id), anonymous: config.anonymous },
    logger,
    ...(prechat ? { prechat } : {}),
  });
  registerMessagesEndpoint(server, {
    adapter,
    bot,
    anonymous: config.anonymous,
    logger,
    turnDeadlineMs: options.turnDeadlineMs ?? config.turnDeadlineSeconds * 1000,
  });
  const agentApi = registerAgentApi(server, {
    ports,
    auth: agentAuth(config, clock, logger, options.tabSsoKeys),
    events,
    notifier,
    logger,
    maxTextChars: config.maxTextChars,
  });
  const sweeper = new Sweeper({
    sweep: deskSweep(ports),
    intervalMs: options.sweepIntervalMs ?? config.sweepIntervalSeconds * 1000,
    logger,
  });
  return { sweeper, contacts: repositories.contacts, agentApi, outbox };
}

/** The agent API's token checks: dev sign-in tokens in anonymous mode, the tab's Teams SSO tokens otherwise. */
function agentAuth(config: Config, clock: Clock, logger: Logger, keys?: JWTVerifyGetKey): AgentAuth {
  const ssoConfigured =
    config.tabSsoJwksUri !== '' && config.tabSsoAudience !== '' && config.tabSsoIssuer !== '';
  if (config.anonymous && ssoConfigured) {
    logger.info(
      {},
      'TAB_SSO_* are not used in anonymous mode: the workspace tab signs in with the dev sign-in',
    );
  }
  if (!config.anonymous && !ssoConfigured) {
    logger.warn(
      {},
      'TAB_SSO_AUDIENCE, TAB_SSO_ISSUER and TAB_SSO_JWKS_URI are unset: the workspace tab API refuses every call (503)',
    );
  }
  const directory = new AgentDirectory(config.agents);
  return new AgentAuth({
    anonymous: config.anonymous,
    agentIds: directory.allIds,
    keyOf: (id) => directory.keyOf(id),
    clock,
    ...(!config.anonymous && ssoConfigured
      ? {
          sso: {
            audience: config.tabSsoAudience,
            issuer: config.tabSsoIssuer,
            keys: keys ?? remoteKeys(config.tabSsoJwksUri),
          },
        }
      : {}),
  });
}

/**
 * Seeds the contacts directory into the store. A missing file is only a warning (a deployment may have none);
 * a file that is not a JSON array stops the start; a bad record is skipped with a warning naming it.
 */
async function loadContacts(path: string, directory: ContactDirectory, logger: Logger): Promise<number> {
  if (!path) return 0;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ path, reason }, 'contacts directory not readable; every customer is a visitor');
    return 0;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `CONTACTS_FILE: ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!Array.isArray(raw)) throw new Error(`CONTACTS_FILE: ${path} must hold a JSON array of contacts`);
  const records: ContactRecord[] = [];
  raw.forEach((entry: unknown, index) => {
    const parsed = parseContactRecord(entry);
    if (typeof parsed === 'string') logger.warn({ path, index, reason: parsed }, 'contact skipped');
    else records.push(parsed);
  });
  return seedContacts(directory, records);
}

/** The bound address as this machine reaches it: a wildcard address (0.0.0.0, ::) is reached on loopback. */
function reachableFromHere(address: BoundAddress): BoundAddress {
  if (address.host === '0.0.0.0') return { ...address, host: '127.0.0.1' };
  if (address.host === '::') return { ...address, host: '::1' };
  return address;
}

/** Whether an outbound activity is an agent's own message to a customer (traced for its delivery state). */
function isAgentMessage(activity: { channelData?: unknown }): boolean {
  const data = activity.channelData as { relaydesk?: { kind?: unknown } } | undefined;
  return data?.relaydesk?.kind === 'agent-message';
}

/** The options that are set; exactOptionalPropertyTypes keeps an explicit undefined from overriding a default. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

// package.json sits one level above both src/ (tsx, jest) and dist/ (the build).
function packageVersion(): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'version' in parsed &&
      typeof parsed.version === 'string'
    ) {
      return parsed.version;
    }
  } catch {
    // A missing or unreadable package.json only costs the version string.
  }
  return 'unknown';
}
