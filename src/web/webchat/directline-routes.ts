import type restify from 'restify';
import type { Logger } from '../../app/ports';
import { BotDelivery } from './bot-delivery';
import { registerConnectorRoutes } from './connector-routes';
import { registerCustomerRoutes } from './customer-routes';
import type { LocalDirectLine } from './local-directline';

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

/**
 * The local Direct Line channel on the restify server (see directline-contract.ts): the customer's side under
 * /v3/directline (customer-routes.ts), and the connector the desk replies through under /webchat-connector
 * (connector-routes.ts). A customer's message is kept in the transcript first, then handed to the bot by POSTing
 * it to this server's own /api/messages, so the inbound checks, rate limits and logging of every channel apply;
 * one conversation's messages are handed over one at a time, in order.
 */
export function registerDirectLine(server: restify.Server, options: DirectLineRoutesOptions): void {
  const { channel, baseUrl, maxTextChars, maxBodyBytes } = options;
  const logger = options.logger.child({ component: 'webchat' });
  const delivery = new BotDelivery(options.deliveryTimeoutMs);
  registerCustomerRoutes(server, { channel, delivery, baseUrl, logger, maxTextChars, maxBodyBytes });
  registerConnectorRoutes(server, { channel, logger });
}
