import type { TokenSource } from './api-client';

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
