import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpServer, httpUrl, type HttpServer } from '../../src/server/http-server';
import { registerChatPage } from '../../src/web/chat-page';
import { collectingLogger } from '../support/harness';

/** GET /chat and its assets, on the real restify server, from a bundle folder made up for the test. */
describe('the web chat page route', () => {
  let dir: string;
  let server: HttpServer | undefined;
  let base: string;

  async function start(options: Parameters<typeof registerChatPage>[1]): Promise<void> {
    await server?.close();
    server = createHttpServer({
      config: { host: '127.0.0.1', port: 0, maxBodyKb: 256 },
      logger: collectingLogger().logger,
      storeKind: 'memory',
      version: '0.0.0-test',
    });
    registerChatPage(server.restify, options);
    base = httpUrl(await server.listen());
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-chat-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>chat</title>');
    writeFileSync(join(dir, 'app.js'), 'export {};');
    writeFileSync(join(dir, 'secret.txt'), 'not an asset');
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with a CSP that allows only this origin, framing included', async () => {
    await start({ enabled: true, dir });
    const response = await fetch(`${base}/chat`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>chat</title>');
    expect((await fetch(`${base}/chat/app.js`)).status).toBe(200);
    expect((await fetch(`${base}/chat/secret.txt`)).status).toBe(404);
    const slash = await fetch(`${base}/chat/`, { redirect: 'manual' });
    expect(slash.status).toBe(308);
    expect(new URL(slash.headers.get('location') ?? '', `${base}/chat/`).pathname).toBe('/chat');
  });

  it('says how to build the page when the bundle is missing', async () => {
    await start({ enabled: true, dir: join(dir, 'not-built') });
    const response = await fetch(`${base}/chat`);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('The web chat page is not built yet: run `npm run build`.');
  });

  it('answers 404 with the reason when the local channel is off, assets included', async () => {
    await start({ enabled: false, dir });
    for (const path of ['/chat', '/chat/app.js']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/^The web chat page is off: .*WEBCHAT=local.*anonymous mode/);
    }
  });
});
