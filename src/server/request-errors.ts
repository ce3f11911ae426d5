import type restify from 'restify';
import type { Logger } from '../app/ports';
import { isStoreFailure } from '../store/store-failures';

/**
 * The server's `restifyError` listener: a failed store answers 503 (retry), a programming error 500 without its
 * message, and restify's own 4xx/5xx errors are only logged.
 */
export function answerRequestError(logger: Logger) {
  return (req: restify.Request, res: restify.Response, err: unknown, done: () => void): void => {
    const statusCode = statusOf(err);
    if (statusCode === undefined && isStoreFailure(err)) {
      // Nothing was stored: the caller may try again shortly (the tab does, on its own).
      logger.error(
        { err, method: req.method, path: req.path(), statusCode: 503 },
        'request failed: the store failed',
      );
      if (!res.headersSent) {
        res.header('Retry-After', '5');
        res.send(503, {
          code: 'ServiceUnavailable',
          message: 'The desk could not store this; try again shortly.',
        });
      }
    } else if (statusCode === undefined) {
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
  };
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return undefined;
  return typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
