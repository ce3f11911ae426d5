import { join } from 'node:path';
import type restify from 'restify';
import { sendText } from './responses';
import { pageSecurityHeaders, registerStaticBundle } from './static-bundle';

export const CHAT_PATH = '/chat';

/** dist/chat under the package root; chat-page sits two levels below it in both src/web and dist/web. */
export const DEFAULT_CHAT_DIR = join(__dirname, '..', '..', 'dist', 'chat');

export interface ChatPageOptions {
  /** WEBCHAT=local: the page talks to the local Direct Line channel of this server. */
  readonly enabled: boolean;
  /** Where scripts/build-tab.ts wrote the bundle; defaults to dist/chat. */
  readonly dir?: string;
}

const SECURITY_HEADERS = pageSecurityHeaders({ frameAncestors: "'self'" });

const OFF_TEXT =
  'The web chat page is off: it needs the local web chat channel (WEBCHAT=local), which works only in anonymous mode (CLIENT_ID empty).';

/** GET /chat (the customer web chat page) and its assets; 404 with the reason when the local channel is off. */
export function registerChatPage(server: restify.Server, options: ChatPageOptions): void {
  if (!options.enabled) {
    const off = (_req: restify.Request, res: restify.Response, next: restify.Next) => {
      sendText(res, 404, OFF_TEXT);
      next();
    };
    server.get(CHAT_PATH, off);
    server.get(`${CHAT_PATH}/*`, off);
    return;
  }
  registerStaticBundle(server, {
    path: CHAT_PATH,
    dir: options.dir ?? DEFAULT_CHAT_DIR,
    headers: SECURITY_HEADERS,
    notBuilt: 'The web chat page is not built yet: run `npm run build`.',
  });
}
