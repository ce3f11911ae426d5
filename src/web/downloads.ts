import type restify from 'restify';
import type { Logger } from '../app/ports';

/** A file the API hands over as a download: its type and name, never cached, never sniffed as something else. */
function downloadHeaders(contentType: string, fileName: string): Record<string, string> {
  // The names are the desk's own (ASCII words and a date); anything else is replaced rather than escaped.
  const name = fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  return {
    'Content-Type': contentType,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}

export const TEXT_FILE = 'text/plain; charset=utf-8';
export const CSV_FILE = 'text/csv; charset=utf-8';

/** A whole file, written as it is (restify's formatters are not involved). */
export function sendDownload(
  res: restify.Response,
  contentType: string,
  file: { readonly fileName: string; readonly text: string },
): void {
  const body = Buffer.from(file.text, 'utf8');
  res.writeHead(200, {
    ...downloadHeaders(contentType, file.fileName),
    'Content-Length': String(body.length),
  });
  res.end(body);
}

/** Resolves once the socket takes more (or has gone, which the caller then sees). */
function drained(res: restify.Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * A file written as its chunks are read. The first chunk is read before anything is sent, so a failure there is
 * answered as any other (503 for the store); one later can only cut the download off, which is logged.
 */
export async function streamDownload(
  res: restify.Response,
  contentType: string,
  fileName: string,
  chunks: AsyncIterator<string, void>,
  logger: Logger,
): Promise<void> {
  let next = await chunks.next();
  res.writeHead(200, downloadHeaders(contentType, fileName));
  try {
    while (!next.done) {
      if (res.destroyed) return;
      if (!res.write(next.value)) await drained(res);
      next = await chunks.next();
    }
    res.end();
  } catch (error) {
    logger.error({ err: error, fileName }, 'download failed part-way: the file was cut off');
    res.destroy();
  }
}
