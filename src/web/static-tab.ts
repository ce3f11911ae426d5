import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type restify from 'restify';

export const TAB_PATH = '/tab';

/** dist/tab under the package root; static-tab sits two levels below it in both src/web and dist/web. */
export const DEFAULT_TAB_DIR = join(__dirname, '..', '..', 'dist', 'tab');

export interface StaticTabOptions {
  /** Where scripts/build-tab.ts wrote the bundle; defaults to dist/tab. */
  readonly dir?: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Teams shows the tab in an iframe on these hosts (web, desktop, Outlook and Microsoft 365 app hosts).
const FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.live.com',
  'https://*.teams.microsoft.us',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.cloud.microsoft',
  'https://outlook.live.com',
  'https://*.skype.com',
].join(' ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // teams-js fetches its list of valid host domains from Microsoft's CDN.
    "connect-src 'self' https://res.cdn.office.net",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${FRAME_ANCESTORS}`,
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.(?:js|css|map|svg)$/;

/**
 * GET /tab (the agent workspace page) and GET /tab/<asset> from the bundle scripts/build-tab.ts writes.
 * Files are read per request (they are small, and a rebuild needs no restart) and revalidated by ETag.
 * Only plain file names the bundle can contain are served; nothing outside the bundle folder is reachable.
 */
export function registerStaticTab(server: restify.Server, options: StaticTabOptions = {}): void {
  const dir = options.dir ?? DEFAULT_TAB_DIR;

  const serve = async (file: string, req: restify.Request, res: restify.Response) => {
    let body: Buffer;
    try {
      body = await readFile(join(dir, file));
    } catch {
      if (file === 'index.html') {
        sendText(res, 503, 'The workspace tab is not built yet: run `npm run build`.');
      } else {
        sendText(res, 404, 'Not found.');
      }
      return;
    }
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    res.header('ETag', etag);
    res.header('Cache-Control', 'no-cache');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.header(name, value);
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

  server.get(TAB_PATH, async (req: restify.Request, res: restify.Response) => serve('index.html', req, res));
  // The page loads its assets and the API relative to /tab, so /tab/ would resolve them one level too deep.
  server.get(`${TAB_PATH}/`, async (_req: restify.Request, res: restify.Response) => {
    res.header('Location', '../tab');
    res.send(308);
  });
  server.get(`${TAB_PATH}/:asset`, async (req: restify.Request, res: restify.Response) => {
    const asset = String(req.params?.asset ?? '');
    if (!ASSET_NAME.test(asset) || asset.includes('..')) {
      sendText(res, 404, 'Not found.');
      return;
    }
    await serve(asset, req, res);
  });
}

function sendText(res: restify.Response, status: number, text: string): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}
