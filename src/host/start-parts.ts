import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWTVerifyGetKey } from 'jose';
import { parseContactRecord, seedContacts, type ContactRecord } from '../app/contacts';
import type { Clock, Logger } from '../app/ports';
import type { DeskPorts } from '../app/desk-context';
import type { ContactDirectory } from '../app/repositories';
import { isLoopbackHost, type Config } from '../config/config';
import { AgentDirectory } from '../domain/agent-directory';
import type { BoundAddress } from '../server/http-server';
import { LocalLiveEvents, startPostgresLiveEvents, type LiveEventBus } from '../store/sql/live-events';
import { AgentAuth, remoteKeys } from '../web/agent-auth';
import type { AgentEventHub } from '../web/agent-events';
import type { ConversationReferences } from '../teams/conversation-references';

/** What a start sets up besides the desk: live events, the tab's sign-in, the contacts, the version. */

/**
 * Live events between instances: on PostgreSQL every instance hears the others' changes (LISTEN/NOTIFY), so a
 * tab connected to one sees what went through another; SQLite serves one instance, which hears itself.
 */
export async function openLiveEventBus(config: Config, logger: Logger): Promise<LiveEventBus> {
  if (config.store !== 'postgres') return new LocalLiveEvents();
  return startPostgresLiveEvents({
    url: config.databaseUrl,
    logger: logger.child({ component: 'live-events' }),
  });
}

/** Said at every start while ALLOW_ANONYMOUS_REMOTE lets anonymous mode listen beyond loopback. */
export function warnIfAnonymousRemote(
  config: Pick<Config, 'anonymous' | 'allowAnonymousRemote' | 'host'>,
  logger: Logger,
): void {
  if (config.anonymous && config.allowAnonymousRemote && !isLoopbackHost(config.host)) {
    logger.warn(
      { host: config.host },
      'anonymous mode on an interface beyond loopback (ALLOW_ANONYMOUS_REMOTE=true): anyone who reaches this server can act as an agent',
    );
  }
}

/** The agent API's token checks: dev sign-in tokens in anonymous mode, the tab's Teams SSO tokens otherwise. */
export function agentAuth(config: Config, clock: Clock, logger: Logger, keys?: JWTVerifyGetKey): AgentAuth {
  const ssoConfigured =
    config.tabSsoJwksUri !== '' && config.tabSsoAudience !== '' && config.tabSsoIssuer !== '';
  if (config.anonymous && ssoConfigured) {
    logger.info(
      {},
      'TAB_SSO_* are not used in anonymous mode: the workspace tab signs in with the dev sign-in',
    );
  }
  if (!config.anonymous && !ssoConfigured) {
    logger.warn(
      {},
      'TAB_SSO_AUDIENCE, TAB_SSO_ISSUER and TAB_SSO_JWKS_URI are unset: the workspace tab API refuses every call (503)',
    );
  }
  const directory = new AgentDirectory(config.agents);
  return new AgentAuth({
    anonymous: config.anonymous,
    agentIds: directory.allIds,
    keyOf: (id) => directory.keyOf(id),
    clock,
    ...(!config.anonymous && ssoConfigured
      ? {
          sso: {
            audience: config.tabSsoAudience,
            issuer: config.tabSsoIssuer,
            keys: keys ?? remoteKeys(config.tabSsoJwksUri),
          },
        }
      : {}),
  });
}

/**
 * Seeds the contacts directory into the store. A missing file is only a warning (a deployment may have none);
 * a file that is not a JSON array stops the start; a bad record is skipped with a warning naming it.
 */
export async function loadContacts(
  path: string,
  directory: ContactDirectory,
  logger: Logger,
): Promise<number> {
  if (!path) return 0;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ path, reason }, 'contacts directory not readable; every customer is a visitor');
    return 0;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `CONTACTS_FILE: ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!Array.isArray(raw)) throw new Error(`CONTACTS_FILE: ${path} must hold a JSON array of contacts`);
  const records: ContactRecord[] = [];
  raw.forEach((entry: unknown, index) => {
    const parsed = parseContactRecord(entry);
    if (typeof parsed === 'string') logger.warn({ path, index, reason: parsed }, 'contact skipped');
    else records.push(parsed);
  });
  return seedContacts(directory, records);
}

/** The bound address as this machine reaches it: a wildcard address (0.0.0.0, ::) is reached on loopback. */
export function reachableFromHere(address: BoundAddress): BoundAddress {
  if (address.host === '0.0.0.0') return { ...address, host: '127.0.0.1' };
  if (address.host === '::') return { ...address, host: '::1' };
  return address;
}

// package.json sits two levels above both src/host (tsx, jest) and dist/host (the build).
export function packageVersion(): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'version' in parsed &&
      typeof parsed.version === 'string'
    ) {
      return parsed.version;
    }
  } catch {
    // A missing or unreadable package.json only costs the version string.
  }
  return 'unknown';
}

/**
 * Whether an agent can be reached (in their chat with the bot, or a tab open here or on another instance), and
 * whether a tab of theirs is open (an agent with a tab open is never taken for away).
 */
export function reachability(
  events: Pick<AgentEventHub, 'count'>,
  references: Pick<ConversationReferences, 'has'>,
  infra: { readonly tabs: { isOpenAnywhere(agentId: string): Promise<boolean> } },
): Pick<DeskPorts, 'canReach' | 'hasOpenTab'> {
  const hasOpenTab = async (agentId: string) =>
    events.count(agentId) > 0 || (await infra.tabs.isOpenAnywhere(agentId));
  return {
    hasOpenTab,
    canReach: async (agentId) =>
      (await references.has({ kind: 'agent', id: agentId })) || (await hasOpenTab(agentId)),
  };
}
