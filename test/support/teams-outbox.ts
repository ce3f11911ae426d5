import type { ConversationReference } from 'botbuilder';
import { CardRenderer } from '../../src/cards/render-card';
import { SqlCardSlots } from '../../src/store/sql/card-slots';
import { SqlConversationReferences } from '../../src/store/sql/conversation-references';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore } from '../../src/store/sql/outbox-store';
import { composeActivity } from '../../src/teams/compose-activity';
import { ConversationReferences } from '../../src/teams/conversation-references';
import { Delivery } from '../../src/teams/delivery';
import { Outbox, type OutboxOptions } from '../../src/teams/outbox';
import { ProactiveNotifier } from '../../src/teams/proactive-notifier';
import { TeamsBudget } from '../../src/teams/teams-budget';
import { anonymousSender } from './anonymous-sender';
import { FakeConnector } from './fake-connector';
import { collectingLogger, type FakeClock } from './harness';

/**
 * The notifier and the outbox over an in-memory SQLite store, with Teams' budget, sending to a fake connector that
 * enforces Teams' limits on the test's clock; no desk around them.
 */
export interface TeamsOutbox {
  readonly database: SqlDatabase;
  readonly connector: FakeConnector;
  readonly store: SqlOutboxStore;
  readonly outbox: Outbox;
  readonly notifier: ProactiveNotifier;
  readonly lines: ReturnType<typeof collectingLogger>['lines'];
  /** Gives an agent a Teams chat in the tenant, as their first message to the bot would. */
  readonly addAgent: (agentId: string, tenantId: string) => Promise<void>;
  readonly close: () => Promise<void>;
}

export async function startTeamsOutbox(
  clock: FakeClock,
  options: {
    /** The budget over the store; Teams' published limits when omitted. */
    readonly budget?: (store: SqlOutboxStore) => TeamsBudget;
    readonly outbox?: Partial<OutboxOptions>;
  } = {},
): Promise<TeamsOutbox> {
  const connector = await FakeConnector.start({ teamsLimits: { now: () => clock.now() } });
  const database = openDatabase({ kind: 'sqlite', path: ':memory:' });
  await migrateToLatest(database);
  const { logger, lines } = collectingLogger();
  const now = () => clock.now();
  const cardSlots = new SqlCardSlots(database);
  const references = new ConversationReferences(new SqlConversationReferences(database), clock);
  const store = new SqlOutboxStore(database);
  const renderer = new CardRenderer();
  const renderCard = (view: Parameters<typeof renderer.renderAgentView>[0]) =>
    renderer.renderAgentView(view, { now: clock.now() });
  const outbox = new Outbox({
    store,
    budget: options.budget?.(store) ?? new TeamsBudget(store),
    cardSlots,
    references,
    sender: anonymousSender({
      cardSlots,
      delivery: new Delivery({ logger, delay: () => Promise.resolve(), random: () => 0.5 }),
      logger,
      now,
    }),
    logger,
    now,
    compose: composeActivity(renderCard),
    pollMs: 0,
    ...options.outbox,
  });
  const notifier = new ProactiveNotifier({
    outbox,
    references,
    renderCard,
    ids: { next: () => crypto.randomUUID() },
    logger,
  });
  return {
    database,
    connector,
    store,
    outbox,
    notifier,
    lines,
    addAgent: (agentId, tenantId) =>
      references.save({ kind: 'agent', id: agentId }, {
        channelId: 'msteams',
        serviceUrl: connector.serviceUrl,
        conversation: { id: `a:chat-${agentId}`, tenantId },
        user: { id: `29:${agentId}` },
        bot: { id: 'relaydesk-bot' },
      } as Partial<ConversationReference>),
    close: async () => {
      await outbox.stop();
      await connector.close();
      await database.close();
    },
  };
}
