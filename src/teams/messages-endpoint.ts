import type { CloudAdapter, TurnContext } from 'botbuilder';
import type restify from 'restify';
import type { LogFields, Logger } from '../app/ports';
import { isStoreFailure } from '../store/store-failures';
import { isObject } from '../shared/json';
import { HeldResponse } from './held-response';
import { activityProblem, authorizationProblem } from './inbound-checks';
import { MESSAGES_PATH } from '../shared/paths';

export { MESSAGES_PATH };

/** How long a turn may take before it is answered 503, unless TURN_DEADLINE_S says otherwise. */
export const DEFAULT_TURN_DEADLINE_MS = 15_000;

/** Seconds a channel is asked to wait before sending again an activity answered 503. */
const RETRY_AFTER_SECONDS = 5;

export interface MessagesEndpointOptions {
  readonly adapter: Pick<CloudAdapter, 'process'>;
  readonly bot: { run(context: TurnContext): Promise<void> };
  /** Anonymous mode takes requests without a token, as the Emulator and the Agents Playground send them. */
  readonly anonymous: boolean;
  readonly logger: Logger;
  /** A turn still running after this long is answered 503; it may finish later, but is not answered twice. */
  readonly turnDeadlineMs?: number;
}

type TurnOutcome = { kind: 'done' } | { kind: 'failed'; error: unknown } | { kind: 'late' };

/**
 * POST /api/messages: refuses an obviously unauthenticated request (401) and a body that is not an activity
 * (400) with a JSON error, then lets the CloudAdapter authenticate the token and run the bot.
 *
 * A turn that threw (the store failing, say) or ran past its deadline is answered 5xx, whatever botbuilder's
 * onTurnError made of it: a channel that is told 200 takes the message as delivered, and it was not stored.
 */
export function registerMessagesEndpoint(server: restify.Server, options: MessagesEndpointOptions): void {
  const logger = options.logger.child({ component: 'messages' });
  const deadlineMs = options.turnDeadlineMs ?? DEFAULT_TURN_DEADLINE_MS;
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
    const body = req.body as Record<string, unknown>;
    const request = { body, headers: req.headers, method: req.method ?? 'POST' };
    const fields = idsOf(body);
    const held = new HeldResponse();
    let failure: { error: unknown } | undefined;
    const turn = options.adapter
      .process(request, held, async (context) => {
        try {
          await options.bot.run(context);
        } catch (error) {
          failure = { error };
          throw error;
        }
      })
      .then(
        (): TurnOutcome => (failure ? { kind: 'failed', error: failure.error } : { kind: 'done' }),
        (error: unknown): TurnOutcome => ({ kind: 'failed', error }),
      );
    const outcome = await withinDeadline(turn, deadlineMs);
    switch (outcome.kind) {
      case 'done':
        replay(held, res);
        return;
      case 'failed':
        answerFailedTurn(res, logger, fields, outcome.error);
        return;
      case 'late':
        logger.error({ ...fields, deadlineMs }, 'turn ran past its deadline: answered 503');
        unavailable(res, 'The desk is slow to answer; please send the message again shortly.');
        void turn.then((late) =>
          logger.warn(
            { ...fields, outcome: late.kind },
            'turn finished after its deadline (answered 503 already; a resend may repeat it)',
          ),
        );
        return;
    }
  });
}

function withinDeadline(turn: Promise<TurnOutcome>, deadlineMs: number): Promise<TurnOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<TurnOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'late' }), deadlineMs);
  });
  return Promise.race([turn, late]).finally(() => clearTimeout(timer));
}

/** What botbuilder answered, now sent for real. */
function replay(held: HeldResponse, res: restify.Response): void {
  const { status, headers, body } = held.answer;
  for (const [name, value] of headers) res.header(name, value);
  res.status(status);
  if (body !== undefined && body !== null && body !== '') res.send(body);
  res.end();
}

/**
 * The turn threw: the activity may not be stored. A store that failed is a 503 (the channel sends it again
 * later); anything else a 500. onTurnError has logged the error itself; this line says what was answered.
 */
function answerFailedTurn(res: restify.Response, logger: Logger, fields: LogFields, error: unknown): void {
  if (isStoreFailure(error)) {
    logger.error(
      { ...fields, status: 503, reason: messageOf(error) },
      'activity not stored: the store failed',
    );
    unavailable(res, 'The desk could not store this activity; please send it again shortly.');
    return;
  }
  logger.error({ ...fields, status: 500, reason: messageOf(error) }, 'activity not handled: the turn failed');
  res.send(500, { code: 'InternalError', message: 'The desk could not handle this activity.' });
}

function unavailable(res: restify.Response, message: string): void {
  res.header('Retry-After', String(RETRY_AFTER_SECONDS));
  res.send(503, { code: 'ServiceUnavailable', message });
}

function idsOf(body: Record<string, unknown>): LogFields {
  const conversation = body['conversation'];
  const from = body['from'];
  return {
    activityId: body['id'],
    activityType: body['type'],
    channelId: body['channelId'],
    conversationId: isObject(conversation) ? conversation['id'] : undefined,
    fromId: isObject(from) ? from['id'] : undefined,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
