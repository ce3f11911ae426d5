import type { DevSignInResponse } from '../agent-api';
import { devSignIn, type TokenSource } from './api-client';

export type Theme = 'default' | 'dark' | 'contrast';

export interface TeamsHost {
  readonly kind: 'teams';
  readonly theme: Theme;
  readonly tokens: TokenSource;
}

const TEAMS_INIT_TIMEOUT_MS = 5000;

/**
 * Teams shows a tab in an iframe (web and desktop) or a native web view (mobile); anywhere else this is a
 * plain browser and the dev sign-in applies. A frame that is not Teams never answers initialize, hence the timeout.
 */
export async function connectTeams(onTheme: (theme: Theme) => void): Promise<TeamsHost | undefined> {
  const framed = window.parent !== window || window.opener !== null || 'nativeInterface' in window;
  if (!framed) return undefined;
  // Loaded only here: outside Teams the SDK is not needed (and would fetch its list of valid domains).
  const { app, authentication } = (await import('./teams-sdk')).teams;
  try {
    await withTimeout(app.initialize(), TEAMS_INIT_TIMEOUT_MS);
  } catch {
    return undefined;
  }
  const context = await app.getContext();
  app.registerOnThemeChangeHandler((theme) => onTheme(toTheme(theme)));
  // Not awaited: a host may answer late or never, and one that refuses shows its own loading error.
  app.notifySuccess().catch(() => undefined);
  return {
    kind: 'teams',
    theme: toTheme(context.app.theme),
    tokens: new TeamsSsoTokens(() => authentication.getAuthToken()),
  };
}

export function toTheme(value: string | undefined): Theme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

/** Teams SSO: the host caches the token and renews it when asked after it expired. */
class TeamsSsoTokens implements TokenSource {
  private current: Promise<string> | undefined;

  constructor(private readonly getAuthToken: () => Promise<string>) {}

  token(): Promise<string> {
    this.current ??= this.getAuthToken();
    this.current.catch(() => (this.current = undefined));
    return this.current;
  }

  refresh(): Promise<string> {
    this.current = undefined;
    return this.token();
  }
}

const DEV_TOKEN_KEY = 'relaydesk.devSignIn';

/** A dev sign-in as kept: the server's answer, and the id and name it was asked with. */
interface StoredSignIn extends DevSignInResponse {
  /** The id given (an alias such as user-id-0, or the key itself); `agentId` is always the agent's key. */
  readonly signedInAs: string;
  readonly name?: string;
}

/**
 * The dev sign-in (anonymous mode): the token is kept in sessionStorage, so a reload stays signed in, and a
 * refused (e.g. expired) token is renewed by signing in again as the same agent, under the same name. Expiry
 * is left to the server, whose clock may not be the browser's.
 */
export class DevSignInTokens implements TokenSource {
  private signedIn: StoredSignIn | undefined;

  constructor(
    private readonly root: URL,
    private readonly storage: Storage = window.sessionStorage,
  ) {
    this.signedIn = readStored(storage);
  }

  /** The signed-in agent's key (whichever of their ids they signed in with): "me" in the transcript. */
  get agentId(): string | undefined {
    return this.signedIn?.agentId;
  }

  /** Whether the stored sign-in is the one `?agent=` and `?name=` ask for, so it can be reused. */
  isSignedInAs(agentId: string, name: string | undefined): boolean {
    const current = this.signedIn;
    return current !== undefined && current.signedInAs === agentId && current.name === name;
  }

  /** Reuses the stored token when it is this agent's under this name; `name` is what customers will read. */
  async signIn(agentId: string, name?: string): Promise<void> {
    if (this.isSignedInAs(agentId, name)) return;
    const answer = await devSignIn(this.root, agentId, name);
    this.signedIn = { ...answer, signedInAs: agentId, ...(name === undefined ? {} : { name }) };
    this.storage.setItem(DEV_TOKEN_KEY, JSON.stringify(this.signedIn));
  }

  signOut(): void {
    this.signedIn = undefined;
    this.storage.removeItem(DEV_TOKEN_KEY);
  }

  token(): Promise<string> {
    if (!this.signedIn) return Promise.reject(new Error('Not signed in.'));
    return Promise.resolve(this.signedIn.token);
  }

  async refresh(): Promise<string> {
    const current = this.signedIn;
    if (!current) throw new Error('Not signed in.');
    this.signedIn = undefined;
    await this.signIn(current.signedInAs, current.name);
    return (this.signedIn as StoredSignIn | undefined)?.token ?? '';
  }
}

function readStored(storage: Storage): StoredSignIn | undefined {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(DEV_TOKEN_KEY) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const stored = parsed as Partial<StoredSignIn>;
    if (
      typeof stored.token !== 'string' ||
      typeof stored.agentId !== 'string' ||
      typeof stored.expiresAt !== 'number'
    ) {
      return undefined;
    }
    const name = typeof stored.name === 'string' ? stored.name : undefined;
    return {
      token: stored.token,
      agentId: stored.agentId,
      expiresAt: stored.expiresAt,
      // An entry kept before the id asked for was recorded: that id was the key.
      signedInAs: typeof stored.signedInAs === 'string' ? stored.signedInAs : stored.agentId,
      ...(name === undefined ? {} : { name }),
    };
  } catch {
    // A damaged entry means signing in again.
  }
  return undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = window.setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        window.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        window.clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
