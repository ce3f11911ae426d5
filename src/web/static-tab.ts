import { join } from 'node:path';
import type restify from 'restify';
import { pageSecurityHeaders, registerStaticBundle } from './static-bundle';

export const TAB_PATH = '/tab';

/** dist/tab under the package root; static-tab sits two levels below it in both src/web and dist/web. */
export const DEFAULT_TAB_DIR = join(__dirname, '..', '..', 'dist', 'tab');

export interface StaticTabOptions {
  /** Where scripts/build-tab.ts wrote the bundle; defaults to dist/tab. */
  readonly dir?: string;
}

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

// teams-js fetches its list of valid host domains from Microsoft's CDN.
const SECURITY_HEADERS = pageSecurityHeaders({
  connect: ['https://res.cdn.office.net'],
  frameAncestors: FRAME_ANCESTORS,
});

/** GET /tab (the agent workspace page) and GET /tab/<asset> from the bundle scripts/build-tab.ts writes. */
export function registerStaticTab(server: restify.Server, options: StaticTabOptions = {}): void {
  registerStaticBundle(server, {
    path: TAB_PATH,
    dir: options.dir ?? DEFAULT_TAB_DIR,
    headers: SECURITY_HEADERS,
    notBuilt: 'The workspace tab is not built yet: run `npm run build`.',
  });
}
