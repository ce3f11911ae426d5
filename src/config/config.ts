import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import type { AgentIdentity } from '../domain/agent-directory';
import { SENTIMENT_THRESHOLDS, type SentimentThreshold } from '../domain/sentiment';

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const STORE_KINDS = ['sqlite', 'postgres', 'memory'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const WEBCHAT_MODES = ['local', 'off'] as const;
export type WebchatMode = (typeof WEBCHAT_MODES)[number];

/** The Microsoft 365 Agents Playground's default user (aadObjectId, then id), so `npm start` + Playground need no edits. */
export const PLAYGROUND_AGENT_IDS: readonly string[] = ['00000000-0000-0000-0000-0000000000020', 'user-id-0'];

/** That user as one agent: both ids are theirs (the tab at /tab?agent=user-id-0 is the Playground's Alex). */
export const PLAYGROUND_AGENT: AgentIdentity = {
  id: '00000000-0000-0000-0000-0000000000020',
  aliases: ['user-id-0'],
  name: 'Alex Agent',
};

export interface Config {
  port: number;
  host: string;
  /** ALLOW_ANONYMOUS_REMOTE: anonymous mode on an interface beyond loopback, which the operator must ask for. */
  allowAnonymousRemote: boolean;
  /** Connections open at once (MAX_CONNECTIONS). */
  maxConnections: number;
  /** Time a client has to send its request headers (HEADERS_TIMEOUT_S). */
  headersTimeoutSeconds: number;
  /** Time a client has to send its whole request (REQUEST_TIMEOUT_S). */
  requestTimeoutSeconds: number;
  /** How long one activity's turn may take before it is answered 503 (TURN_DEADLINE_S). */
  turnDeadlineSeconds: number;
  /** '' means local anonymous mode (no JWT auth), as the Emulator and the Agents Playground use. */
  microsoftAppId: string;
  microsoftAppPassword: string;
  microsoftAppTenantId: string;
  microsoftAppType: AppType;
  anonymous: boolean;
  /** sqlite: one file (one machine); postgres: several instances on one database; memory: SQLite in memory. */
  store: StoreKind;
  sqlitePath: string;
  /** DATABASE_URL, postgres:// or postgresql://; '' when unset (then STORE must not be postgres). A secret. */
  databaseUrl: string;
  /** Most PostgreSQL connections one instance keeps open (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** The agents' keys (the first id of each AGENT_IDS entry). */
  agentIds: readonly string[];
  /** Each agent with their other ids (`id|alias`) and the name AGENT_NAMES gives them. */
  agents: readonly AgentIdentity[];
  maxSessions: number;
  agentCapacity: number;
  notificationTimeoutSeconds: number;
  waitingPeriodDays: number;
  sentimentThreshold: SentimentThreshold;
  /** 0 turns rate limiting off. */
  rateLimitPerMinute: number;
  maxBodyKb: number;
  maxTextChars: number;
  /** The contacts directory seeded into the store at start; '' when CONTACTS_FILE=off. */
  contactsFile: string;
  /** Pre-chat questions asked before a new conversation is queued; none = no pre-chat survey. */
  prechatQuestions: readonly PrechatQuestion[];
  sweepIntervalSeconds: number;
  /**
   * The customer web chat page at /chat over the embedded local Direct Line channel: 'local' only in anonymous
   * mode. Unset, it is 'local' without MicrosoftAppId and 'off' with it; WEBCHAT=local with MicrosoftAppId is an error.
   */
  webchat: WebchatMode;
  logLevel: LogLevel;
  /** Where Teams reaches this server (the tab at `${publicBaseUrl}/tab`); no trailing slash. */
  publicBaseUrl: string;
  /** The Teams app's id in its manifest (a GUID); derived from microsoftAppId unless TEAMS_APP_ID is set. */
  teamsAppId: string;
  /**
   * The workspace tab's Teams SSO settings (TAB_SSO_*): the `aud` and `iss` its tokens must carry and where
   * their signing keys are. All three or none; '' when unset (then, with MicrosoftAppId set, the agent API
   * refuses every call with 503).
   */
  tabSsoAudience: string;
  tabSsoIssuer: string;
  tabSsoJwksUri: string;
}

export interface PrechatQuestion {
  readonly id: string;
  readonly prompt: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

// Their values must never reach a terminal or a log, even when they are wrong.
const SECRET_KEYS: ReadonlySet<string> = new Set(['MicrosoftAppPassword', 'DATABASE_URL']);

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// Case-insensitive so `STORE=SQLite` or `MicrosoftAppType=singletenant` still work; yields the canonical spelling.
const oneOf = <T extends string>(values: readonly T[]) =>
  z.string().transform((raw, ctx): T => {
    const match = values.find((value) => value.toLowerCase() === raw.toLowerCase());
    if (match !== undefined) return match;
    ctx.issues.push({ code: 'custom', message: 'not an allowed value', input: raw });
    return z.NEVER;
  });

const hostName = z.string().regex(/^[A-Za-z0-9._:%-]+$/);

const flag = z
  .string()
  .regex(/^(true|false)$/i)
  .transform((raw) => raw.toLowerCase() === 'true');

/** Whether HOST keeps the server on this machine: a loopback address or the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

// A URL node-postgres reads (its host may also come from `?host=`, a socket folder); anything else is a typo.
const postgresUrl = z.string().refine((raw) => {
  try {
    const url = new URL(raw);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
});

const MAX_PRECHAT_QUESTIONS = 5;

/** The TAB_SSO_* keys, all set or none. */
const TAB_SSO_KEYS = ['TAB_SSO_AUDIENCE', 'TAB_SSO_ISSUER', 'TAB_SSO_JWKS_URI'] as const;

const tokenClaim = z.string().regex(/^\S{1,500}$/);

const httpUrlValue = z.string().refine((raw) => {
  try {
    const url = new URL(raw);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === ''
    );
  } catch {
    return false;
  }
});

const GUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

// An http(s) origin, optionally with a path (a reverse proxy's prefix); no query, fragment or credentials.
const publicBaseUrl = z.string().transform((raw, ctx): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.issues.push({ code: 'custom', message: 'not a URL', input: raw });
    return z.NEVER;
  }
  const plain = url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !plain || /[?#]/.test(raw)) {
    ctx.issues.push({ code: 'custom', message: 'not a plain http(s) URL', input: raw });
    return z.NEVER;
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
});

/** The Teams app id used when neither TEAMS_APP_ID nor MicrosoftAppId is set (local development only). */
export const DEV_TEAMS_APP_ID = '6f3c2a1e-5b7d-4c9e-8a0f-2d4b6e8c0a13';

// The UUID namespace Relaydesk derives Teams app ids in (a random v4, fixed forever).
const TEAMS_APP_ID_NAMESPACE = 'c1f4e0d2-8b3a-4f6e-9d27-5a8b0c3e7f19';

/**
 * The Teams app id for a bot registration: a name-based (version 5) UUID of the lowercased MicrosoftAppId,
 * so every package built for one bot updates the same Teams app; DEV_TEAMS_APP_ID when the bot id is empty.
 */
export function deriveTeamsAppId(microsoftAppId: string): string {
  if (microsoftAppId === '') return DEV_TEAMS_APP_ID;
  const hash = createHash('sha1')
    .update(Buffer.from(TEAMS_APP_ID_NAMESPACE.replace(/-/g, ''), 'hex'))
    .update(microsoftAppId.toLowerCase(), 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6); // version 5
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8); // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `a; b;; c` → ['a', 'b', 'c']: entries separated by ";" (they may hold commas), blanks dropped. */
const semicolonList = z.string().transform((raw) =>
  raw
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== ''),
);

// `name=What is your name?;topic=What can we help you with?` — ids are short keys, prompts are what the customer reads.
const prechatList = semicolonList
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,30}=[^=].{0,199}$/)
          .transform((entry): PrechatQuestion => {
            const at = entry.indexOf('=');
            return { id: entry.slice(0, at), prompt: entry.slice(at + 1).trim() };
          }),
      )
      .min(1)
      .max(MAX_PRECHAT_QUESTIONS),
  )
  .refine((questions) => new Set(questions.map((q) => q.id)).size === questions.length);

const agentId = z.string().regex(/^[^\s,|]+$/);

/** `id|alias,id2`: agents separated by commas, the ids of one agent by `|`; an id names one agent only. */
const agentList = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((entry) =>
        entry
          .split('|')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      )
      .filter((ids) => ids.length > 0),
  )
  .pipe(z.array(z.array(agentId).min(1)).min(1))
  .refine((agents) => {
    const ids = agents.flat();
    return new Set(ids).size === ids.length;
  })
  .transform((agents) => agents.map(([id, ...aliases]): AgentIdentity => ({ id: id!, aliases })));

/** `id=Name;id2=Other Name`: a display name per agent, by any of its ids (names may hold commas). */
const agentNames = semicolonList.pipe(
  z.array(
    z
      .string()
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\s=]+=[^\u0000-\u001f\u007f]{1,64}$/)
      .transform((entry) => {
        const at = entry.indexOf('=');
        return { id: entry.slice(0, at), name: entry.slice(at + 1).trim() };
      })
      .refine((entry) => entry.name !== ''),
  ),
);

/** Validates the environment into a typed Config; every problem becomes one line naming the key. */
export function loadConfig(env: Env): ConfigResult {
  const errors: string[] = [];

  const raw = (key: string): string | undefined => {
    const value = env[key]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const shown = (key: string, value: string): string =>
    SECRET_KEYS.has(key) ? '(hidden value)' : JSON.stringify(value);

  const invalid = new Set<string>();
  // A bad value is recorded and replaced by the fallback; dependent checks skip keys found invalid.
  function read<T>(key: string, schema: z.ZodType<T>, fallback: T, expected: string): T {
    const value = raw(key);
    if (value === undefined) return fallback;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    errors.push(`${key}: ${shown(key, value)} is not ${expected}`);
    invalid.add(key);
    return fallback;
  }
  const wholeBetween = (min: number, max: number) => `a whole number between ${min} and ${max}`;
  const listOf = (values: readonly string[]) => `one of ${values.join(', ')}`;

  // Read in .env.example order, so errors come out in that order too.
  const port = read('PORT', integer(0, 65535), 3978, 'a number between 0 and 65535');
  const host = read('HOST', hostName, '127.0.0.1', 'a host name or IP address');
  const allowAnonymousRemote = read('ALLOW_ANONYMOUS_REMOTE', flag, false, 'true or false');
  const maxConnections = read('MAX_CONNECTIONS', integer(10, 100000), 1000, wholeBetween(10, 100000));
  const headersTimeoutSeconds = read('HEADERS_TIMEOUT_S', integer(1, 600), 20, wholeBetween(1, 600));
  const requestTimeoutSeconds = read('REQUEST_TIMEOUT_S', integer(1, 3600), 60, wholeBetween(1, 3600));
  const turnDeadlineSeconds = read('TURN_DEADLINE_S', integer(1, 600), 15, wholeBetween(1, 600));
  const microsoftAppId = raw('MicrosoftAppId') ?? '';
  const microsoftAppPassword = raw('MicrosoftAppPassword') ?? '';
  const microsoftAppTenantId = raw('MicrosoftAppTenantId') ?? '';
  const microsoftAppType = read('MicrosoftAppType', oneOf(APP_TYPES), 'MultiTenant', listOf(APP_TYPES));
  const store = read('STORE', oneOf(STORE_KINDS), 'sqlite', listOf(STORE_KINDS));
  const sqlitePath = raw('SQLITE_PATH') ?? 'data/relaydesk.db';
  const databaseUrl = read(
    'DATABASE_URL',
    postgresUrl,
    '',
    'a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/relaydesk',
  );
  const databasePoolSize = read('DATABASE_POOL_SIZE', integer(1, 1000), 10, wholeBetween(1, 1000));
  const listedAgents = read<readonly AgentIdentity[]>(
    'AGENT_IDS',
    agentList,
    [],
    'a comma-separated list of agents, each one or more of their ids joined by "|" (AAD object ids or Teams user ids), no id twice',
  );
  const names = read<readonly { id: string; name: string }[]>(
    'AGENT_NAMES',
    agentNames,
    [],
    'a list of "id=Display name" entries separated by ";" (names of 1 to 64 characters)',
  );
  const maxSessions = read('MAX_SESSIONS', integer(1, 100), 10, wholeBetween(1, 100));
  const agentCapacity = read('AGENT_CAPACITY', integer(1, 1000), maxSessions, wholeBetween(1, 1000));
  const notificationTimeoutSeconds = read(
    'NOTIFICATION_TIMEOUT_S',
    integer(5, 86400),
    120,
    wholeBetween(5, 86400),
  );
  const waitingPeriodDays = read('WAITING_PERIOD_DAYS', integer(1, 3650), 28, wholeBetween(1, 3650));
  const sentimentThreshold = read(
    'SENTIMENT_THRESHOLD',
    oneOf(SENTIMENT_THRESHOLDS),
    'slightly-negative',
    listOf(SENTIMENT_THRESHOLDS),
  );
  const rateLimitPerMinute = read(
    'RATE_LIMIT_PER_MINUTE',
    integer(0, 100000),
    60,
    `${wholeBetween(0, 100000)} (0 turns it off)`,
  );
  const maxBodyKb = read('MAX_BODY_KB', integer(1, 10240), 256, wholeBetween(1, 10240));
  const maxTextChars = read('MAX_TEXT_CHARS', integer(1, 100000), 4000, wholeBetween(1, 100000));
  const contactsFileRaw = raw('CONTACTS_FILE') ?? 'contacts/contacts.json';
  const contactsFile = contactsFileRaw.toLowerCase() === 'off' ? '' : contactsFileRaw;
  const prechatQuestions = read<readonly PrechatQuestion[]>(
    'PRECHAT_QUESTIONS',
    prechatList,
    [],
    `a list of up to ${MAX_PRECHAT_QUESTIONS} "id=Question" entries separated by ";" (distinct ids of letters, digits, _ or -)`,
  );
  const sweepIntervalSeconds = read('SWEEP_INTERVAL_S', integer(1, 3600), 5, wholeBetween(1, 3600));
  const webchatSet = read<WebchatMode | undefined>(
    'WEBCHAT',
    oneOf(WEBCHAT_MODES),
    undefined,
    listOf(WEBCHAT_MODES),
  );
  const logLevel = read('LOG_LEVEL', oneOf(LOG_LEVELS), 'info', listOf(LOG_LEVELS));
  const publicUrl = read(
    'PUBLIC_BASE_URL',
    publicBaseUrl,
    'http://localhost:3978',
    'an http(s) URL without query or fragment, e.g. https://relaydesk.example.com',
  );
  const teamsAppId = read(
    'TEAMS_APP_ID',
    z.string().regex(GUID),
    deriveTeamsAppId(microsoftAppId),
    'a GUID, e.g. 00000000-0000-0000-0000-000000000000',
  );

  const tabSsoAudience = read('TAB_SSO_AUDIENCE', tokenClaim, '', 'a token audience (no spaces)');
  const tabSsoIssuer = read('TAB_SSO_ISSUER', tokenClaim, '', 'a token issuer (no spaces)');
  const tabSsoJwksUri = read('TAB_SSO_JWKS_URI', httpUrlValue, '', 'an http(s) URL of a JSON Web Key Set');

  const anonymous = microsoftAppId === '';
  if (anonymous && !invalid.has('HOST') && !isLoopbackHost(host) && !allowAnonymousRemote) {
    errors.push(
      `HOST: ${JSON.stringify(host)} reaches beyond this machine while MicrosoftAppId is empty (anonymous mode, no sign-in): anyone on the network could act as an agent. Set MicrosoftAppId, keep HOST on 127.0.0.1, or set ALLOW_ANONYMOUS_REMOTE=true if that is what you mean`,
    );
  }
  if (!invalid.has('HEADERS_TIMEOUT_S') && !invalid.has('REQUEST_TIMEOUT_S')) {
    if (requestTimeoutSeconds < headersTimeoutSeconds) {
      errors.push(
        'REQUEST_TIMEOUT_S: must be at least HEADERS_TIMEOUT_S (the headers are part of the request)',
      );
    }
  }
  const agentIdsSet = raw('AGENT_IDS') !== undefined;
  // The local channel checks no Bot Framework token (there is none to check in anonymous mode): development only.
  const webchat: WebchatMode = webchatSet ?? (anonymous ? 'local' : 'off');
  if (webchatSet === 'local' && !anonymous) {
    errors.push(
      'WEBCHAT: local works only in anonymous mode (MicrosoftAppId empty); with MicrosoftAppId set, leave it unset or off and give customers the Web Chat or Direct Line channel of Azure Bot Service',
    );
  }

  // Mirrors botbuilder's own credential checks, so a bad combination is reported here instead of as an assert crash.
  if (!invalid.has('MicrosoftAppType')) {
    if (microsoftAppType === 'SingleTenant' || microsoftAppType === 'UserAssignedMSI') {
      if (anonymous) errors.push(`MicrosoftAppId: is required when MicrosoftAppType is ${microsoftAppType}`);
      if (microsoftAppTenantId === '') {
        errors.push(`MicrosoftAppTenantId: is required when MicrosoftAppType is ${microsoftAppType}`);
      }
    }
    if (!anonymous && microsoftAppType !== 'UserAssignedMSI' && microsoftAppPassword === '') {
      errors.push(
        `MicrosoftAppPassword: is required when MicrosoftAppId is set and MicrosoftAppType is ${microsoftAppType}`,
      );
    }
    if (microsoftAppType === 'UserAssignedMSI' && microsoftAppPassword !== '') {
      errors.push('MicrosoftAppPassword: must not be set when MicrosoftAppType is UserAssignedMSI');
    }
  }
  if (!invalid.has('STORE') && !invalid.has('DATABASE_URL') && store === 'postgres' && databaseUrl === '') {
    errors.push(
      'DATABASE_URL: is required when STORE is postgres (postgres://user:password@host:5432/database)',
    );
  }
  if (!anonymous && !agentIdsSet) {
    errors.push(
      'AGENT_IDS: is required when MicrosoftAppId is set (comma-separated AAD object ids or Teams user ids)',
    );
  }

  const tabSsoSet = TAB_SSO_KEYS.filter((key) => raw(key) !== undefined);
  if (tabSsoSet.length > 0) {
    for (const key of TAB_SSO_KEYS) {
      if (raw(key) === undefined) {
        errors.push(
          `${key}: is required when ${tabSsoSet.join(' or ')} is set (the tab's SSO needs all three)`,
        );
      }
    }
  }

  const agents = anonymous && !agentIdsSet ? [PLAYGROUND_AGENT] : listedAgents;
  const named = withNames(agents, names);
  if (!invalid.has('AGENT_NAMES') && !invalid.has('AGENT_IDS')) {
    for (const unknown of named.unknown) {
      errors.push(`AGENT_NAMES: "${unknown}" is not an id in AGENT_IDS`);
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      port,
      host,
      allowAnonymousRemote,
      maxConnections,
      headersTimeoutSeconds,
      requestTimeoutSeconds,
      turnDeadlineSeconds,
      microsoftAppId,
      microsoftAppPassword,
      microsoftAppTenantId,
      microsoftAppType,
      anonymous,
      store,
      sqlitePath,
      databaseUrl,
      databasePoolSize,
      agentIds: named.agents.map((agent) => agent.id),
      agents: named.agents,
      maxSessions,
      agentCapacity,
      notificationTimeoutSeconds,
      waitingPeriodDays,
      sentimentThreshold,
      rateLimitPerMinute,
      maxBodyKb,
      maxTextChars,
      contactsFile,
      prechatQuestions,
      sweepIntervalSeconds,
      webchat,
      logLevel,
      publicBaseUrl: publicUrl,
      teamsAppId,
      tabSsoAudience,
      tabSsoIssuer,
      tabSsoJwksUri,
    },
  };
}

/** The agents with the names AGENT_NAMES gives them, and the ids it names that no agent has. */
function withNames(
  agents: readonly AgentIdentity[],
  names: readonly { id: string; name: string }[],
): { agents: AgentIdentity[]; unknown: string[] } {
  const unknown: string[] = [];
  const byAgent = new Map<string, string>();
  for (const { id, name } of names) {
    const agent = agents.find((candidate) => candidate.id === id || candidate.aliases.includes(id));
    if (agent) byAgent.set(agent.id, name);
    else unknown.push(id);
  }
  return {
    agents: agents.map((agent) => {
      const name = byAgent.get(agent.id);
      return name ? { ...agent, name } : agent;
    }),
    unknown,
  };
}

/** Parses a `.env` file with Node's own parser; a missing file is simply no values. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // Not `instanceof Error`: errors from Node's core can come from another realm (as under jest).
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return {};
    throw error;
  }
  return definedOnly(parseEnv(text));
}

/** The configuration `npm start` and `npm run migrate` read: `.env` in the working directory, the environment winning. */
export function loadConfigFromEnvironment(processEnv: Env = process.env): ConfigResult {
  const envPath = resolve('.env');
  let fileValues: Record<string, string>;
  try {
    fileValues = readEnvFile(envPath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [`.env: cannot read ${envPath} (${reason})`] };
  }
  return loadConfig(resolveEnvironment(processEnv, fileValues));
}

/** The real environment wins over the `.env` file: a key present in the environment is kept, even when empty. */
export function resolveEnvironment(processEnv: Env, envFileValues: Env): Record<string, string> {
  return { ...definedOnly(envFileValues), ...definedOnly(processEnv) };
}

function definedOnly(values: Env): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}
