import type { DevSignInResponse } from '../agent-api';

/** What the sign-in keeps its token in: the browser's sessionStorage, or a map in a test. */
export interface SignInStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
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
/** A TokenSource (api-client.ts) for the dev sign-in. */
export class DevSignInTokens {
  private signedIn: StoredSignIn | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(
    /** POST /api/agent/dev-sign-in (devSignIn), injected so this stays free of the browser's fetch options. */
    private readonly requestSignIn: (agentId: string, name?: string) => Promise<DevSignInResponse>,
    private readonly storage: SignInStorage,
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
    const answer = await this.requestSignIn(agentId, name);
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

  /**
   * Signs in again for a fresh token. Calls that come while one is under way (the event stream and an action both
   * refused after the token expired) share it: a second sign-in racing the first would find nobody signed in.
   */
  refresh(): Promise<string> {
    this.refreshing ??= this.signInAgain().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async signInAgain(): Promise<string> {
    const current = this.signedIn;
    if (!current) throw new Error('Not signed in.');
    this.signedIn = undefined;
    await this.signIn(current.signedInAs, current.name);
    return (this.signedIn as StoredSignIn | undefined)?.token ?? '';
  }
}

function readStored(storage: SignInStorage): StoredSignIn | undefined {
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
