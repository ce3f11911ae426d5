import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { silentLogger } from '../../src/app/ports';
import { createAdapter } from '../../src/teams/adapter';

const reference = (serviceUrl: string): Partial<ConversationReference> => ({
  channelId: 'msteams',
  serviceUrl,
  conversation: { id: 'a:chat-1', isGroup: false, conversationType: 'personal', name: '' },
  bot: { id: 'relaydesk', name: 'Relaydesk' },
  user: { id: '29:ann', name: 'Ann' },
});

/** Anonymous mode, as the local clients use. */
const config = {
  microsoftAppId: '',
  microsoftAppPassword: '',
  microsoftAppTenantId: '',
  microsoftAppType: 'MultiTenant',
} as const;

/** The connector client a proactive turn was given (botbuilder keeps it in the turn state). */
async function clientOf(adapter: ReturnType<typeof createAdapter>, serviceUrl: string): Promise<unknown> {
  let client: unknown;
  await adapter.continueConversationAsync('', reference(serviceUrl), (context: TurnContext) => {
    client = context.turnState.get(context.adapter.ConnectorClientKey);
    return Promise.resolve();
  });
  return client;
}

/** The connector client and user token client an inbound turn was given (botbuilder keeps them in its turn state). */
async function inboundClientsOf(
  adapter: ReturnType<typeof createAdapter>,
  serviceUrl: string,
): Promise<{ connector: unknown; userToken: unknown }> {
  const clients = { connector: undefined as unknown, userToken: undefined as unknown };
  const activity: Partial<Activity> = {
    type: 'message',
    id: `m-${serviceUrl}`,
    text: 'hello',
    channelId: 'webchat',
    serviceUrl,
    conversation: { id: 'c-1', isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'u-1', name: 'Ann' },
    recipient: { id: 'relaydesk', name: 'Relaydesk' },
  };
  // No token: the anonymous mode the local clients use.
  await adapter.processActivityDirect('', activity as Activity, (context: TurnContext) => {
    clients.connector = context.turnState.get(context.adapter.ConnectorClientKey);
    clients.userToken = context.turnState.get((context.adapter as typeof adapter).UserTokenClientKey);
    return Promise.resolve();
  });
  return clients;
}

describe("inbound turns' clients", () => {
  it('are made once per service URL and given to every later turn from it', async () => {
    const adapter = createAdapter(config, silentLogger);
    const first = await inboundClientsOf(adapter, 'http://127.0.0.1:9/emea/');
    expect(first.connector).toBeDefined();
    expect(first.userToken).toBeDefined();
    const again = await inboundClientsOf(adapter, 'http://127.0.0.1:9/emea/');
    expect(again.connector).toBe(first.connector);
    expect(again.userToken).toBe(first.userToken);

    const other = await inboundClientsOf(adapter, 'http://127.0.0.1:9/amer/');
    expect(other.connector).toBeDefined();
    expect(other.connector).not.toBe(first.connector);
    // The user token client goes to the token service, not the service URL: one for the app.
    expect(other.userToken).toBe(first.userToken);
  });
});

describe('proactive connector clients', () => {
  it('are made once per service URL and used again by later sends', async () => {
    const adapter = createAdapter(config, silentLogger);
    const first = await clientOf(adapter, 'http://127.0.0.1:9/emea/');
    expect(first).toBeDefined();
    expect(await clientOf(adapter, 'http://127.0.0.1:9/emea/')).toBe(first);
    const other = await clientOf(adapter, 'http://127.0.0.1:9/amer/');
    expect(other).toBeDefined();
    expect(other).not.toBe(first);
    // Another adapter (another desk in the same process) keeps its own.
    expect(await clientOf(createAdapter(config, silentLogger), 'http://127.0.0.1:9/emea/')).not.toBe(first);
  });
});
