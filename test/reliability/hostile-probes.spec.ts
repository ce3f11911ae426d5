/**
 * GET /healthz and GET /readyz under attack: other methods, query strings, headers far too large, 200 probes at
 * once, and probes while the store fails or hangs. Each is answered (JSON, never a crash or a hang), /healthz stays
 * 200 whatever the store does, and the desk answers afterwards.
 */
import { faultSwitch } from '../support/failing-storage';
import { startTestDesk, type TestDesk } from '../support/harness';
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

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 JSON on both probes', async (method) => {
    for (const path of PROBES) {
      const answer = await probe(path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect([path, answer.status]).toEqual([path, 405]);
      expect(jsonOf(answer.text)).toMatchObject({ code: 'MethodNotAllowed', message: expect.any(String) });
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
