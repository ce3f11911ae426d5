import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { SENTIMENT_THRESHOLDS, type SentimentThreshold } from '../domain/sentiment';

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const STORE_KINDS = ['sqlite', 'memory', 'azure-blob'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The Microsoft 365 Agents Playground's default user (aadObjectId, then id), so `npm start` + Playground need no edits. */
export const PLAYGROUND_AGENT_IDS: readonly string[] = ['00000000-0000-0000-0000-0000000000020', 'user-id-0'];

export interface Config {
  port: number;
  host: string;
  /** '' means local anonymous mode (no JWT auth), as the Emulator and the Agents Playground use. */
  microsoftAppId: string;
  microsoftAppPassword: string;
  microsoftAppTenantId: string;
  microsoftAppType: AppType;
  anonymous: boolean;
  store: StoreKind;
  sqlitePath: string;
  azureStorageConnectionString: string;
  azureStorageContainer: string;
  agentIds: readonly string[];
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
  logLevel: LogLevel;
}

export interface PrechatQuestion {
  readonly id: string;
  readonly prompt: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

// Their values must never reach a terminal or a log, even when they are wrong.
const SECRET_KEYS: ReadonlySet<string> = new Set(['MicrosoftAppPassword', 'AZURE_STORAGE_CONNECTION_STRING']);

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

const containerName = z.string().regex(/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);

const MAX_PRECHAT_QUESTIONS = 5;

// `name=What is your name?;topic=What can we help you with?` — ids are short keys, prompts are what the customer reads.
const prechatList = z
  .string()
  .transform((raw) =>
    raw
      .split(';')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
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

const idList = z
  .string()
  .transform((raw) => [...new Set(raw.split(',').map((id) => id.trim()))].filter((id) => id !== ''))
  .pipe(z.array(z.string().regex(/^\S+$/)).min(1));

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
  const microsoftAppId = raw('MicrosoftAppId') ?? '';
  const microsoftAppPassword = raw('MicrosoftAppPassword') ?? '';
  const microsoftAppTenantId = raw('MicrosoftAppTenantId') ?? '';
  const microsoftAppType = read('MicrosoftAppType', oneOf(APP_TYPES), 'MultiTenant', listOf(APP_TYPES));
  const store = read('STORE', oneOf(STORE_KINDS), 'sqlite', listOf(STORE_KINDS));
  const sqlitePath = raw('SQLITE_PATH') ?? 'data/relaydesk.db';
  const azureStorageConnectionString = raw('AZURE_STORAGE_CONNECTION_STRING') ?? '';
  const azureStorageContainer = read(
    'AZURE_STORAGE_CONTAINER',
    containerName,
    'relaydesk',
    'a blob container name (3-63 lowercase letters, digits and single hyphens)',
  );
  const agentIds = read<readonly string[]>(
    'AGENT_IDS',
    idList,
    [],
    'a comma-separated list of user ids (AAD object ids or Teams user ids)',
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
  const logLevel = read('LOG_LEVEL', oneOf(LOG_LEVELS), 'info', listOf(LOG_LEVELS));

  const anonymous = microsoftAppId === '';
  const agentIdsSet = raw('AGENT_IDS') !== undefined;

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
  if (!invalid.has('STORE') && store === 'azure-blob' && azureStorageConnectionString === '') {
    errors.push('AZURE_STORAGE_CONNECTION_STRING: is required when STORE is azure-blob');
  }
  if (!anonymous && !agentIdsSet) {
    errors.push(
      'AGENT_IDS: is required when MicrosoftAppId is set (comma-separated AAD object ids or Teams user ids)',
    );
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      port,
      host,
      microsoftAppId,
      microsoftAppPassword,
      microsoftAppTenantId,
      microsoftAppType,
      anonymous,
      store,
      sqlitePath,
      azureStorageConnectionString,
      azureStorageContainer,
      agentIds: anonymous && !agentIdsSet ? PLAYGROUND_AGENT_IDS : agentIds,
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
      logLevel,
    },
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
