import type { CloudAdapter, TurnContext } from 'botbuilder';
import type restify from 'restify';
import type { Logger } from '../app/ports';
import { activityProblem, authorizationProblem } from './inbound-checks';

export const MESSAGES_PATH = '/api/messages';

export interface MessagesEndpointOptions {
  readonly adapter: Pick<CloudAdapter, 'process'>;
  readonly bot: { run(context: TurnContext): Promise<void> };
  /** Anonymous mode takes requests without a token, as the Emulator and the Agents Playground send them. */
  readonly anonymous: boolean;
  readonly logger: Logger;
}

/**
 * POST /api/messages: refuses an obviously unauthenticated request (401) and a body that is not an activity
 * (400) with a JSON error, then lets the CloudAdapter authenticate the token and run the bot.
 */
export function registerMessagesEndpoint(server: restify.Server, options: MessagesEndpointOptions): void {
  const logger = options.logger.child({ component: 'messages' });
  server.post(MESSAGES_PATH, async (req: restify.Request, res: restify.Response) => {
    if (!options.anonymous) {
      const problem = authorizationProblem(req.headers.authorization);
      if (problem) {
        logger.info({ reason: problem }, 'request refused: not authenticated');
        res.send(401, { code: 'Unauthorized', message: 'A valid Bot Framework token is required.' });
        return;
      }
    }
    const problem = activityProblem(req.body);
    if (problem) {
      logger.info({ reason: problem }, 'request refused: not an activity');
      res.send(400, { code: 'BadRequest', message: `Not a valid activity: ${problem}.` });
      return;
    }
    const request = {
      body: req.body as Record<string, unknown>,
      headers: req.headers,
      method: req.method ?? 'POST',
    };
    await options.adapter.process(request, res, (context) => options.bot.run(context));
  });
}
