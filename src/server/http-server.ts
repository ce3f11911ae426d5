import type { AddressInfo } from 'node:net';
import pino from 'pino';
import restify from 'restify';
import { systemClock, type Clock, type Logger } from '../app/ports';
import type { Config, StoreKind } from '../config/config';
import { MAX_BODY_DEPTH, nestingDepth } from '../shared/json';
import { answerRequestError } from './request-errors';
import { requestRefusal, type RequestGuardOptions } from './request-guards';

export interface HttpServerOptions {
  config: Pick<Config, 'host' | 'port' | 'maxBodyKb'>;
  logger: Logger;
  storeKind: StoreKind;
  version: string;
  clock?: Clock;
  /** How long close() waits for requests in flight before cutting their connections. */
  closeGraceMs?: number;
  /** Host names served (lowercase, IPv6 in brackets); every host when undefined (authenticated mode). */
  allowedHosts?: ReadonlySet<string>;
  /** Connection limits; defaults in DEFAULT_CONNECTION_LIMITS. */
  connections?: Partial<ConnectionLimits>;
}

/** What keeps idle, slow or too many connections from using up the process's file descriptors. */
export interface ConnectionLimits {
  /** Connections open at once; further ones are closed as they arrive. */
  readonly maxConnections: number;
  /** Time a client has to send its request headers. */
  readonly headersTimeoutMs: number;
  /** Time a client has to send its whole request (headers and body); not the answer, so event streams live on. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept. */
  readonly keepAliveTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 1000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
};

export interface BoundAddress {
  host: string;
  port: number;
}

export interface HttpServer {
  /**
   * The restify server, for callers to add routes (POST /api/messages, the tab API).
   * Write handlers as async functions: a rejection answers 500 JSON, while a synchronous throw would crash.
   */
  readonly restify: restify.Server;
  listen(): Promise<BoundAddress>;
  /** The bound address once listening (the real port when config.port is 0). */
  address(): BoundAddress | undefined;
  close(): Promise<void>;
}

/** `http://host:port/path`, with IPv6 hosts in brackets. */
export function httpUrl(address: BoundAddress, path = ''): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}${path}`;
}

/** The restify server with /healthz, a capped JSON body parser and JSON errors; callers add the other routes. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'http' });

  // restify's internal logger stays silent (its types still say bunyan); we log through our Logger via events instead.
  const server = restify.createServer({
    name: 'relaydesk',
    log: pino({ level: 'silent' }) as unknown as restify.ServerOptions['log'],
  });

  server.pre(
    refuseFromHeaders({ maxBodyBytes: config.maxBodyKb * 1024, allowedHosts: options.allowedHosts }, logger),
  );

  // Oversized bodies end as 413 and malformed JSON as 400, both as restify's JSON errors. Only JSON is parsed:
  // the full bodyParser would also accept multipart uploads to temp files, which nothing here needs.
  server.use(restify.plugins.bodyReader({ maxBodySize: config.maxBodyKb * 1024 }));
  server.use(restify.plugins.jsonBodyParser({ bodyReader: true, mapParams: false }));
  server.use(refuseDeepBodies(logger));

  // HEAD too, as HTTP asks of every GET: some load balancers and monitors probe with it.
  const health = healthz({ version: options.version, storeKind: options.storeKind, clock });
  server.get('/healthz', health);
  server.head('/healthz', health);

  server.on('restifyError', answerRequestError(logger));
  server.on('error', (err: unknown) => logger.error({ err }, 'http server error'));
  applyConnectionLimits(server.server, { ...DEFAULT_CONNECTION_LIMITS, ...options.connections });

  return { restify: server, ...lifecycle(server.server, config, options.closeGraceMs ?? 5000) };
}

/**
 * Before routing and before any body is read: a compressed body, a declared length over the limit, or (in
 * anonymous mode) a Host that is not this machine's is refused from its headers, and the connection closed.
 */
function refuseFromHeaders(guards: RequestGuardOptions, logger: Logger): restify.RequestHandler {
  return (req: restify.Request, res: restify.Response, next: restify.Next) => {
    const refusal = requestRefusal(req, guards);
    if (refusal === undefined) {
      // restify's body reader takes only an absent Content-Encoding; identity is the same thing.
      delete req.headers['content-encoding'];
      next();
      return;
    }
    const fields = {
      method: req.method,
      path: req.path(),
      status: refusal.status,
      reason: refusal.reason,
      remoteAddress: req.socket.remoteAddress,
    };
    if (refusal.status === 421) logger.warn(fields, 'request refused: host not served');
    else logger.info(fields, 'request refused before its body was read');
    res.header('Connection', 'close');
    res.header('Cache-Control', 'no-store');
    res.send(refusal.status, { code: refusal.code, message: refusal.message });
    next(false);
  };
}

/**
 * A JSON body nested deeper than MAX_BODY_DEPTH is refused (400) before any route reads it: no route takes one,
 * and code that copies or prints a body (JSON.stringify, a log line) would overflow the stack on it.
 */
function refuseDeepBodies(logger: Logger): restify.RequestHandler {
  return (req: restify.Request, res: restify.Response, next: restify.Next) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) {
      next();
      return;
    }
    if (nestingDepth(body, MAX_BODY_DEPTH) <= MAX_BODY_DEPTH) {
      next();
      return;
    }
    const fields = { method: req.method, path: req.path(), remoteAddress: req.socket.remoteAddress };
    logger.info(
      { ...fields, status: 400, reason: `nested deeper than ${MAX_BODY_DEPTH} levels` },
      'request refused',
    );
    res.header('Cache-Control', 'no-store');
    res.send(400, { code: 'BadRequest', message: `The body nests deeper than ${MAX_BODY_DEPTH} levels.` });
    next(false);
  };
}

function healthz(about: { version: string; storeKind: StoreKind; clock: Clock }): restify.RequestHandler {
  const startedAt = about.clock.now();
  return (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.header('Cache-Control', 'no-store');
    res.send(200, {
      status: 'ok',
      version: about.version,
      store: about.storeKind,
      uptimeSeconds: Math.max(0, Math.floor((about.clock.now() - startedAt) / 1000)),
    });
    next();
  };
}

/** listen / address / close of the Node server; close waits `closeGraceMs` for requests in flight, then cuts them. */
function lifecycle(
  http: restify.Server['server'],
  config: Pick<Config, 'host' | 'port'>,
  closeGraceMs: number,
): Omit<HttpServer, 'restify'> {
  let bound: BoundAddress | undefined;
  let closing: Promise<void> | undefined;
  return {
    address: () => bound,
    listen: () =>
      new Promise<BoundAddress>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        http.once('error', onError);
        http.listen(config.port, config.host, () => {
          http.off('error', onError);
          const address = http.address() as AddressInfo;
          bound = { host: config.host, port: address.port };
          resolve(bound);
        });
      }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        if (!http.listening) {
          resolve();
          return;
        }
        const cutOff = setTimeout(() => http.closeAllConnections(), closeGraceMs);
        cutOff.unref();
        http.close(() => {
          clearTimeout(cutOff);
          bound = undefined;
          resolve();
        });
      });
      return closing;
    },
  };
}

function applyConnectionLimits(http: restify.Server['server'], limits: ConnectionLimits): void {
  http.maxConnections = limits.maxConnections;
  http.headersTimeout = limits.headersTimeoutMs;
  http.requestTimeout = limits.requestTimeoutMs;
  http.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node checks those timeouts every connectionsCheckingInterval (30 s by default), set up when it starts
  // listening; checking every second makes a timeout mean what it says.
  (http as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = Math.min(
    1000,
    limits.headersTimeoutMs,
  );
}
