import { randomUUID } from 'node:crypto';
import { recordDelivery } from '../app/deliveries';
import type { DeskPorts, DeskSettings } from '../app/desk-context';
import { KeyedQueue } from '../app/keyed-queue';
import type { Clock, IdGenerator, Logger } from '../app/ports';
import type { ContactDirectory } from '../app/repositories';
import { deskSweep } from '../app/sweep';
import { CardRenderer } from '../cards/render-card';
import type { Config } from '../config/config';
import { AgentDirectory } from '../domain/agent-directory';
import { DEFAULT_WORKSTREAM, daysToMs } from '../domain/workstream';
import { KbSearch } from '../kb/kb-search';
import { createVaderScorer } from '../sentiment/vader-scorer';
import { SqlCardSlots } from '../store/sql/card-slots';
import { SqlConversationReferences } from '../store/sql/conversation-references';
import { createDeskRepositories, type DeskRepositories } from '../store/sql/desk-repositories';
import type { LiveEventBus } from '../store/sql/live-events';
import type { SqlDatabase } from '../store/sql/open-database';
import { SqlOutboxStore } from '../store/sql/outbox-store';
import { ownerKeyOf } from '../teams/outbox-store';
import type { TabPresence } from '../store/sql/tab-presence';
import { createAdapter } from '../teams/adapter';
import { composeActivity } from '../teams/compose-activity';
import { ConversationReferences } from '../teams/conversation-references';
import type { PrechatSurvey } from '../teams/prechat/prechat-survey';
import { createPrechat } from './create-prechat';
import { workspaceTabLink } from '../teams/deep-links';
import { Delivery } from '../teams/delivery';
import { registerMessagesEndpoint } from '../teams/messages-endpoint';
import { Outbox, type OutboxOptions } from '../teams/outbox';
import type { ComposeActivity } from '../teams/outbox-options';
import {
  PANEL_REFRESH_MS,
  ProactiveNotifier,
  SEND_PRIORITY,
  type RenderCard,
  type RenderCustomerCard,
} from '../teams/proactive-notifier';
import { ProactiveSender } from '../teams/proactive-sender';
import { RelaydeskBot } from '../teams/relaydesk-bot';
import { Sweeper } from '../teams/sweeper';
import { TeamsBudget } from '../teams/teams-budget';
import { registerAgentApi, type AgentApi } from '../web/agent-api-routes';
import { AgentEventHub, EventingNotifier } from '../web/agent-events';
import { reachability } from './start-parts';
import { loadQuickRepliesFile } from './quick-replies-file';
import { agentAuth } from './start-parts';
import type { StartOptions } from './start-options';

/** What the desk runs on besides its repositories. */
export interface DeskInfrastructure {
  readonly database: SqlDatabase;
  readonly liveEvents: LiveEventBus;
  readonly tabs: TabPresence;
}

export interface WiredBot {
  readonly sweeper: Sweeper;
  readonly contacts: ContactDirectory;
  readonly agentApi: AgentApi;
  readonly outbox: Outbox;
}

type Server = Parameters<typeof registerMessagesEndpoint>[0];
type Settled = NonNullable<OutboxOptions['onSettled']>;

function deskSettings(config: Config): DeskSettings {
  return {
    workstream: {
      ...DEFAULT_WORKSTREAM,
      maxSessions: config.maxSessions,
      agentCapacityUnits: config.agentCapacity,
      notificationTimeoutMs: config.notificationTimeoutSeconds * 1000,
      waitingPeriodMs: daysToMs(config.waitingPeriodDays),
      sentimentThreshold: config.sentimentThreshold,
      missedOfferInactive: config.missedOfferInactive,
      agentAwayMs: config.agentAwaySeconds * 1000,
      offlineGraceMs: config.offlineGraceSeconds * 1000,
      keepAgentMs: config.keepAgentSeconds * 1000,
      wrapUp: {
        outcomes: config.wrapUpOutcomes,
        holdMs: config.wrapUpHoldSeconds * 1000,
        timeoutMs: config.wrapUpTimeoutSeconds * 1000,
      },
    },
    maxTextChars: config.maxTextChars,
    rateLimitPerMinute: config.rateLimitPerMinute,
    agentNames: new Map(
      config.agents.flatMap((agent) => (agent.name ? [[agent.id, agent.name] as const] : [])),
    ),
    supervisors: new Set(config.supervisorIds),
    ...(config.operatingHours ? { operatingHours: config.operatingHours } : {}),
    queueLimits: config.queueLimits,
    csatSurvey: config.csatSurvey,
  };
}

/** The outbox and what it sends through; `settled` hears how each send ended once the desk is wired. */
function createOutbox(
  config: Config,
  logger: Logger,
  options: StartOptions,
  clock: Clock,
  database: SqlDatabase,
  settled: Settled,
  compose: ComposeActivity,
) {
  const adapter = createAdapter(
    config,
    logger,
    options.openIdMetadataUrl ? { openIdMetadataUrl: options.openIdMetadataUrl } : {},
  );
  const references = new ConversationReferences(new SqlConversationReferences(database), clock);
  const cardSlots = new SqlCardSlots(database);
  const delivery = new Delivery({ ...options.sendRetry, logger: logger.child({ component: 'delivery' }) });
  const now = () => clock.now();
  const sender = new ProactiveSender({
    connectors: adapter,
    cardSlots,
    delivery,
    logger,
    now,
  });
  const store = new SqlOutboxStore(database);
  const budget = new TeamsBudget(store, {
    conversation: config.teamsConversationLimits,
    tenant: config.teamsTenantLimit,
  });
  const outbox = new Outbox({
    store,
    budget,
    cardSlots,
    references,
    sender,
    logger,
    now,
    onSettled: settled,
    compose,
    afterCommit: (hook, key) => database.afterCommit(hook, key),
    refresh: {
      priority: SEND_PRIORITY.panel,
      intervalMs: options.outbox?.panelRefreshMs ?? PANEL_REFRESH_MS,
    },
    // A send still under way when the stop's grace is over gets no longer than the grace itself (at most 10 s).
    closeTimeoutMs: Math.min(10_000, config.shutdownGraceSeconds * 1000),
    ...definedOnly(options.outbox ?? {}),
  });
  return { adapter, references, outbox };
}

function createEventHub(
  config: Config,
  logger: Logger,
  options: StartOptions,
  clock: Clock,
  infra: DeskInfrastructure,
) {
  return new AgentEventHub({
    clock,
    logger,
    watchers: new Set(config.supervisorIds),
    bus: infra.liveEvents,
    afterCommit: (hook) => infra.database.afterCommit(hook),
    onStreamsChanged: (agentId, streams) => infra.tabs.streamsChanged(agentId, streams),
    ...(options.eventHeartbeatMs !== undefined ? { heartbeatMs: options.eventHeartbeatMs } : {}),
    ...(options.eventCoalesceMs !== undefined ? { coalesceMs: options.eventCoalesceMs } : {}),
  });
}

/** The only place every port is gathered; each use case takes the few it reads. */
function deskPorts(
  config: Config,
  logger: Logger,
  clock: Clock,
  ids: IdGenerator,
  edge: Pick<DeskPorts, 'notifier' | 'canReach' | 'hasOpenTab'> & { readonly repositories: DeskRepositories },
): DeskPorts {
  const agentIds = [...config.agentIds];
  return {
    ...edge.repositories,
    notifier: edge.notifier,
    clock,
    ids,
    scorer: createVaderScorer({ maxChars: config.maxTextChars }),
    kb: new KbSearch(),
    logger: logger.child({ component: 'desk' }),
    settings: {
      ...deskSettings(config),
      quickReplies: loadQuickRepliesFile(
        config.quickRepliesFile,
        logger.child({ component: 'quick-replies' }),
      ),
    },
    agents: () => Promise.resolve(agentIds),
    // An offer reaches an agent in their chat with the bot, or in a tab they have open here or on another instance.
    canReach: edge.canReach,
    hasOpenTab: edge.hasOpenTab,
    customerTurns: new KeyedQueue(),
  };
}

/** The bot on POST /api/messages. */
function registerBot(
  config: Config,
  logger: Logger,
  options: StartOptions,
  server: Server,
  parts: {
    readonly ports: DeskPorts;
    readonly adapter: ReturnType<typeof createAdapter>;
    readonly references: ConversationReferences;
    readonly notifier: ProactiveNotifier;
    readonly renderCard: RenderCard;
    readonly prechat: PrechatSurvey | undefined;
    readonly outbox: Pick<Outbox, 'settled'>;
  },
): void {
  const { ports, adapter, prechat } = parts;
  const directory = new AgentDirectory(config.agents);
  const bot = new RelaydeskBot({
    ports,
    contacts: ports.contacts,
    references: parts.references,
    notifier: parts.notifier,
    renderCard: parts.renderCard,
    directory: { keyOf: (id) => directory.keyOf(id), anonymous: config.anonymous },
    logger,
    ...(prechat ? { prechat } : {}),
    relayed: (agentId) => parts.outbox.settled(ownerKeyOf({ kind: 'agent', id: agentId })),
  });
  registerMessagesEndpoint(server, {
    adapter,
    bot,
    anonymous: config.anonymous,
    logger,
    turnDeadlineMs: options.turnDeadlineMs ?? config.turnDeadlineSeconds * 1000,
  });
}

/** Agent views as Adaptive Cards, times shortened on the desk's clock, links to the tab by the app's id. */
function cardRenderer(config: Config, options: StartOptions, clock: Clock): RenderCard {
  if (options.renderCard) return options.renderCard;
  const renderer = new CardRenderer();
  const tabUrl = workspaceTabLink(config.teamsAppId);
  return (view) => renderer.renderAgentView(view, { now: clock.now(), tabUrl });
}

/** Customers' cards (the survey) from their templates in cards/. */
function customerCardRenderer(): RenderCustomerCard {
  const renderer = new CardRenderer();
  return (view) => renderer.renderCustomerCard(view);
}

/** The desk and its Bot Framework edge: the use cases, the proactive notifier, the bot on POST /api/messages. */
export function wireBot(
  config: Config,
  logger: Logger,
  options: StartOptions,
  clock: Clock,
  infra: DeskInfrastructure,
  server: Server,
): WiredBot {
  const repositories = createDeskRepositories(infra.database);
  const ids: IdGenerator = options.ids ?? { next: () => randomUUID() };
  const renderCard = cardRenderer(config, options, clock);
  let settled: Settled = () => Promise.resolve();
  const { adapter, references, outbox } = createOutbox(
    config,
    logger,
    options,
    clock,
    infra.database,
    (e, o) => settled(e, o),
    composeActivity(renderCard),
  );
  const renderCustomerCard = customerCardRenderer();
  const notifier = new ProactiveNotifier({ outbox, references, renderCard, renderCustomerCard, ids, logger });
  // The workspace tab's live updates: every view the desk sends an agent also tells their open tabs.
  const events = createEventHub(config, logger, options, clock, infra);
  const ports = deskPorts(config, logger, clock, ids, {
    repositories,
    notifier: new EventingNotifier(notifier, events),
    ...reachability(events, references, infra),
  });
  // Sends to customers that reached them, or never will: an agent's message gets its delivery state, a customer
  // whose chat is gone is marked as having left. Successes of the desk's own notices change nothing, so skip them.
  settled = async (entry, outcome) => {
    if (entry.owner.kind !== 'customer') return;
    if (outcome.kind === 'delivered' && !isAgentMessage(entry.activity)) return;
    await recordDelivery(ports, entry.owner.id, entry.relaydeskId, outcome);
  };
  registerBot(config, logger, options, server, {
    ports,
    adapter,
    references,
    notifier,
    renderCard,
    prechat: createPrechat(config, logger, infra.database, ports, notifier),
    outbox,
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

/** Whether an outbound activity is an agent's own message to a customer (traced for its delivery state). */
function isAgentMessage(activity: { channelData?: unknown }): boolean {
  const data = activity.channelData as { relaydesk?: { kind?: unknown } } | undefined;
  return data?.relaydesk?.kind === 'agent-message';
}

/** The options that are set; exactOptionalPropertyTypes keeps an explicit undefined from overriding a default. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
