import { request } from 'node:http';
import { connect } from 'node:net';
import { createGzip } from 'node:zlib';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

export interface RawRequest {
  readonly method?: string;
  /** Headers as sent, Host and Content-Encoding included (fetch will not send those as given). */
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  readonly timeoutMs?: number;
}

/**
 * One HTTP request with exactly the headers given, over a fresh connection. Rejects on a connection error (the
 * server gone) or after timeoutMs, so a crash or a hang fails the test instead of stalling it.
 */
export function rawRequest(url: string, options: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = request(
      url,
      {
        method: options.method ?? 'POST',
        agent: false,
        headers: {
          ...(body !== undefined ? { 'Content-Length': String(body.length) } : {}),
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in time`)));
    // The server may answer and close before the whole body is written; the answer is what counts.
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A gzip stream of `megabytes` MB of zeros: a few hundred bytes per MB, inflated in full by a naive reader. */
export function gzipBomb(megabytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gzip = createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    gzip.on('end', () => resolve(Buffer.concat(chunks)));
    gzip.on('error', reject);
    const megabyte = Buffer.alloc(1024 * 1024);
    let written = 0;
    const writeMore = () => {
      while (written < megabytes) {
        written += 1;
        if (!gzip.write(megabyte)) {
          gzip.once('drain', writeMore);
          return;
        }
      }
      gzip.end();
    };
    writeMore();
  });
}

/** A Linux process's resident memory and its peak so far, in KiB, from /proc. */
export function memoryOf(
  pid: number,
  readStatus: (path: string) => string,
): { rssKb: number; peakKb: number } {
  const status = readStatus(`/proc/${pid}/status`);
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
}

/** Writes `text` as is to 127.0.0.1:port and resolves with everything read until the server closes. */
export function rawSocketRequest(port: number, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('no answer in time')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.write(text);
  });
}
