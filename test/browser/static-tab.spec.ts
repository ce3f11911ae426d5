import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpServer, httpUrl, type HttpServer } from '../../src/server/http-server';
import { registerStaticTab } from '../../src/web/static-tab';
import { collectingLogger } from '../support/harness';

/** GET /tab and its assets, on the real restify server, from a bundle folder made up for the test. */
describe('the static tab route', () => {
  let dir: string;
  let server: HttpServer;
  let base: string;

  async function start(bundleDir: string): Promise<void> {
    server = createHttpServer({
      config: { host: '127.0.0.1', port: 0, maxBodyKb: 256 },
      logger: collectingLogger().logger,
      storeKind: 'memory',
      version: '0.0.0-test',
    });
    registerStaticTab(server.restify, { dir: bundleDir });
    base = httpUrl(await server.listen());
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-tab-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>tab</title>');
    writeFileSync(join(dir, 'app.js'), 'export {};');
    writeFileSync(join(dir, 'teams-sdk-AB12CD34.js'), 'export {};');
    writeFileSync(join(dir, 'secret.txt'), 'not an asset');
    await start(dir);
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with a CSP that lets only Teams (and the page itself) frame it', async () => {
    const response = await fetch(`${base}/tab`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/frame-ancestors 'self' https:\/\/teams\.microsoft\.com /);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>tab</title>');
  });

  it('answers 304 to a request that already has the current version', async () => {
    const first = await fetch(`${base}/tab/app.js`);
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await fetch(`${base}/tab/app.js`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('serves chunks by name, and nothing that is not a bundle asset', async () => {
    expect((await fetch(`${base}/tab/teams-sdk-AB12CD34.js`)).status).toBe(200);
    expect((await fetch(`${base}/tab/secret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/tab/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/tab/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/tab/%2E%2E%2Fsecret.js`)).status).toBe(404);
  });

  it('sends /tab/ to /tab, where the page’s relative URLs resolve', async () => {
    const response = await fetch(`${base}/tab/`, { redirect: 'manual' });
    expect(response.status).toBe(308);
    expect(new URL(response.headers.get('location') ?? '', `${base}/tab/`).pathname).toBe('/tab');
  });

  it('says how to build the tab when the bundle is missing', async () => {
    await server.close();
    await start(join(dir, 'not-built'));
    const response = await fetch(`${base}/tab`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('The workspace tab is not built yet: run `npm run build`.');
  });
});
