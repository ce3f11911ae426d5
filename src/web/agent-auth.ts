import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../app/ports';
import type { ApiError } from './agent-api';

/**
 * Who is calling the agent API. In Teams mode (MicrosoftAppId set) the caller sends the tab's Teams SSO token,
 * verified against Entra ID's keys (TAB_SSO_*); the agent is its `oid` claim, which must be in AGENT_IDS. In
 * anonymous mode the caller sends a token the dev sign-in issued for an AGENT_IDS entry: HS256 with a random
 * secret made per process, so it is worthless to any other process and after a restart.
 */

export interface SignedInAgent {
  /** The AGENT_IDS entry: the agent's key everywhere. */
  readonly agentId: string;
  /** The display name the token carries (SSO `name`), if any. */
  readonly name?: string;
  /** When the token stops being valid (epoch ms). */
  readonly expiresAt: number;
}

export type AuthOutcome =
  | { readonly ok: true; readonly agent: SignedInAgent }
  | {
      readonly ok: false;
      readonly status: 401 | 403 | 503;
      readonly error: ApiError;
      /** Why, for the log: never the token. */
      readonly reason: string;
    };

export interface TabSsoSettings {
  readonly audience: string;
  readonly issuer: string;
  /** Where the token signing keys come from: createRemoteJWKSet(TAB_SSO_JWKS_URI) unless a test injects one. */
  readonly keys: JWTVerifyGetKey;
}

export interface AgentAuthOptions {
  /** Anonymous mode: dev sign-in tokens only. Otherwise Teams SSO tokens only. */
  readonly anonymous: boolean;
  /** Every id an agent may sign in with (AGENT_IDS, aliases included). */
  readonly agentIds: readonly string[];
  /** The agent's key for any of their ids; by default each id is its own agent. */
  readonly keyOf?: (id: string) => string | undefined;
  readonly clock: Clock;
  /** Teams mode's token checks; absent when TAB_SSO_* are unset (every call is then refused with 503). */
  readonly sso?: TabSsoSettings;
  /** How long a dev sign-in token lasts. Default: 1 hour. */
  readonly devTokenTtlSeconds?: number;
  /** Leeway for `exp` / `nbf` / `iat` of SSO tokens (clock skew). Default: 60 s. */
  readonly clockToleranceSeconds?: number;
}

/** Longest Authorization value looked at; Entra tokens are a few KB. */
export const MAX_TOKEN_CHARS = 16 * 1024;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const DEV_ISSUER = 'relaydesk-dev-sign-in';
const DEV_AUDIENCE = 'relaydesk-agent-api';

const unauthorized = (
  reason: string,
  message = 'Sign in again: a valid token is required.',
): AuthOutcome => ({
  ok: false,
  status: 401,
  error: { code: 'Unauthorized', message },
  reason,
});

/** Keys from a JWKS URL, fetched on first use, cached, and fetched again for an unknown `kid`. */
export function remoteKeys(jwksUri: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
}

/**
 * The token of an `Authorization: Bearer <token>` header, or with `bare` the token itself (the events route's
 * `access_token`), or why there is none. Only the shape is checked here.
 */
export function readToken(
  value: string | undefined,
  options: { bare?: boolean } = {},
): { token: string } | { problem: string } {
  if (value === undefined || value.trim() === '') return { problem: 'no token' };
  if (value.length > MAX_TOKEN_CHARS) return { problem: 'token too long' };
  const token = options.bare ? value.trim() : /^Bearer +(\S+) *$/i.exec(value)?.[1];
  if (token === undefined) return { problem: 'not a Bearer authorization' };
  if (!JWT_SHAPE.test(token)) return { problem: 'not a JWT' };
  return { token };
}

export class AgentAuth {
  private readonly devSecret = randomBytes(32);
  private readonly agentIds: ReadonlySet<string>;

  constructor(private readonly options: AgentAuthOptions) {
    this.agentIds = new Set(options.agentIds);
  }

  get devSignInEnabled(): boolean {
    return this.options.anonymous;
  }

  /**
   * A short-lived token for an agent, by any of their ids (anonymous mode only), carrying the name they gave;
   * undefined for anyone else. The token names the agent by their key.
   */
  async issueDevToken(
    id: string,
    name?: string,
  ): Promise<{ token: string; agentId: string; expiresAt: number } | undefined> {
    if (!this.options.anonymous || !this.agentIds.has(id)) return undefined;
    const agentId = this.keyOf(id);
    if (agentId === undefined) return undefined;
    const issuedAt = Math.floor(this.options.clock.now() / 1000);
    const expiresAtSeconds = issuedAt + (this.options.devTokenTtlSeconds ?? 3600);
    const token = await new SignJWT(name ? { name } : {})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(agentId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .sign(this.devSecret);
    return { token, agentId, expiresAt: expiresAtSeconds * 1000 };
  }

  /** Checks a presented token (already read with readToken) and maps it to an agent. */
  async authenticate(token: string): Promise<AuthOutcome> {
    if (this.options.anonymous) return this.verifyDevToken(token);
    const sso = this.options.sso;
    if (!sso) {
      return {
        ok: false,
        status: 503,
        error: {
          code: 'TabSsoNotConfigured',
          message:
            "The workspace tab's sign-in is not configured on the server (TAB_SSO_AUDIENCE, TAB_SSO_ISSUER, TAB_SSO_JWKS_URI).",
        },
        reason: 'TAB_SSO_* not configured',
      };
    }
    return this.verifySsoToken(token, sso);
  }

  private async verifyDevToken(token: string): Promise<AuthOutcome> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.devSecret, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.options.clock.now()),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      return this.refused(error);
    }
    return this.agentOf(
      payload.sub,
      payload,
      typeof payload['name'] === 'string' ? payload['name'] : undefined,
    );
  }

  private async verifySsoToken(token: string, sso: TabSsoSettings): Promise<AuthOutcome> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, sso.keys, {
        issuer: sso.issuer,
        audience: sso.audience,
        // Entra ID signs with RS256; naming it also rules out any algorithm confusion.
        algorithms: ['RS256'],
        currentDate: new Date(this.options.clock.now()),
        clockTolerance: this.options.clockToleranceSeconds ?? 60,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return this.refused(error);
    }
    const name = typeof payload['name'] === 'string' ? payload['name'] : undefined;
    return this.agentOf(payload['oid'], payload, name);
  }

  private keyOf(id: string): string | undefined {
    return this.options.keyOf ? this.options.keyOf(id) : id;
  }

  private agentOf(claimed: unknown, payload: JWTPayload, name?: string): AuthOutcome {
    if (typeof claimed !== 'string' || claimed === '') return unauthorized('no agent id claim');
    const id = this.agentIds.has(claimed) ? this.keyOf(claimed) : undefined;
    if (id === undefined) {
      return {
        ok: false,
        status: 403,
        error: { code: 'Forbidden', message: 'This account is not a Relaydesk agent (AGENT_IDS).' },
        reason: 'not in AGENT_IDS',
      };
    }
    const expiresAt = (payload.exp ?? 0) * 1000;
    return { ok: true, agent: { agentId: id, expiresAt, ...(name ? { name } : {}) } };
  }

  /** A token jose refused: 401 with the reason for the log, or 503 when the keys could not be fetched. */
  private refused(error: unknown): AuthOutcome {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    switch (code) {
      case 'ERR_JWT_EXPIRED':
        return unauthorized('expired', 'The token has expired: sign in again.');
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
        const claim = (error as { claim?: unknown }).claim;
        return unauthorized(`claim ${typeof claim === 'string' ? claim : '?'} rejected`);
      }
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return unauthorized('bad signature');
      case 'ERR_JWKS_NO_MATCHING_KEY':
        return unauthorized('no matching signing key');
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
      case 'ERR_JOSE_NOT_SUPPORTED':
        return unauthorized('algorithm not allowed');
      case 'ERR_JWS_INVALID':
      case 'ERR_JWT_INVALID':
      case 'ERR_JWK_INVALID':
      case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
        return unauthorized(`malformed token (${code})`);
      default:
        // ERR_JWKS_TIMEOUT, ERR_JWKS_INVALID, a non-200 answer or a network error: our problem, not the token's.
        return {
          ok: false,
          status: 503,
          error: {
            code: 'AuthUnavailable',
            message: 'Sign-in keys could not be fetched; try again shortly.',
          },
          reason: `key lookup failed (${code || (error instanceof Error ? error.name : 'unknown')})`,
        };
    }
  }
}
