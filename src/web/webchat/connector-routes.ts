import type restify from 'restify';
import type { Logger } from '../../app/ports';
import { fromThisMachine, paramOf, sendConversationGone, sendError, type Handler } from './directline-http';
import type { LocalDirectLine } from './local-directline';
import { isObject } from '../../shared/json';
import { sendJson } from '../responses';

/** Where the desk's replies to web chat customers go: the serviceUrl of their activities, on this server. */
export const WEBCHAT_CONNECTOR_PATH = '/webchat-connector';

const CONNECTOR_ACTIVITIES = `${WEBCHAT_CONNECTOR_PATH}/v3/conversations/:conversationId/activities`;
const CONNECTOR_ACTIVITY = `${CONNECTOR_ACTIVITIES}/:activityId`;

export interface ConnectorRoutesOptions {
  readonly channel: LocalDirectLine;
  /** The channel's logger (component webchat). */
  readonly logger: Logger;
}

/**
 * The connector the desk replies through, under /webchat-connector: sends and replies (POST) and updates (PUT) of
 * the desk's activities, kept in the conversation's transcript.
 */
export function registerConnectorRoutes(server: restify.Server, options: ConnectorRoutesOptions): void {
  const { channel, logger } = options;

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
      sendConversationGone(res);
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
    const id = await channel.addBotActivity(conversationId, req.body as object, replyToId || undefined);
    if (id === undefined) {
      sendConversationGone(res);
      return;
    }
    sendJson(res, 200, { id });
  };

  const connectorUpdate: Handler = async (req, res) => {
    const conversationId = connectorCall(req, res);
    if (conversationId === undefined) return;
    const activityId = paramOf(req, 'activityId');
    const id = await channel.updateBotActivity(conversationId, activityId, req.body as object);
    if (id === undefined) {
      logger.info({ conversationId, activityId }, 'webchat connector update of an unknown activity');
      sendError(res, 404, 'ActivityNotFound', 'There is no such activity in this conversation.');
      return;
    }
    sendJson(res, 200, { id });
  };

  server.post(CONNECTOR_ACTIVITIES, connectorSend);
  server.post(CONNECTOR_ACTIVITY, connectorSend);
  server.put(CONNECTOR_ACTIVITY, connectorUpdate);
}
