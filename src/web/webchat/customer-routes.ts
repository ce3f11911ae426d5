import type restify from 'restify';
import type { Logger } from '../../app/ports';
import { MESSAGES_PATH } from '../../shared/paths';
import { isObject } from '../../shared/json';
import { sendJson } from '../responses';
import { retryAfterOf, type BotDelivery, type FailedDelivery } from './bot-delivery';
import { BOT_ACCOUNT, displayNameOf, parseWatermark } from './channel-activities';
import type { Access, StartRefused } from './channel-outcomes';
import { WEBCHAT_CONNECTOR_PATH } from './connector-routes';
import { DIRECT_LINE_PATHS, type ChatActivity, type ConversationStarted } from './directline-contract';
import {
  bearerOf,
  clientAddressOf,
  paramOf,
  sendConversationGone,
  sendError,
  type Handler,
} from './directline-http';
import type { LocalDirectLine } from './local-directline';
import { postedProblem, postedValue } from './posted-activity';

const CONVERSATION_ACTIVITIES = '/v3/directline/conversations/:conversationId/activities';

export interface CustomerRoutesOptions {
  readonly channel: LocalDirectLine;
  readonly delivery: BotDelivery;
  /** This server's own base URL as seen from this machine; known once listening. */
  readonly baseUrl: () => string | undefined;
  /** The channel's logger (component webchat). */
  readonly logger: Logger;
  readonly maxTextChars: number;
  readonly maxBodyBytes: number;
}

/** What a refused start is answered and logged with. */
const START_REFUSALS = {
  429: {
    code: 'TooManyRequests',
    message: 'Too many conversations were started from here; try again later.',
    log: 'webchat conversation start refused: too many from this address',
  },
  503: {
    code: 'ServiceUnavailable',
    message: 'The chat is full right now; try again later.',
    log: 'webchat conversation start refused: the channel is full',
  },
} as const;

/**
 * The customer's side under /v3/directline: starting a conversation, refreshing its token, posting a message
 * (kept in the transcript first, then handed to the bot) and reading the activities after a watermark.
 */
export function registerCustomerRoutes(server: restify.Server, options: CustomerRoutesOptions): void {
  const routes = new CustomerRoutes(options);
  server.post(DIRECT_LINE_PATHS.conversations, routes.startConversation);
  server.post(DIRECT_LINE_PATHS.refresh, routes.refreshToken);
  server.post(CONVERSATION_ACTIVITIES, routes.postActivity);
  server.get(CONVERSATION_ACTIVITIES, routes.getActivities);
}

class CustomerRoutes {
  private readonly channel: LocalDirectLine;
  private readonly logger: Logger;

  constructor(private readonly options: CustomerRoutesOptions) {
    this.channel = options.channel;
    this.logger = options.logger;
  }

  readonly startConversation: Handler = async (req, res) => {
    const remoteAddress = clientAddressOf(req);
    const conversation = await this.channel.start(remoteAddress);
    for (const conversationId of conversation.endedIdle) {
      this.logger.info({ conversationId, reason: 'idle' }, 'webchat conversation ended: idle');
    }
    if (!conversation.ok) {
      this.refuseStart(res, conversation, remoteAddress);
      return;
    }
    const { conversationId, userId, token, expiresInSeconds } = conversation;
    this.logger.info({ conversationId, userId }, 'webchat conversation started');
    sendJson(res, 201, this.started(conversationId, token, expiresInSeconds));
  };

  readonly refreshToken: Handler = async (req, res) => {
    const access = await this.authorized(req, res);
    if (!access) return;
    const issued = await this.channel.issueToken(access.conversationId);
    sendJson(res, 200, this.started(issued.conversationId, issued.token, issued.expiresInSeconds));
  };

  readonly postActivity: Handler = async (req, res) => {
    const conversationId = paramOf(req, 'conversationId');
    const access = await this.authorized(req, res, conversationId);
    if (!access) return;
    const body: unknown = req.body;
    const problem = postedProblem(body);
    if (problem !== undefined || !isObject(body) || typeof body['text'] !== 'string') {
      this.logger.info({ conversationId, userId: access.userId, reason: problem }, 'webchat message refused');
      sendError(res, 400, 'BadArgument', `Not a message this channel takes: ${problem ?? 'no text'}.`);
      return;
    }
    const base = this.options.baseUrl();
    if (base === undefined) {
      sendError(res, 503, 'ServiceUnavailable', 'The server is not listening yet.');
      return;
    }
    const name = displayNameOf(isObject(body['from']) ? body['from']['name'] : undefined);
    const activity = await this.channel.addCustomerMessage(access, body['text'], name, postedValue(body));
    await this.handToBot(res, base, access, activity);
  };

  readonly getActivities: Handler = async (req, res) => {
    const conversationId = paramOf(req, 'conversationId');
    const access = await this.authorized(req, res, conversationId);
    if (!access) return;
    const query = req.getQuery();
    const given = typeof query === 'string' ? new URLSearchParams(query).get('watermark') : null;
    const watermark = parseWatermark(given ?? undefined);
    if (watermark === undefined) {
      sendError(res, 400, 'BadArgument', 'The watermark must be a whole number.');
      return;
    }
    sendJson(res, 200, this.channel.activitiesSince(access.conversationId, watermark));
  };

  /** Hands the kept message to the bot; one it cannot take (too large, or refused) is withdrawn again. */
  private async handToBot(
    res: restify.Response,
    base: string,
    access: Access,
    activity: ChatActivity,
  ): Promise<void> {
    const { conversationId } = access;
    const forBot = { ...activity, serviceUrl: `${base}${WEBCHAT_CONNECTOR_PATH}/`, recipient: BOT_ACCOUNT };
    const fields = { conversationId, userId: access.userId, activityId: activity.id };
    const json = JSON.stringify(forBot);
    if (Buffer.byteLength(json, 'utf8') > this.options.maxBodyBytes) {
      await this.channel.withdraw(conversationId, activity.id);
      this.logger.info({ ...fields, reason: 'too large' }, 'webchat message refused');
      sendError(res, 413, 'RequestEntityTooLarge', 'The message is too large.');
      return;
    }
    const delivered = await this.options.delivery.deliver(conversationId, `${base}${MESSAGES_PATH}`, json);
    if (delivered.ok) {
      this.logger.debug(fields, 'webchat message delivered');
      sendJson(res, 200, { id: activity.id });
      return;
    }
    await this.channel.withdraw(conversationId, activity.id);
    this.logger.warn({ ...fields, reason: delivered.reason }, 'webchat message not taken by the bot');
    this.refuseMessage(res, delivered, activity.id);
  }

  /** The caller's access, or undefined once a 401 / 404 has been answered and logged. */
  private async authorized(
    req: restify.Request,
    res: restify.Response,
    conversationId?: string,
  ): Promise<Access | undefined> {
    const outcome = await this.channel.authorize(conversationId, bearerOf(req));
    if (outcome.ok) return outcome;
    const fields = { route: req.path(), method: req.method, status: outcome.status, reason: outcome.reason };
    this.logger.info(
      conversationId !== undefined ? { ...fields, conversationId } : fields,
      'webchat call refused',
    );
    if (outcome.status === 404) {
      sendConversationGone(res);
    } else {
      res.header('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'Unauthorized', 'A valid token for this conversation is required.');
    }
    return undefined;
  }

  private started(conversationId: string, token: string, expiresIn: number): ConversationStarted {
    return { conversationId, token, expires_in: expiresIn, maxTextChars: this.options.maxTextChars };
  }

  /** Answers a refused start with Retry-After; the first refusal of a burst is logged, the rest only at debug. */
  private refuseStart(res: restify.Response, refusal: StartRefused, remoteAddress: string): void {
    const { status, retryAfterSeconds } = refusal;
    const answer = START_REFUSALS[status];
    const { limits } = this.channel;
    const limit = status === 429 ? limits.maxStartsPerMinutePerAddress : limits.maxConversations;
    const fields = { remoteAddress, status, retryAfterSeconds, limit };
    if (refusal.firstOfBurst) this.logger.warn(fields, answer.log);
    else this.logger.debug(fields, answer.log);
    res.header('Retry-After', String(retryAfterSeconds));
    sendError(res, status, answer.code, answer.message);
  }

  /** The bot did not take the message: 503 with Retry-After when the bot said it is unavailable, else 502. */
  private refuseMessage(res: restify.Response, delivered: FailedDelivery, activityId: string): void {
    if (delivered.status === 503) {
      res.header('Retry-After', retryAfterOf(delivered));
      const message = 'The desk cannot take messages right now; please send it again shortly.';
      sendError(res, 503, 'ServiceUnavailable', message, activityId);
      return;
    }
    sendError(res, 502, 'BotError', 'The message could not be delivered; please send it again.', activityId);
  }
}
