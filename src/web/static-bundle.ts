import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type restify from 'restify';
import { isObject } from '../shared/json';
import { sendText } from './responses';

export interface StaticBundleOptions {
  /** The page's path, e.g. `/tab`; its assets are under `<path>/`. */
  readonly path: string;
  /** The folder scripts/build-tab.ts wrote the bundle to. */
  readonly dir: string;
  /** Sent with every file: the Content-Security-Policy and the other security headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** The 503 text when the bundle's index.html is missing. */
  readonly notBuilt: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The security headers of a bundled page: everything from this origin only, except what the page also needs to
 * reach (`connect`) and who may frame it (`frameAncestors`).
 */
export function pageSecurityHeaders(allow: {
  readonly connect?: readonly string[];
  readonly frameAncestors: string;
}): Readonly<Record<string, string>> {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      ["connect-src 'self'", ...(allow.connect ?? [])].join(' '),
      "base-uri 'none'",
      "form-action 'self'",
      `frame-ancestors ${allow.frameAncestors}`,
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.(?:js|css|map|svg)$/;

/**
 * GET <path> (the page) and GET <path>/<asset> from an esbuild bundle folder. Files are read per request (they
 * are small, and a rebuild needs no restart) and revalidated by ETag. Only plain file names the bundle can
 * contain are served; nothing outside the bundle folder is reachable.
 */
export function registerStaticBundle(server: restify.Server, options: StaticBundleOptions): void {
  const { dir, path } = options;
  const page = path.slice(path.lastIndexOf('/') + 1);

  const serve = async (file: string, req: restify.Request, res: restify.Response) => {
    let body: Buffer;
    try {
      body = await readFile(join(dir, file));
    } catch {
      if (file === 'index.html') sendText(res, 503, options.notBuilt);
      else sendText(res, 404, 'Not found.');
      return;
    }
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    res.header('ETag', etag);
    res.header('Cache-Control', 'no-cache');
    for (const [name, value] of Object.entries(options.headers)) res.header(name, value);
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304);
      res.end();
      return;
    }
    const extension = file.slice(file.lastIndexOf('.'));
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'Content-Length': body.length,
    });
    res.end(body);
  };

  server.get(path, async (req: restify.Request, res: restify.Response) => serve('index.html', req, res));
  // The page loads its assets and its API relative to <path>, so <path>/ would resolve them one level too deep.
  server.get(`${path}/`, (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.header('Location', `../${page}`);
    res.send(308);
    next();
  });
  server.get(`${path}/:asset`, async (req: restify.Request, res: restify.Response) => {
    const params: unknown = req.params;
    const asset = isObject(params) && typeof params['asset'] === 'string' ? params['asset'] : '';
    if (!ASSET_NAME.test(asset) || asset.includes('..')) {
      sendText(res, 404, 'Not found.');
      return;
    }
    await serve(asset, req, res);
  });
}
