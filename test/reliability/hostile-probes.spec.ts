/**
 * GET /healthz and GET /readyz under attack: other methods, query strings, headers far too large, 200 probes at
 * once, and probes while the store fails or hangs. Each is answered (JSON, never a crash or a hang), /healthz stays
 * 200 whatever the store does, and the desk answers afterwards.
 */
import { createHttpServer, httpUrl, type HttpServer } from '../../src/server/http-server';
import { registerReadyz } from '../../src/server/readyz';
import { faultSwitch } from '../support/failing-storage';
import { collectingLogger, startTestDesk, type TestDesk } from '../support/harness';
import { rawRequest } from '../support/raw-http';

const PROBES = ['/healthz', '/readyz'] as const;

describe('the health probes under attack', () => {
  let desk: TestDesk;
  let store: ReturnType<typeof faultSwitch>;

  beforeAll(async () => {
    desk = await startTestDesk({ CONTACTS_FILE: 'off' });
    store = faultSwitch(desk.app.database);
  });
  afterAll(async () => {
    store.restore();
    await desk.app.close();
  });

  const probe = (path: string, init: Parameters<typeof rawRequest>[1] = {}) =>
    rawRequest(`${desk.app.baseUrl}${path}`, { method: 'GET', ...init });
  const jsonOf = (text: string): unknown => JSON.parse(text);

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'])(
    'answers %s with 405 JSON on both probes',
    async (method) => {
      for (const path of PROBES) {
        const answer = await probe(path, {
          method,
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect([path, answer.status]).toEqual([path, 405]);
        expect(jsonOf(answer.text)).toMatchObject({ code: 'MethodNotAllowed', message: expect.any(String) });
      }
    },
  );

  it('answers HEAD as GET without a body: 200 from both while the desk can work', async () => {
    for (const path of PROBES) {
      const answer = await probe(path, { method: 'HEAD' });
      expect([path, answer.status, answer.text]).toEqual([path, 200, '']);
    }
  });

  it('answers HEAD /readyz 503 while the store fails, and /healthz 200', async () => {
    store.set('reads-and-writes');
    try {
      expect((await probe('/readyz', { method: 'HEAD' })).status).toBe(503);
      expect((await probe('/healthz', { method: 'HEAD' })).status).toBe(200);
    } finally {
      store.set('none');
    }
  });

  it('ignores query strings, hostile ones included', async () => {
    for (const path of PROBES) {
      for (const query of ['?verbose=1', '?__proto__[x]=1', `?q=${'a'.repeat(4000)}`, '?%00=%ff']) {
        const answer = await probe(`${path}${query}`);
        expect([path, query.slice(0, 20), answer.status]).toEqual([path, query.slice(0, 20), 200]);
      }
    }
  });

  it('closes a request whose headers are far too large with 431, and answers the next probe', async () => {
    const refused = await probe('/healthz', { headers: { 'x-padding': 'x'.repeat(64 * 1024) } });
    expect(refused.status).toBe(431);
    expect((await probe('/readyz')).status).toBe(200);
  });

  it('answers 200 probes at once, every one 200', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) => probe(PROBES[index % 2]!, { timeoutMs: 20_000 })),
    );
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
  });

  it('answers /readyz 503 naming the database while the store fails, /healthz 200, and 200 again after', async () => {
    const mark = desk.lines.length;
    store.set('reads-and-writes');
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => probe('/readyz')));
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(jsonOf(answer.text)).toMatchObject({ status: 'not ready', failing: ['database'] });
      }
      expect((await probe('/healthz')).status).toBe(200);
    } finally {
      store.set('none');
    }
    expect((await probe('/readyz')).status).toBe(200);
    const changes = desk.lines.slice(mark).filter((line) => line.msg === 'not ready' || line.msg === 'ready');
    expect(changes.map((line) => line.msg)).toEqual(['not ready', 'ready']);
  });

  it('answers both probes while every transaction hangs: they take none, so neither waits on one', async () => {
    store.set('hang');
    try {
      const answers = await Promise.all(PROBES.map((path) => probe(path, { timeoutMs: 5000 })));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    } finally {
      store.set('none');
    }
  });

  it('logged no error', () => {
    expect(desk.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe('a flood of /readyz probes', () => {
  const { logger } = collectingLogger();
  let server: HttpServer;
  let runs = 0;
  let arrived = 0;
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  const closeGate = () => {
    gate = new Promise<void>((resolve) => (open = resolve));
  };

  beforeAll(async () => {
    server = createHttpServer({
      config: { host: '127.0.0.1', port: 0, maxBodyKb: 300 },
      logger,
      storeKind: 'memory',
      version: '0.0.0-test',
    });
    // After the body parsers: the last step before the route, which starts (or joins) the checks at once.
    server.restify.use((_req: unknown, _res: unknown, next: () => void) => {
      arrived += 1;
      next();
    });
    registerReadyz(server.restify, {
      check: async () => {
        runs += 1;
        await gate;
        return [{ name: 'database', ok: true, detail: 'answers' }];
      },
      stopping: () => false,
      logger,
    });
    await server.listen();
  });
  afterAll(() => server.close());

  it('runs the checks once for 200 probes that arrive while they run, and answers every probe', async () => {
    const url = httpUrl(server.address()!, '/readyz');
    closeGate();
    const probes = Array.from({ length: 200 }, () => rawRequest(url, { method: 'GET', timeoutMs: 20_000 }));
    await waitUntil(() => arrived === 200);
    open();
    const answers = await Promise.all(probes);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(runs).toBe(1);
    // Once answered, the next probe runs the checks afresh.
    expect((await rawRequest(url, { method: 'GET' })).status).toBe(200);
    expect(runs).toBe(2);
  });
});

/** Resolves once `ready()` holds, checking every 5 ms for at most 5 s. */
async function waitUntil(ready: () => boolean): Promise<void> {
  for (let tries = 0; tries < 1000; tries += 1) {
    if (ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('waited 5 s in vain');
}
