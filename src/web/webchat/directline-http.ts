import type restify from 'restify';
import type { DirectLineError } from './directline-contract';
import { isObject } from '../../shared/json';
import { sendJson } from '../responses';

export type Handler = (req: restify.Request, res: restify.Response) => Promise<void>;

export function sendError(
  res: restify.Response,
  status: number,
  code: string,
  message: string,
  id?: string,
): void {
  const body: DirectLineError = { error: { code, message }, ...(id !== undefined ? { id } : {}) };
  sendJson(res, status, body);
}

export function sendConversationGone(res: restify.Response): void {
  sendError(res, 404, 'ConversationNotFound', 'This conversation does not exist or has ended.');
}

export function paramOf(req: restify.Request, name: string): string {
  const params: unknown = req.params;
  const value = isObject(params) ? params[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerOf(req: restify.Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** The client's address as this server's socket sees it: what conversation starts are counted by. */
export function clientAddressOf(req: restify.Request): string {
  return req.socket.remoteAddress ?? 'unknown';
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
