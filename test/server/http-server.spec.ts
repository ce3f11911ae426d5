import { createServer } from 'node:net';
import type { Next, Request, Response } from 'restify';
import { silentLogger } from '../../src/app/ports';
import { createHttpServer, httpUrl, type HttpServer } from '../../src/server/http-server';

class FakeClock {
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
}

const config = { host: '127.0.0.1', port: 0, maxBodyKb: 1 };

describe('http server', () => {
  let server: HttpServer;
  let base: string;
  let clock: FakeClock;

  beforeEach(async () => {
    clock = new FakeClock(1_700_000_000_000);
    server = createHttpServer({ config, logger: silentLogger, storeKind: 'memory', version: '1.2.3', clock });
    server.restify.post('/echo', (req: Request, res: Response, next: Next) => {
      res.send(200, { received: req.body as unknown });
      next();
    });
    // A route that rejects, as the app's async routes may; restify takes a two-argument handler only if async.
    server.restify.get('/broken', async () => {
      throw new Error('database password is hunter2');
    });
    base = httpUrl(await server.listen());
  });

  afterEach(async () => {
    await server.close();
  });

  it('answers GET /healthz with 200 JSON: status, version, store kind and uptime from the clock', async () => {
    clock.time += 42_700;
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      status: 'ok',
      version: '1.2.3',
      store: 'memory',
      uptimeSeconds: 42,
    });
  });

  it('binds a real port when asked for port 0, and exposes it', () => {
    const address = server.address();
    expect(address?.host).toBe('127.0.0.1');
    expect(address?.port).toBeGreaterThan(0);
    expect(base).toBe(`http://127.0.0.1:${address?.port}`);
  });

  it('answers an unknown route with 404 JSON', async () => {
    const response = await fetch(`${base}/no/such/route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ code: 'ResourceNotFound' });
  });

  it('parses JSON bodies for routes callers add', async () => {
    const response = await postJson(`${base}/echo`, '{"text":"hi"}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { text: 'hi' } });
  });

  it('answers malformed JSON with 400 JSON and keeps serving', async () => {
    const response = await postJson(`${base}/echo`, '{"text": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'InvalidContent' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers a body over MAX_BODY_KB with 413 JSON and keeps serving', async () => {
    const response = await postJson(`${base}/echo`, JSON.stringify({ text: 'x'.repeat(1100) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PayloadTooLarge' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('accepts a body of exactly MAX_BODY_KB', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(1024 - '{"text":""}'.length) });
    expect(body).toHaveLength(1024);
    expect((await postJson(`${base}/echo`, body)).status).toBe(200);
  });

  it('answers a failing handler with a generic 500 JSON that hides the error message', async () => {
    const response = await fetch(`${base}/broken`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ code: 'InternalError', message: 'internal error' });
    expect(text).not.toContain('hunter2');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('refuses connections after close(), and close() can be called twice', async () => {
    await server.close();
    await server.close();
    expect(server.address()).toBeUndefined();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('http server listen', () => {
  it('rejects, without crashing, when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const server = createHttpServer({
      config: { ...config, port: address.port },
      logger: silentLogger,
      storeKind: 'sqlite',
      version: '0',
    });
    try {
      await expect(server.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await server.close();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports uptime from when it was created', async () => {
    const clock = new FakeClock(5_000);
    const server = createHttpServer({
      config,
      logger: silentLogger,
      storeKind: 'sqlite',
      version: 'v',
      clock,
    });
    clock.time = 5_000 + 3_600_000;
    const base = httpUrl(await server.listen());
    try {
      expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({
        uptimeSeconds: 3600,
        store: 'sqlite',
      });
    } finally {
      await server.close();
    }
  });
});

describe('httpUrl', () => {
  it('brackets IPv6 hosts', () => {
    expect(httpUrl({ host: '::1', port: 80 }, '/api/messages')).toBe('http://[::1]:80/api/messages');
    expect(httpUrl({ host: '127.0.0.1', port: 3978 })).toBe('http://127.0.0.1:3978');
  });
});

function postJson(url: string, body: string): Promise<globalThis.Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}
