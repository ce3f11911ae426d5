import type restify from 'restify';
import type { Logger } from '../../app/ports';
import { MESSAGES_PATH } from '../../shared/paths';
import { DIRECT_LINE_PATHS, type ConversationStarted, type DirectLineError } from './directline-contract';
import {
  BOT_ACCOUNT,
  displayNameOf,
  parseWatermark,
  type Access,
  type LocalDirectLine,
  type StartRefused,
} from './local-directline';
import { isObject } from '../../shared/json';
import { sendJson } from '../responses';

/** Where the desk's replies to web chat customers go: the serviceUrl of their activities, on this server. */
export const WEBCHAT_CONNECTOR_PATH = '/webchat-connector';

const CONVERSATION_ACTIVITIES = '/v3/directline/conversations/:conversationId/activities';
const CONNECTOR_ACTIVITIES = `${WEBCHAT_CONNECTOR_PATH}/v3/conversations/:conversationId/activities`;
const CONNECTOR_ACTIVITY = `${CONNECTOR_ACTIVITIES}/:activityId`;

export interface DirectLineRoutesOptions {
  readonly channel: LocalDirectLine;
  /** This server's own base URL as seen from this machine (e.g. http://127.0.0.1:3978); known once listening. */
  readonly baseUrl: () => string | undefined;
  readonly logger: Logger;
  /** MAX_TEXT_CHARS, told to the page so it can count against it; the desk itself cuts longer text. */
  readonly maxTextChars: number;
  /** MAX_BODY_KB in bytes: the activity handed to the bot must fit the bot endpoint's body limit too. */
  readonly maxBodyBytes: number;
  /** How long handing one message to the bot may take; default 30 s. */
  readonly deliveryTimeoutMs?: number;
}

type Handler = (req: restify.Request, res: restify.Response) => Promise<void>;

/** How a hand-over to the bot went; `status` and `retryAfter` are the bot's answer, when there was one. */
type Delivery =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly status?: number; readonly retryAfter?: string };

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

/** Retry-After for a 503 from the bot that gave none (or one this channel cannot read as seconds). */
const BOT_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

function sendError(res: restify.Response, status: number, code: string, message: string, id?: string): void {
  const body: DirectLineError = { error: { code, message }, ...(id !== undefined ? { id } : {}) };
  sendJson(res, status, body);
}

function paramOf(req: restify.Request, name: string): string {
  const params: unknown = req.params;
  const value = isObject(params) ? params[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
function bearerOf(req: restify.Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** The client's address as this server's socket sees it: what conversation starts are counted by. */
function clientAddressOf(req: restify.Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** The bot's Retry-After when it is whole seconds, else the channel's own default. */
function retryAfterOf(delivery: { readonly retryAfter?: string }): string {
  const given = delivery.retryAfter?.trim();
  return given !== undefined && /^[1-9]\d{0,5}$/.test(given)
    ? given
    : String(BOT_UNAVAILABLE_RETRY_AFTER_SECONDS);
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^(?:::ffff:)?127\./.test(address);
}

/** A connection from this machine: loopback, or from the very address it came in on. */
export function fromThisMachine(socket: {
  remoteAddress?: string | undefined;
  localAddress?: string | undefined;
}): boolean {
  const { remoteAddress, localAddress } = socket;
  if (remoteAddress === undefined) return false;
  return isLoopback(remoteAddress) || remoteAddress === localAddress;
}

/**
 * The local Direct Line channel on the restify server (see directline-contract.ts): the customer's side under
 * /v3/directline, and the connector the desk replies through under /webchat-connector. A customer's message is
 * kept in the transcript first, then handed to the bot by POSTing it to this server's own /api/messages, so
 * the inbound checks, rate limits and logging of every channel apply; one conversation's messages are handed
 * over one at a time, in order.
 */
export function registerDirectLine(server: restify.Server, options: DirectLineRoutesOptions): void {
  const { channel } = options;
  const logger = options.logger.child({ component: 'webchat' });
  const deliveries = new Map<string, Promise<unknown>>();

  /** The caller's access, or undefined once a 401 / 404 has been answered and logged. */
  function authorized(
    req: restify.Request,
    res: restify.Response,
    conversationId?: string,
  ): Access | undefined {
    const outcome = channel.authorize(conversationId, bearerOf(req));
    if (outcome.ok) return outcome;
    const fields = { route: req.path(), method: req.method, status: outcome.status, reason: outcome.reason };
    logger.info(
      conversationId !== undefined ? { ...fields, conversationId } : fields,
      'webchat call refused',
    );
    if (outcome.status === 404) {
      sendError(res, 404, 'ConversationNotFound', 'This conversation does not exist or has ended.');
    } else {
      res.header('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'Unauthorized', 'A valid token for this conversation is required.');
    }
    return undefined;
  }

  function started(conversationId: string, token: string, expiresIn: number): ConversationStarted {
    return { conversationId, token, expires_in: expiresIn, maxTextChars: options.maxTextChars };
  }

  /** Answers a refused start with Retry-After; the first refusal of a burst is logged, the rest only at debug. */
  function refuseStart(res: restify.Response, refusal: StartRefused, remoteAddress: string): void {
    const { status, retryAfterSeconds } = refusal;
    const answer = START_REFUSALS[status];
    const limit =
      status === 429 ? channel.limits.maxStartsPerMinutePerAddress : channel.limits.maxConversations;
    const fields = { remoteAddress, status, retryAfterSeconds, limit };
    if (refusal.firstOfBurst) logger.warn(fields, answer.log);
    else logger.debug(fields, answer.log);
    res.header('Retry-After', String(retryAfterSeconds));
    sendError(res, status, answer.code, answer.message);
  }

  const startConversation: Handler = async (req, res) => {
    const remoteAddress = clientAddressOf(req);
    const conversation = channel.start(remoteAddress);
    for (const conversationId of conversation.endedIdle) {
      logger.info({ conversationId, reason: 'idle' }, 'webchat conversation ended: idle');
    }
    if (!conversation.ok) {
      refuseStart(res, conversation, remoteAddress);
      return;
    }
    logger.info(
      { conversationId: conversation.conversationId, userId: conversation.userId },
      'webchat conversation started',
    );
    sendJson(
      res,
      201,
      started(conversation.conversationId, conversation.token, conversation.expiresInSeconds),
    );
  };

  const refreshToken: Handler = async (req, res) => {
    const access = authorized(req, res);
    if (!access) return;
    const issued = channel.issueToken(access.conversationId);
    sendJson(res, 200, started(issued.conversationId, issued.token, issued.expiresInSeconds));
  };

  const postActivity: Handler = async (req, res) => {
    const conversationId = paramOf(req, 'conversationId');
    const access = authorized(req, res, conversationId);
    if (!access) return;
    const body: unknown = req.body;
    const problem = postedProblem(body);
    if (problem !== undefined || !isObject(body) || typeof body['text'] !== 'string') {
      logger.info({ conversationId, userId: access.userId, reason: problem }, 'webchat message refused');
      sendError(res, 400, 'BadArgument', `Not a message this channel takes: ${problem ?? 'no text'}.`);
      return;
    }
    const base = options.baseUrl();
    if (base === undefined) {
      sendError(res, 503, 'ServiceUnavailable', 'The server is not listening yet.');
      return;
    }
    const name = displayNameOf(isObject(body['from']) ? body['from']['name'] : undefined);
    const activity = channel.addCustomerMessage(access, body['text'], name);
    const forBot = {
      ...activity,
      serviceUrl: `${base}${WEBCHAT_CONNECTOR_PATH}/`,
      recipient: BOT_ACCOUNT,
    };
    const fields = { conversationId, userId: access.userId, activityId: activity.id };
    const json = JSON.stringify(forBot);
    if (Buffer.byteLength(json, 'utf8') > options.maxBodyBytes) {
      channel.withdraw(conversationId, activity.id);
      logger.info({ ...fields, reason: 'too large' }, 'webchat message refused');
      sendError(res, 413, 'RequestEntityTooLarge', 'The message is too large.');
      return;
    }
    const delivered = await inOrder(conversationId, () => deliver(`${base}${MESSAGES_PATH}`, json));
    if (delivered.ok) {
      logger.debug(fields, 'webchat message delivered');
      sendJson(res, 200, { id: activity.id });
      return;
    }
    channel.withdraw(conversationId, activity.id);
    logger.warn({ ...fields, reason: delivered.reason }, 'webchat message not taken by the bot');
    refuseMessage(res, delivered, activity.id);
  };

  /** The bot did not take the message: 503 with Retry-After when the bot said it is unavailable, else 502. */
  function refuseMessage(
    res: restify.Response,
    delivered: Extract<Delivery, { ok: false }>,
    activityId: string,
  ): void {
    if (delivered.status === 503) {
      res.header('Retry-After', retryAfterOf(delivered));
      const message = 'The desk cannot take messages right now; please send it again shortly.';
      sendError(res, 503, 'ServiceUnavailable', message, activityId);
      return;
    }
    sendError(res, 502, 'BotError', 'The message could not be delivered; please send it again.', activityId);
  }

  const getActivities: Handler = async (req, res) => {
    const conversationId = paramOf(req, 'conversationId');
    const access = authorized(req, res, conversationId);
    if (!access) return;
    const query = req.getQuery();
    const given = typeof query === 'string' ? new URLSearchParams(query).get('watermark') : null;
    const watermark = parseWatermark(given ?? undefined);
    if (watermark === undefined) {
      sendError(res, 400, 'BadArgument', 'The watermark must be a whole number.');
      return;
    }
    sendJson(res, 200, channel.activitiesSince(access.conversationId, watermark));
  };

  /** The connector's calls come from the bot in this process; refused (403) from elsewhere, 404 for a gone conversation. */
  function connectorCall(req: restify.Request, res: restify.Response): string | undefined {
    const conversationId = paramOf(req, 'conversationId');
    const fields = { route: req.path(), method: req.method, conversationId };
    if (!fromThisMachine(req.socket)) {
      logger.warn({ ...fields, remoteAddress: req.socket.remoteAddress }, 'webchat connector call refused');
      sendError(res, 403, 'Forbidden', 'Only the desk on this machine may call the connector.');
      return undefined;
    }
    if (!channel.has(conversationId)) {
      logger.info({ ...fields, reason: 'no such conversation' }, 'webchat connector call refused');
      sendError(res, 404, 'ConversationNotFound', 'This conversation does not exist or has ended.');
      return undefined;
    }
    if (!isObject(req.body)) {
      sendError(res, 400, 'BadArgument', 'The body must be an activity.');
      return undefined;
    }
    return conversationId;
  }

  const connectorSend: Handler = async (req, res) => {
    const conversationId = connectorCall(req, res);
    if (conversationId === undefined) return;
    const replyToId = paramOf(req, 'activityId');
    const id = channel.addBotActivity(conversationId, req.body as object, replyToId || undefined);
    if (id === undefined) {
      sendError(res, 404, 'ConversationNotFound', 'This conversation does not exist or has ended.');
      return;
    }
    sendJson(res, 200, { id });
  };

  const connectorUpdate: Handler = async (req, res) => {
    const conversationId = connectorCall(req, res);
    if (conversationId === undefined) return;
    const activityId = paramOf(req, 'activityId');
    const id = channel.updateBotActivity(conversationId, activityId, req.body as object);
    if (id === undefined) {
      logger.info({ conversationId, activityId }, 'webchat connector update of an unknown activity');
      sendError(res, 404, 'ActivityNotFound', 'There is no such activity in this conversation.');
      return;
    }
    sendJson(res, 200, { id });
  };

  /** Runs one conversation's hand-overs one after another, so the bot gets them in transcript order. */
  function inOrder<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = deliveries.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    deliveries.set(conversationId, next);
    const forget = () => {
      if (deliveries.get(conversationId) === next) deliveries.delete(conversationId);
    };
    next.then(forget, forget);
    return next;
  }

  async function deliver(url: string, json: string): Promise<Delivery> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: json,
        signal: AbortSignal.timeout(options.deliveryTimeoutMs ?? 30_000),
      });
      await response.arrayBuffer();
      if (response.ok) return { ok: true };
      const retryAfter = response.headers.get('retry-after');
      return {
        ok: false,
        reason: `the bot answered ${response.status}`,
        status: response.status,
        ...(retryAfter !== null ? { retryAfter } : {}),
      };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  server.post(DIRECT_LINE_PATHS.conversations, startConversation);
  server.post(DIRECT_LINE_PATHS.refresh, refreshToken);
  server.post(CONVERSATION_ACTIVITIES, postActivity);
  server.get(CONVERSATION_ACTIVITIES, getActivities);
  server.post(CONNECTOR_ACTIVITIES, connectorSend);
  server.post(CONNECTOR_ACTIVITY, connectorSend);
  server.put(CONNECTOR_ACTIVITY, connectorUpdate);
}

/** Why a posted body is not a message this channel takes, or undefined. */
export function postedProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object (an activity)';
  if (body['type'] !== 'message') return 'only message activities are taken';
  if (typeof body['text'] !== 'string' || body['text'].trim() === '')
    return 'text must be a non-empty string';
  const attachments = body['attachments'];
  if (
    attachments !== undefined &&
    attachments !== null &&
    !(Array.isArray(attachments) && attachments.length === 0)
  ) {
    return 'attachments are not taken';
  }
  if (body['value'] !== undefined && body['value'] !== null) return 'values (card submits) are not taken';
  return undefined;
}
