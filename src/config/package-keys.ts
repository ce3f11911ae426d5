import type { Config, Env } from './config';
import { readBotIdentity } from './bot-identity';
import { checkTabSso } from './cross-checks';
import { EnvReader } from './env-reader';
import { deriveTeamsAppId } from './teams-app-id';
import { guid, httpUrlValue, publicBaseUrl, tokenClaim } from './value-schemas';

/** The keys the Teams app package is built from (PUBLIC_BASE_URL, TEAMS_APP_ID, TAB_SSO_*), read as the server reads them. */
export type PackageKeys = Pick<
  Config,
  'publicBaseUrl' | 'teamsAppId' | 'tabSsoAudience' | 'tabSsoIssuer' | 'tabSsoJwksUri'
>;

export function readPackageKeys(env: EnvReader, microsoftAppId: string): PackageKeys {
  return {
    publicBaseUrl: env.read(
      'PUBLIC_BASE_URL',
      publicBaseUrl,
      'http://localhost:3978',
      'an http(s) URL without query or fragment, e.g. https://relaydesk.example.com',
    ),
    teamsAppId: env.read(
      'TEAMS_APP_ID',
      guid,
      deriveTeamsAppId(microsoftAppId),
      'a GUID, e.g. 00000000-0000-0000-0000-000000000000',
    ),
    tabSsoAudience: env.read('TAB_SSO_AUDIENCE', tokenClaim, '', 'a token audience (no spaces)'),
    tabSsoIssuer: env.read('TAB_SSO_ISSUER', tokenClaim, '', 'a token issuer (no spaces)'),
    tabSsoJwksUri: env.read('TAB_SSO_JWKS_URI', httpUrlValue, '', 'an http(s) URL of a JSON Web Key Set'),
  };
}

/** What `npm run package` needs: the bot's app id, where the server is, and the tab's SSO settings when set. */
export type PackageConfig = PackageKeys &
  Pick<Config, 'microsoftAppId'> & {
    /** The key the app id was given under (CLIENT_ID or MicrosoftAppId), for messages. */
    readonly appIdKey?: string;
  };

export type PackageConfigResult = { ok: true; config: PackageConfig } | { ok: false; errors: string[] };

/**
 * Reads only the keys the package is built from; the secret, AGENT_IDS and the server's other keys are not needed
 * (a build machine need not hold them) and are not looked at.
 */
export function loadPackageConfig(source: Env): PackageConfigResult {
  const env = new EnvReader(source);
  const identity = readBotIdentity(env);
  const keys = readPackageKeys(env, identity.id);
  checkTabSso(env);
  if (env.errors.length > 0) return { ok: false, errors: env.errors };
  // A missing id is asked for under the Teams CLI's name.
  const appIdKey = identity.id === '' ? 'CLIENT_ID' : identity.names.id;
  return { ok: true, config: { microsoftAppId: identity.id, appIdKey, ...keys } };
}
