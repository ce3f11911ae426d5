import { OVERFLOW_ACTIONS, type QueueLimits } from '../domain/overflow';
import type { OperatingHours } from '../domain/operating-hours';
import type { AgentIdentity } from '../domain/agent-directory';
import {
  parseDefault,
  RATE_WINDOW_EXPECTED,
  rateWindow,
  rateWindows,
  TEAMS_CONVERSATION_LIMITS_DEFAULT,
  TEAMS_TENANT_LIMIT_DEFAULT,
} from './rate-windows';
import { SENTIMENT_THRESHOLDS } from '../domain/sentiment';
import {
  APP_TYPES,
  LOG_FORMATS,
  LOG_LEVELS,
  STORE_KINDS,
  SURVEY_MODES,
  WEBCHAT_MODES,
  type LogFormat,
  type WebchatMode,
} from './allowed-values';
import type { Config } from './config';
import { type EnvReader, listOf, wholeBetween } from './env-reader';
import {
  type AgentName,
  MAX_PRECHAT_QUESTIONS,
  type PrechatQuestion,
  agentList,
  agentNames,
  DEFAULT_WRAP_UP_OUTCOMES,
  MAX_WRAP_UP_OUTCOMES,
  prechatList,
  wrapUpOutcomes,
  operatingHours,
} from './list-schemas';
import { z } from 'zod';
import { type PackageKeys, readPackageKeys } from './package-keys';
import { type IdentityKeyNames, readBotIdentity } from './bot-identity';
import { flag, hostName, integer, oneOf, postgresUrl } from './value-schemas';

/*
 * Each group reads its keys with their defaults and the words that say what a valid value is. The groups are
 * read in .env.example order, so errors come out in that order too.
 */

export type ServerKeys = Pick<
  Config,
  | 'port'
  | 'host'
  | 'allowAnonymousRemote'
  | 'maxConnections'
  | 'headersTimeoutSeconds'
  | 'requestTimeoutSeconds'
  | 'turnDeadlineSeconds'
  | 'shutdownGraceSeconds'
  | 'readyOutboxMaxAgeSeconds'
>;

export function readServerKeys(env: EnvReader): ServerKeys {
  return {
    port: env.read('PORT', integer(0, 65535), 3978, 'a number between 0 and 65535'),
    host: env.read('HOST', hostName, '127.0.0.1', 'a host name or IP address'),
    allowAnonymousRemote: env.read('ALLOW_ANONYMOUS_REMOTE', flag, false, 'true or false'),
    maxConnections: env.read('MAX_CONNECTIONS', integer(10, 100000), 1000, wholeBetween(10, 100000)),
    headersTimeoutSeconds: env.read('HEADERS_TIMEOUT_S', integer(1, 600), 20, wholeBetween(1, 600)),
    requestTimeoutSeconds: env.read('REQUEST_TIMEOUT_S', integer(1, 3600), 60, wholeBetween(1, 3600)),
    turnDeadlineSeconds: env.read('TURN_DEADLINE_S', integer(1, 600), 15, wholeBetween(1, 600)),
    shutdownGraceSeconds: env.read('SHUTDOWN_GRACE_S', integer(0, 600), 10, wholeBetween(0, 600)),
    readyOutboxMaxAgeSeconds: env.read(
      'READY_OUTBOX_MAX_AGE_S',
      integer(0, 86400),
      300,
      `${wholeBetween(0, 86400)} (0 turns the check off)`,
    ),
  };
}

export type BotKeys = Pick<
  Config,
  'microsoftAppId' | 'microsoftAppPassword' | 'microsoftAppTenantId' | 'microsoftAppType'
>;

/** The bot's keys, and the spelling (CLIENT_ID or MicrosoftAppId, ...) error lines name its identity keys by. */
export function readBotKeys(env: EnvReader): { bot: BotKeys; names: IdentityKeyNames } {
  const identity = readBotIdentity(env);
  // Bots registered since July 2025 (the Teams CLI's among them) are single-tenant: a tenant id given with the
  // app id means SingleTenant unless MicrosoftAppType says otherwise; MultiTenant would ask the wrong tenant for tokens.
  const typeDefault = identity.id !== '' && identity.tenant !== '' ? 'SingleTenant' : 'MultiTenant';
  const bot: BotKeys = {
    microsoftAppId: identity.id,
    microsoftAppPassword: identity.secret,
    microsoftAppTenantId: identity.tenant,
    microsoftAppType: env.read('MicrosoftAppType', oneOf(APP_TYPES), typeDefault, listOf(APP_TYPES)),
  };
  return { bot, names: identity.names };
}

export type StoreKeys = Pick<Config, 'store' | 'sqlitePath' | 'databaseUrl' | 'databasePoolSize'>;

export function readStoreKeys(env: EnvReader): StoreKeys {
  return {
    store: env.read('STORE', oneOf(STORE_KINDS), 'sqlite', listOf(STORE_KINDS)),
    sqlitePath: env.raw('SQLITE_PATH') ?? 'data/relaydesk.db',
    databaseUrl: env.read(
      'DATABASE_URL',
      postgresUrl,
      '',
      'a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/relaydesk',
    ),
    databasePoolSize: env.read('DATABASE_POOL_SIZE', integer(1, 1000), 10, wholeBetween(1, 1000)),
  };
}

export interface AgentKeys {
  /** The AGENT_IDS entries; none when it is unset or invalid. */
  readonly listedAgents: readonly AgentIdentity[];
  readonly names: readonly AgentName[];
  /** The SUPERVISOR_IDS entries; none when it is unset or invalid. */
  readonly supervisors: readonly AgentIdentity[];
}

export function readAgentKeys(env: EnvReader): AgentKeys {
  return {
    listedAgents: env.read<readonly AgentIdentity[]>(
      'AGENT_IDS',
      agentList,
      [],
      'a comma-separated list of agents, each one or more of their ids joined by "|" (AAD object ids or Teams user ids), no id twice',
    ),
    names: env.read<readonly AgentName[]>(
      'AGENT_NAMES',
      agentNames,
      [],
      'a list of "id=Display name" entries separated by ";" (names of 1 to 64 characters)',
    ),
    supervisors: env.read<readonly AgentIdentity[]>(
      'SUPERVISOR_IDS',
      agentList,
      [],
      'a comma-separated list of supervisors, as AGENT_IDS lists agents (one person\'s ids joined by "|"), no id twice',
    ),
  };
}

/** WRAP_UP_HOLD_S: whole seconds, or `always` (Infinity: the capacity is held until Finish). */
const wrapUpHold = z.union([
  z
    .string()
    .regex(/^always$/i)
    .transform(() => Infinity),
  integer(0, 86400),
]);

export type DeskKeys = Pick<
  Config,
  | 'maxSessions'
  | 'agentCapacity'
  | 'notificationTimeoutSeconds'
  | 'waitingPeriodDays'
  | 'sentimentThreshold'
  | 'rateLimitPerMinute'
  | 'teamsConversationLimits'
  | 'teamsTenantLimit'
  | 'maxBodyKb'
  | 'maxTextChars'
  | 'contactsFile'
  | 'quickRepliesFile'
  | 'prechatQuestions'
  | 'sweepIntervalSeconds'
  | 'wrapUpOutcomes'
  | 'wrapUpHoldSeconds'
  | 'wrapUpTimeoutSeconds'
  | StuckWorkKey
>;

/**
 * The keys of the customer's side (when the desk is open, overflow, the survey after an End) and of keeping work
 * from sitting with an agent who is not there.
 */
type StuckWorkKey =
  | 'csatSurvey'
  | 'missedOfferInactive'
  | 'agentAwaySeconds'
  | 'offlineGraceSeconds'
  | 'operatingHours'
  | 'queueLimits'
  | 'keepAgentSeconds';

export function readDeskKeys(env: EnvReader): DeskKeys {
  const maxSessions = env.read('MAX_SESSIONS', integer(1, 100), 10, wholeBetween(1, 100));
  const between = (key: string, min: number, max: number, fallback: number): number =>
    env.read(key, integer(min, max), fallback, wholeBetween(min, max));
  return {
    maxSessions,
    agentCapacity: between('AGENT_CAPACITY', 1, 1000, maxSessions),
    notificationTimeoutSeconds: between('NOTIFICATION_TIMEOUT_S', 5, 86400, 120),
    waitingPeriodDays: between('WAITING_PERIOD_DAYS', 1, 3650, 28),
    sentimentThreshold: env.read(
      'SENTIMENT_THRESHOLD',
      oneOf(SENTIMENT_THRESHOLDS),
      'slightly-negative',
      listOf(SENTIMENT_THRESHOLDS),
    ),
    rateLimitPerMinute: env.read(
      'RATE_LIMIT_PER_MINUTE',
      integer(0, 100000),
      60,
      `${wholeBetween(0, 100000)} (0 turns it off)`,
    ),
    teamsConversationLimits: env.read(
      'TEAMS_CONVERSATION_LIMITS',
      rateWindows,
      parseDefault(rateWindows, TEAMS_CONVERSATION_LIMITS_DEFAULT),
      `a list of ${RATE_WINDOW_EXPECTED} separated by ","`,
    ),
    teamsTenantLimit: env.read(
      'TEAMS_TENANT_LIMIT',
      rateWindow,
      parseDefault(rateWindow, TEAMS_TENANT_LIMIT_DEFAULT),
      `one rate window: ${RATE_WINDOW_EXPECTED}`,
    ),
    maxBodyKb: between('MAX_BODY_KB', 1, 10240, 256),
    maxTextChars: between('MAX_TEXT_CHARS', 1, 100000, 4000),
    contactsFile: contactsFile(env.raw('CONTACTS_FILE') ?? 'contacts/contacts.json'),
    quickRepliesFile: contactsFile(env.raw('QUICK_REPLIES_FILE') ?? 'quick-replies.json'),
    prechatQuestions: env.read<readonly PrechatQuestion[]>(
      'PRECHAT_QUESTIONS',
      prechatList,
      [],
      `a list of up to ${MAX_PRECHAT_QUESTIONS} "id=Question" entries separated by ";" (distinct ids of letters, digits, _ or -)`,
    ),
    sweepIntervalSeconds: between('SWEEP_INTERVAL_S', 1, 3600, 5),
    wrapUpOutcomes: env.read<readonly string[]>(
      'WRAP_UP_OUTCOMES',
      wrapUpOutcomes,
      DEFAULT_WRAP_UP_OUTCOMES,
      `a list of 1 to ${MAX_WRAP_UP_OUTCOMES} distinct outcomes separated by ";" (1 to 40 characters each)`,
    ),
    wrapUpHoldSeconds: env.read(
      'WRAP_UP_HOLD_S',
      wrapUpHold,
      60,
      `${wholeBetween(0, 86400)}, or "always" (held until Finish)`,
    ),
    wrapUpTimeoutSeconds: between('WRAP_UP_TIMEOUT_S', 10, 604800, 900),
    ...readStuckWorkKeys(env),
  };
}

/** MAX_QUEUE_LENGTH, MAX_QUEUE_WAIT_S and what each does when reached (overflow). */
function readQueueLimits(env: EnvReader): QueueLimits {
  const action = (key: string) => env.read(key, oneOf(OVERFLOW_ACTIONS), 'wait', listOf(OVERFLOW_ACTIONS));
  return {
    maxLength: env.read('MAX_QUEUE_LENGTH', integer(0, 10000), 0, `${wholeBetween(0, 10000)} (0: no limit)`),
    fullAction: action('QUEUE_FULL_ACTION'),
    maxWaitMs:
      env.read('MAX_QUEUE_WAIT_S', integer(0, 86400), 0, `${wholeBetween(0, 86400)} (0: no limit)`) * 1000,
    waitAction: action('QUEUE_WAIT_ACTION'),
  };
}

/** When the desk is open, what keeps work from sitting with an agent who is not there, and the survey. */
function readStuckWorkKeys(env: EnvReader): Pick<DeskKeys, StuckWorkKey> {
  return {
    keepAgentSeconds: env.read('KEEP_AGENT_S', integer(0, 86400), 120, wholeBetween(0, 86400)),
    queueLimits: readQueueLimits(env),
    operatingHours: env.read<OperatingHours | undefined>(
      'OPERATING_HOURS',
      operatingHours,
      undefined,
      '"Day[-Day] HH:MM-HH:MM" entries separated by "," then "@ <IANA time zone>", e.g. Mon-Fri 09:00-17:00 @ Europe/Berlin',
    ),
    missedOfferInactive: env.read('MISSED_OFFER_INACTIVE', flag, true, 'true or false'),
    agentAwaySeconds: env.read('AGENT_AWAY_S', integer(60, 86400), 600, wholeBetween(60, 86400)),
    offlineGraceSeconds: env.read('OFFLINE_GRACE_S', integer(0, 3600), 60, wholeBetween(0, 3600)),
    csatSurvey: env.read('CSAT_SURVEY', oneOf(SURVEY_MODES), 'on', listOf(SURVEY_MODES)) === 'on',
  };
}

function contactsFile(value: string): string {
  return value.toLowerCase() === 'off' ? '' : value;
}

export type WebKeys = Pick<Config, 'logLevel' | 'logFormat'> &
  PackageKeys & {
    /** WEBCHAT as set; unset, the mode follows from the bot's app id (see Config.webchat). */
    readonly webchatSet: WebchatMode | undefined;
  };

export function readWebKeys(env: EnvReader, microsoftAppId: string): WebKeys {
  return {
    webchatSet: env.read<WebchatMode | undefined>(
      'WEBCHAT',
      oneOf(WEBCHAT_MODES),
      undefined,
      listOf(WEBCHAT_MODES),
    ),
    logLevel: env.read('LOG_LEVEL', oneOf(LOG_LEVELS), 'info', listOf(LOG_LEVELS)),
    logFormat: env.read<LogFormat | undefined>(
      'LOG_FORMAT',
      oneOf(LOG_FORMATS),
      undefined,
      listOf(LOG_FORMATS),
    ),
    ...readPackageKeys(env, microsoftAppId),
  };
}
