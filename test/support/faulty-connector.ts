import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy did with one activity call. */
export interface FaultRecord {
  readonly method: string;
  readonly path: string;
  /** 'passed' reached the connector; 'failed' was answered with `status` and never reached it. */
  readonly outcome: 'passed' | 'failed';
  readonly status: number;
  /** The request was held at the gate before it went on. */
  readonly held: boolean;
}

interface PlannedFault {
  remaining: number;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A fault-injecting proxy on 127.0.0.1 in front of the FakeConnector: give the bot its `serviceUrl` and it passes
 * activity calls through, answers the next N of them with 429 / 5xx (with headers such as Retry-After) without
 * passing them on, or holds them at a closed gate until `openGate()` — a connector that is slow for as long as the
 * test wants, without a timer. Anything it answers with a failure never reaches the connector, so a correct
 * sender delivers each activity exactly once. Other requests (OpenID metadata) pass through untouched.
 */
export class FaultyConnector {
  readonly records: FaultRecord[] = [];
  private readonly faults: PlannedFault[] = [];
  private gate: { promise: Promise<void>; open: () => void } | undefined;
  private heldNow = 0;
  private readonly holdWaiters = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly serviceUrl: string,
    private readonly upstream: string,
  ) {}

  static async start(upstreamServiceUrl: string): Promise<FaultyConnector> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const proxy = new FaultyConnector(server, `http://127.0.0.1:${port}/`, upstreamServiceUrl);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      proxy.handle(req, res).catch((error: unknown) => {
        // The connector behind went away (the test is ending): answer as a gateway would.
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'BadGateway', message: String(error) } }));
      });
    });
    return proxy;
  }

  /** The next `count` activity calls are answered with `status` (and headers) and not passed on. */
  failNext(count: number, status: number, headers: Record<string, string> = {}): void {
    this.faults.push({ remaining: count, status, headers });
  }

  /** Holds every activity call from now on until openGate(). */
  closeGate(): void {
    if (this.gate) return;
    let open: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }

  openGate(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
  }

  /** Activity calls waiting at the gate right now. */
  get held(): number {
    return this.heldNow;
  }

  /** Resolves once at least `count` calls wait at the gate; rejects after `timeoutMs`. */
  waitForHeld(count: number, timeoutMs = 5000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.heldNow >= count) {
        resolve();
        return;
      }
      const check = () => {
        if (this.heldNow < count) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`Timed out after ${timeoutMs} ms waiting for ${count} held call(s) (${this.heldNow})`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.holdWaiters.delete(check);
      };
      this.holdWaiters.add(check);
    });
  }

  get failedCount(): number {
    return this.records.filter((record) => record.outcome === 'failed').length;
  }

  async close(): Promise<void> {
    this.openGate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const body = await readBody(req);
    const isActivityCall = /^\/v3\/conversations\//.test(path);
    const fault = isActivityCall ? this.faults.find((planned) => planned.remaining > 0) : undefined;
    const method = req.method ?? 'GET';
    if (fault) {
      fault.remaining -= 1;
      this.records.push({ method, path, outcome: 'failed', status: fault.status, held: false });
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify({ error: { code: 'Injected', message: `injected ${fault.status}` } }));
      return;
    }
    let held = false;
    if (isActivityCall && this.gate) {
      held = true;
      this.heldNow += 1;
      for (const waiter of [...this.holdWaiters]) waiter();
      await this.gate.promise;
      this.heldNow -= 1;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
    }
    const answer = await fetch(new URL(path.replace(/^\//, ''), this.upstream), {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    const text = await answer.text();
    if (isActivityCall) this.records.push({ method, path, outcome: 'passed', status: answer.status, held });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(text);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
