import type { IdentityKeyNames } from './bot-identity';
import type { EnvReader } from './env-reader';
import type { WebchatMode } from './allowed-values';
import type { BotKeys, ServerKeys, StoreKeys } from './key-groups';
import { isLoopbackHost } from './value-schemas';

/*
 * Rules between keys, each reporting on the key to change. A rule skips keys whose own value was invalid
 * (already reported), so one typo gives one line.
 */

/** The TAB_SSO_* keys, all set or none. */
const TAB_SSO_KEYS = ['TAB_SSO_AUDIENCE', 'TAB_SSO_ISSUER', 'TAB_SSO_JWKS_URI'] as const;

export function checkServer(
  env: EnvReader,
  server: ServerKeys,
  names: IdentityKeyNames,
  anonymous: boolean,
): void {
  const id = names.id;
  if (anonymous && env.isValid('HOST') && !isLoopbackHost(server.host) && !server.allowAnonymousRemote) {
    env.error(
      `HOST: ${JSON.stringify(server.host)} reaches beyond this machine while ${id} is empty (anonymous mode, no sign-in): anyone on the network could act as an agent. Set ${id}, keep HOST on 127.0.0.1, or set ALLOW_ANONYMOUS_REMOTE=true if that is what you mean`,
    );
  }
  if (
    env.isValid('HEADERS_TIMEOUT_S', 'REQUEST_TIMEOUT_S') &&
    server.requestTimeoutSeconds < server.headersTimeoutSeconds
  ) {
    env.error('REQUEST_TIMEOUT_S: must be at least HEADERS_TIMEOUT_S (the headers are part of the request)');
  }
}

export function checkWebchat(
  env: EnvReader,
  webchatSet: WebchatMode | undefined,
  names: IdentityKeyNames,
  anonymous: boolean,
): void {
  const id = names.id;
  if (webchatSet === 'local' && !anonymous) {
    env.error(
      `WEBCHAT: local works only in anonymous mode (${id} empty); with ${id} set, leave it unset or off and give customers the Web Chat or Direct Line channel of Azure Bot Service`,
    );
  }
}

// Mirrors botbuilder's own credential checks, so a bad combination is reported here instead of as an assert crash.
export function checkCredentials(
  env: EnvReader,
  bot: BotKeys,
  names: IdentityKeyNames,
  anonymous: boolean,
): void {
  const { id, secret, tenant } = names;
  if (!env.isValid('MicrosoftAppType', id, secret, tenant)) return;
  const type = bot.microsoftAppType;
  if (type === 'SingleTenant' || type === 'UserAssignedMSI') {
    if (anonymous) env.error(`${id}: is required when MicrosoftAppType is ${type}`);
    if (bot.microsoftAppTenantId === '') {
      env.error(`${tenant}: is required when MicrosoftAppType is ${type}`);
    }
  }
  if (!anonymous && type !== 'UserAssignedMSI' && bot.microsoftAppPassword === '') {
    env.error(`${secret}: is required when ${id} is set and MicrosoftAppType is ${type}`);
  }
  if (type === 'UserAssignedMSI' && bot.microsoftAppPassword !== '') {
    env.error(`${secret}: must not be set when MicrosoftAppType is UserAssignedMSI`);
  }
}

export function checkStore(env: EnvReader, store: StoreKeys): void {
  if (env.isValid('STORE', 'DATABASE_URL') && store.store === 'postgres' && store.databaseUrl === '') {
    env.error(
      'DATABASE_URL: is required when STORE is postgres (postgres://user:password@host:5432/database)',
    );
  }
}

export function checkAgentIdsGiven(env: EnvReader, names: IdentityKeyNames, anonymous: boolean): void {
  if (!anonymous && env.raw('AGENT_IDS') === undefined) {
    env.error(
      `AGENT_IDS: is required when ${names.id} is set (comma-separated AAD object ids or Teams user ids)`,
    );
  }
}

export function checkTabSso(env: EnvReader): void {
  const set = TAB_SSO_KEYS.filter((key) => env.raw(key) !== undefined);
  if (set.length === 0) return;
  for (const key of TAB_SSO_KEYS) {
    if (env.raw(key) === undefined) {
      env.error(`${key}: is required when ${set.join(' or ')} is set (the tab's SSO needs all three)`);
    }
  }
}

export function checkAgentNames(env: EnvReader, unknownIds: readonly string[]): void {
  if (!env.isValid('AGENT_NAMES', 'AGENT_IDS', 'SUPERVISOR_IDS')) return;
  for (const unknown of unknownIds) {
    env.error(`AGENT_NAMES: "${unknown}" is not an id in AGENT_IDS or SUPERVISOR_IDS`);
  }
}
