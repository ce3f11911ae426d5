import type { ConversationReference, TurnContext } from 'botbuilder';
import { silentLogger } from '../../src/app/ports';
import { createAdapter } from '../../src/teams/adapter';

const reference = (serviceUrl: string): Partial<ConversationReference> => ({
  channelId: 'msteams',
  serviceUrl,
  conversation: { id: 'a:chat-1', isGroup: false, conversationType: 'personal', name: '' },
  bot: { id: 'relaydesk', name: 'Relaydesk' },
  user: { id: '29:ann', name: 'Ann' },
});

/** The connector client a proactive turn was given (botbuilder keeps it in the turn state). */
async function clientOf(adapter: ReturnType<typeof createAdapter>, serviceUrl: string): Promise<unknown> {
  let client: unknown;
  await adapter.continueConversationAsync('', reference(serviceUrl), (context: TurnContext) => {
    client = context.turnState.get(context.adapter.ConnectorClientKey);
    return Promise.resolve();
  });
  return client;
}

describe('proactive connector clients', () => {
  const config = {
    microsoftAppId: '',
    microsoftAppPassword: '',
    microsoftAppTenantId: '',
    microsoftAppType: 'MultiTenant',
  } as const;

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
