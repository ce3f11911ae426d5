import type { AddressInfo } from 'node:net';
import pino from 'pino';
import restify from 'restify';
import { systemClock, type Clock, type Logger } from '../app/ports';
import type { Config, StoreKind } from '../config/config';

export interface HttpServerOptions {
  config: Pick<Config, 'host' | 'port' | 'maxBodyKb'>;
  logger: Logger;
  storeKind: StoreKind;
  version: string;
  clock?: Clock;
  /** How long close() waits for requests in flight before cutting their connections. */
  closeGraceMs?: number;
}

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
  const { config, storeKind, version } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'http' });
  const startedAt = clock.now();

  // restify's internal logger stays silent (its types still say bunyan); we log through our Logger via events instead.
  const server = restify.createServer({
    name: 'relaydesk',
    log: pino({ level: 'silent' }) as unknown as restify.ServerOptions['log'],
  });

  // Oversized bodies end as 413 and malformed JSON as 400, both as restify's JSON errors. Only JSON is parsed:
  // the full bodyParser would also accept multipart uploads to temp files, which nothing here needs.
  server.use(restify.plugins.bodyReader({ maxBodySize: config.maxBodyKb * 1024 }));
  server.use(restify.plugins.jsonBodyParser({ bodyReader: true, mapParams: false }));

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    res.header('Cache-Control', 'no-store');
    res.send(200, {
      status: 'ok',
      version,
      store: storeKind,
      uptimeSeconds: Math.max(0, Math.floor((clock.now() - startedAt) / 1000)),
    });
  });

  server.on('restifyError', (req: restify.Request, res: restify.Response, err: unknown, done: () => void) => {
    const statusCode = statusOf(err);
    if (statusCode === undefined) {
      // A programming error: log it, but never show its message to the caller.
      logger.error({ err, method: req.method, path: req.path() }, 'unhandled error in a request handler');
      if (!res.headersSent) res.send(500, { code: 'InternalError', message: 'internal error' });
    } else if (statusCode >= 500) {
      logger.error({ err, method: req.method, path: req.path(), statusCode }, 'request failed');
    } else {
      logger.debug(
        { method: req.method, path: req.path(), statusCode, reason: messageOf(err) },
        'request refused',
      );
    }
    done();
  });
  server.on('error', (err: unknown) => logger.error({ err }, 'http server error'));

  let bound: BoundAddress | undefined;
  let closing: Promise<void> | undefined;

  return {
    restify: server,
    address: () => bound,
    listen: () =>
      new Promise<BoundAddress>((resolve, reject) => {
        const onError = (err: unknown) => reject(err);
        server.server.once('error', onError);
        server.server.listen(config.port, config.host, () => {
          server.server.off('error', onError);
          const address = server.server.address() as AddressInfo;
          bound = { host: config.host, port: address.port };
          resolve(bound);
        });
      }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        if (!server.server.listening) {
          resolve();
          return;
        }
        const cutOff = setTimeout(() => server.server.closeAllConnections(), options.closeGraceMs ?? 5000);
        cutOff.unref();
        server.server.close(() => {
          clearTimeout(cutOff);
          bound = undefined;
          resolve();
        });
      });
      return closing;
    },
  };
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return undefined;
  return typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
