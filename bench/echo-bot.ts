import type { AddressInfo } from 'node:net';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
} from 'botbuilder';
import pino from 'pino';
import restify from 'restify';

/**
 * The baseline: the bare botbuilder echo bot (the EchoBot sample: CloudAdapter + restify, an ActivityHandler
 * whose onMessage answers `Echo: <text>` with context.sendActivity), in anonymous mode as Relaydesk runs under
 * `npm start` without MicrosoftAppId. Its restify server parses bodies as Relaydesk's does, so the two differ
 * by what the bot does, not by the HTTP stack.
 */
export interface RunningEchoBot {
  readonly url: string;
  /** Turns that failed (onTurnError). */
  readonly turnErrors: () => number;
  close(): Promise<void>;
}

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(MessageFactory.text(`Echo: ${context.activity.text ?? ''}`));
      await next();
    });
  }
}

export async function startEchoBot(): Promise<RunningEchoBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  let turnErrors = 0;
  adapter.onTurnError = async (context, error) => {
    turnErrors += 1;
    process.stderr.write(
      `echo bot: turn failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    await context.sendActivity('The bot encountered an error.');
  };
  const bot = new EchoBot();

  const server = restify.createServer({
    name: 'echo-bot',
    log: pino({ level: 'silent' }) as unknown as restify.ServerOptions['log'],
  });
  server.use(restify.plugins.bodyReader({ maxBodySize: 256 * 1024 }));
  server.use(restify.plugins.jsonBodyParser({ bodyReader: true, mapParams: false }));
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    // As the sample does, with the request narrowed to what CloudAdapter reads (restify's method is optional).
    const request = {
      body: req.body as Record<string, unknown>,
      headers: req.headers,
      method: req.method ?? 'POST',
    };
    await adapter.process(request, res, (context) => bot.run(context));
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    turnErrors: () => turnErrors,
    close: () =>
      new Promise<void>((resolve) => {
        server.server.closeAllConnections();
        server.server.close(() => resolve());
      }),
  };
}
