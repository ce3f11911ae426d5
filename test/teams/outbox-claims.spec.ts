import type { ConversationReference } from 'botbuilder';
import type { CustomerMessageView } from '../../src/app/views';
import { CardRenderer } from '../../src/cards/render-card';
import { SqlCardSlots } from '../../src/store/sql/card-slots';
import { SqlConversationReferences } from '../../src/store/sql/conversation-references';
import { migrateToLatest } from '../../src/store/sql/migrate';
import { openDatabase, type SqlDatabase } from '../../src/store/sql/open-database';
import { SqlOutboxStore } from '../../src/store/sql/outbox-store';
import { composeActivity } from '../../src/teams/compose-activity';
import { ConversationReferences } from '../../src/teams/conversation-references';
import { Delivery } from '../../src/teams/delivery';
import { Outbox } from '../../src/teams/outbox';
import { ProactiveNotifier } from '../../src/teams/proactive-notifier';
import { TeamsBudget } from '../../src/teams/teams-budget';
import { anonymousSender } from '../support/anonymous-sender';
import { FakeConnector } from '../support/fake-connector';
import { FakeClock, collectingLogger } from '../support/harness';

const TENANT = 'contoso-tenant';
const START = Date.UTC(2026, 0, 5, 10, 0, 0);

const relayed = (n: number): CustomerMessageView => ({
  kind: 'customer-message',
  sessionId: 's1',
  title: 'Visitor 1',
  icon: 'V1',
  text: `message ${n}`,
  truncated: false,
  sentiment: 'Neutral',
  alert: false,
  sentAt: START,
  draft: '',
});

describe("the tenant call of a run's first send", () => {
  let database: SqlDatabase;
  let connector: FakeConnector;
  let outbox: Outbox;

  afterEach(async () => {
    await outbox?.stop();
    await connector?.close();
    await database?.close();
  });

  it('is reserved with the append that takes the lease, and each call the chat gets is counted once', async () => {
    const clock = new FakeClock(START);
    connector = await FakeConnector.start({ teamsLimits: { now: () => clock.now() } });
    database = openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrateToLatest(database);
    const { logger } = collectingLogger();
    const now = () => clock.now();
    const cardSlots = new SqlCardSlots(database);
    const references = new ConversationReferences(new SqlConversationReferences(database), clock);
    const store = new SqlOutboxStore(database);
    let reservedAtSend = 0;
    const budget = new TeamsBudget({
      reserveTenantCall: (tenant, slot, max) => {
        reservedAtSend += 1;
        return store.reserveTenantCall(tenant, slot, max);
      },
      chargeTenantCalls: (tenant, slot, calls) => store.chargeTenantCalls(tenant, slot, calls),
    });
    const renderer = new CardRenderer();
    const renderCard = (view: Parameters<typeof renderer.renderAgentView>[0]) =>
      renderer.renderAgentView(view, { now: clock.now() });
    outbox = new Outbox({
      store,
      budget,
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
      awaitDelivery: true,
      pollMs: 0,
    });
    const notifier = new ProactiveNotifier({
      outbox,
      references,
      renderCard,
      ids: { next: () => crypto.randomUUID() },
      logger,
    });
    await references.save({ kind: 'agent', id: 'alex' }, {
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      conversation: { id: 'a:chat-alex', tenantId: TENANT },
      user: { id: '29:alex' },
      bot: { id: 'relaydesk-bot' },
    } as Partial<ConversationReference>);

    // One message a second: each append finds the chat idle, takes its lease and reserves the send's call with it.
    for (let n = 1; n <= 5; n += 1) {
      await notifier.toAgent('alex', relayed(n));
      clock.advance(1_000);
    }
    expect(connector.posted('a:chat-alex')).toHaveLength(5);
    expect(reservedAtSend).toBe(0);
    const counted = await database.db
      .selectFrom('teams_tenant_calls')
      .select((eb) => eb.fn.sum<number>('calls').as('calls'))
      .where('tenant', '=', TENANT)
      .executeTakeFirst();
    expect(Number(counted?.calls)).toBe(5);

    // Eight in the same second: the chat's own budget (7 a second) holds the eighth back. Its append reserves no call
    // (the call log kept here says the send cannot go at once); the send reserves its own once the budget allows.
    for (let n = 6; n <= 13; n += 1) await notifier.toAgent('alex', relayed(n));
    expect(reservedAtSend).toBe(0);
    for (let step = 0; step < 20 && (await outbox.pending()) > 0; step += 1) {
      clock.advance(500);
      await outbox.drain();
    }
    expect(await outbox.pending()).toBe(0);
    expect(reservedAtSend).toBe(1);
    expect(connector.throttled).toEqual([]);
    const calls = connector.tenantLimits(TENANT).accepted;
    const total = await database.db
      .selectFrom('teams_tenant_calls')
      .select((eb) => eb.fn.sum<number>('calls').as('calls'))
      .where('tenant', '=', TENANT)
      .executeTakeFirst();
    expect(Number(total?.calls)).toBe(calls);
  });
});
