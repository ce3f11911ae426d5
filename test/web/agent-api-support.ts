import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import type { LogLine } from '../support/harness';

/** Calling the agent API of a running desk, reading its event stream, and minting SSO tokens, for tests. */

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export async function api<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text.
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

export async function devSignIn(baseUrl: string, agentId: string): Promise<string> {
  const answer = await api<{ token: string }>(baseUrl, 'POST', '/api/agent/dev-sign-in', {
    body: { agentId },
  });
  if (answer.status !== 200) throw new Error(`dev sign-in for ${agentId} answered ${answer.status}`);
  return answer.body.token;
}

/**
 * A token per agent, signed in (dev sign-in) the first time it is asked for and kept for the spec: the desk's address
 * is read when first needed, so the spec's desk may start later.
 */
export function signedInTokens(
  baseUrl: () => string,
): (agent: { readonly aadObjectId: string }) => Promise<string> {
  const tokens = new Map<string, string>();
  return async (agent) => {
    const known = tokens.get(agent.aadObjectId);
    if (known) return known;
    const token = await devSignIn(baseUrl(), agent.aadObjectId);
    tokens.set(agent.aadObjectId, token);
    return token;
  };
}

export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** An open text/event-stream response, parsed as it arrives. */
export class EventStreamReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  readonly retries: number[] = [];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  private readonly waiters = new Set<() => void>();
  private buffer = '';

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.ended = this.pump();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    if (!response.body) throw new Error('no body');
    return new EventStreamReader(response, abort);
  }

  /** Resolves once `ready()` holds; rejects after `timeoutMs`, naming what it waited for. */
  waitFor(description: string, ready: () => boolean, timeoutMs = 3000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (ready()) {
        resolve();
        return;
      }
      const check = () => {
        if (!ready()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Waits for the `count`-th event named `name` (counting from the first ever received). */
  waitForEvents(name: string, count: number, timeoutMs = 3000): Promise<void> {
    return this.waitFor(`${count} "${name}" event(s)`, () => this.named(name).length >= count, timeoutMs);
  }

  named(name: string): SseEvent[] {
    return this.events.filter((event) => event.event === name);
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(): Promise<void> {
    const reader = this.response.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        this.parse();
      }
    } catch {
      // Aborted by close(): the stream is over either way.
    }
    for (const waiter of [...this.waiters]) waiter();
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      let isEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('retry:')) this.retries.push(Number(line.slice(6)));
        else if (line.startsWith('event:')) {
          event = line.slice(6).trim();
          isEvent = true;
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).trim());
          isEvent = true;
        }
      }
      if (isEvent) this.events.push({ event, data: data.join('\n') });
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A JSON Web Key Set served on 127.0.0.1, as Entra ID's discovery keys would be. */
export class LocalJwks {
  requests = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private keys: object[],
  ) {}

  static async start(keys: object[]): Promise<LocalJwks> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const jwks = new LocalJwks(server, `http://127.0.0.1:${port}/discovery/v2.0/keys`, keys);
    server.on('request', (req, res) => {
      jwks.requests += 1;
      if (req.url !== '/discovery/v2.0/keys') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: jwks.keys }));
    });
    return jwks;
  }

  setKeys(keys: object[]): void {
    this.keys = keys;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
  /** The public half as a JWK, for the key set. */
  readonly jwk: object;
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** An SSO token as Teams' getAuthToken hands the tab: RS256, issued `nowMs`, valid for an hour by default. */
export async function ssoToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  options: { nowMs: number; issuer: string; audience: string; ttlSeconds?: number },
): Promise<string> {
  const now = Math.floor(options.nowMs / 1000);
  return new SignJWT({ ver: '2.0', ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 3600))
    .sign(key.privateKey);
}

/** Log lines of the agent API refusing a call. */
export function refusals(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((line) => line['component'] === 'agent-api' && /refused/.test(line.msg));
}
