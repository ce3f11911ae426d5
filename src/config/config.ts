import type { QueueLimits } from '../domain/overflow';
import type { OperatingHours } from '../domain/operating-hours';
import { resolve } from 'node:path';
import type { RateWindow } from '../domain/call-budget';
import type { AgentIdentity } from '../domain/agent-directory';
import type { SentimentThreshold } from '../domain/sentiment';
import type { AppType, LogFormat, LogLevel, StoreKind, WebchatMode } from './allowed-values';
import { PLAYGROUND_AGENT, withNames, withSupervisors } from './agent-roster';
import {
  checkAgentIdsGiven,
  checkAgentNames,
  checkCredentials,
  checkServer,
  checkStore,
  checkTabSso,
  checkWebchat,
} from './cross-checks';
import { readEnvFile, resolveEnvironment } from './env-file';
import { EnvReader } from './env-reader';
import {
  readAgentKeys,
  readBotKeys,
  readDeskKeys,
  readServerKeys,
  readStoreKeys,
  readWebKeys,
} from './key-groups';
import type { PrechatQuestion } from './list-schemas';

export {
  APP_TYPES,
  LOG_FORMATS,
  LOG_LEVELS,
  STORE_KINDS,
  SURVEY_MODES,
  WEBCHAT_MODES,
  type AppType,
  type LogFormat,
  type LogLevel,
  type StoreKind,
  type SurveyMode,
  type WebchatMode,
} from './allowed-values';
export { PLAYGROUND_AGENT, PLAYGROUND_AGENT_IDS } from './agent-roster';
export { readEnvFile, resolveEnvironment } from './env-file';
export type { PrechatQuestion } from './list-schemas';
export { DEV_TEAMS_APP_ID, deriveTeamsAppId } from './teams-app-id';
export { isLoopbackHost } from './value-schemas';
export { loadPackageConfig, type PackageConfig, type PackageConfigResult } from './package-keys';

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
  /**
   * On SIGTERM, how long requests in flight and the outbox's due sends get to finish before the store closes
   * (SHUTDOWN_GRACE_S); what is left is sent after the next start.
   */
  shutdownGraceSeconds: number;
  /** GET /readyz fails when a due send has waited longer than this (READY_OUTBOX_MAX_AGE_S); 0: not checked. */
  readyOutboxMaxAgeSeconds: number;
  /**
   * CLIENT_ID (or its alias MicrosoftAppId), the bot's Entra app id; '' means local anonymous mode (no JWT auth),
   * as the Emulator and the Agents Playground use.
   */
  microsoftAppId: string;
  /** CLIENT_SECRET (or MicrosoftAppPassword). A secret. */
  microsoftAppPassword: string;
  /** TENANT_ID (or MicrosoftAppTenantId). */
  microsoftAppTenantId: string;
  /** MicrosoftAppType; SingleTenant by default when the app id and the tenant id are both set. */
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
  /**
   * Each member of staff with their other ids (`id|alias`) and the name AGENT_NAMES gives them: the agents, then
   * the supervisors who are not agents (who take no work).
   */
  agents: readonly AgentIdentity[];
  /** The supervisors' keys (SUPERVISOR_IDS): an agent's key when the supervisor is also that agent. */
  supervisorIds: readonly string[];
  maxSessions: number;
  agentCapacity: number;
  notificationTimeoutSeconds: number;
  waitingPeriodDays: number;
  sentimentThreshold: SentimentThreshold;
  /** 0 turns rate limiting off. */
  rateLimitPerMinute: number;
  /** Teams' limits per bot and conversation (TEAMS_CONVERSATION_LIMITS), checked before each call. */
  teamsConversationLimits: readonly RateWindow[];
  /** Teams' limit per app and tenant, all conversations together (TEAMS_TENANT_LIMIT). */
  teamsTenantLimit: RateWindow;
  maxBodyKb: number;
  maxTextChars: number;
  /** The contacts directory seeded into the store at start; '' when CONTACTS_FILE=off. */
  contactsFile: string;
  /** The team's shared quick replies (JSON), read at start; '' when QUICK_REPLIES_FILE=off. */
  quickRepliesFile: string;
  /** Pre-chat questions asked before a new conversation is queued; none = no pre-chat survey. */
  prechatQuestions: readonly PrechatQuestion[];
  sweepIntervalSeconds: number;
  /** What an agent picks from when they wrap a conversation up (WRAP_UP_OUTCOMES). */
  wrapUpOutcomes: readonly string[];
  /** Seconds an ended conversation keeps its capacity in wrap-up; Infinity (`always`) until Finish. */
  wrapUpHoldSeconds: number;
  /** Seconds after which a conversation in wrap-up closes by itself, outcome "Not set". */
  wrapUpTimeoutSeconds: number;
  /** An agent who lets an offer time out is set Inactive (no offers until they choose a presence). */
  missedOfferInactive: boolean;
  /** An agent with Active conversations, no tab open and no message for this long is away. */
  agentAwaySeconds: number;
  /** How long an agent may be Offline or away before their Active conversations go back to the queue. */
  offlineGraceSeconds: number;
  /** How long a resumed conversation waits for its last agent before anyone else is offered it. */
  keepAgentSeconds: number;
  /** When the desk is open (OPERATING_HOURS); undefined: always. */
  operatingHours: OperatingHours | undefined;
  /** MAX_QUEUE_LENGTH / MAX_QUEUE_WAIT_S and their actions (overflow). */
  queueLimits: QueueLimits;
  /** CSAT_SURVEY=on: after an End the customer is asked "How did we do? (1–5)" with an optional comment. */
  csatSurvey: boolean;
  /**
   * The customer web chat page at /chat over the embedded local Direct Line channel: 'local' only in anonymous
   * mode. Unset, it is 'local' without CLIENT_ID and 'off' with it; WEBCHAT=local with CLIENT_ID is an error.
   */
  webchat: WebchatMode;
  logLevel: LogLevel;
  /** LOG_FORMAT: json or pretty; undefined (unset) chooses by whether stdout is a terminal (chooseLogFormat). */
  logFormat: LogFormat | undefined;
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

export type Env = Readonly<Record<string, string | undefined>>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Validates the environment into a typed Config; every problem becomes one line naming the key. */
export function loadConfig(source: Env): ConfigResult {
  const env = new EnvReader(source);
  const server = readServerKeys(env);
  const { bot, names: identityNames } = readBotKeys(env);
  const store = readStoreKeys(env);
  const { listedAgents, names, supervisors } = readAgentKeys(env);
  const desk = readDeskKeys(env);
  const { webchatSet, ...web } = readWebKeys(env, bot.microsoftAppId);

  const anonymous = bot.microsoftAppId === '';
  const agentIdsSet = env.raw('AGENT_IDS') !== undefined;
  checkServer(env, server, identityNames, anonymous);
  checkWebchat(env, webchatSet, identityNames, anonymous);
  checkCredentials(env, bot, identityNames, anonymous);
  checkStore(env, store);
  checkAgentIdsGiven(env, identityNames, anonymous);
  checkTabSso(env);
  const roster = anonymous && !agentIdsSet ? [PLAYGROUND_AGENT] : listedAgents;
  const { staff, supervisorIds, ambiguous } = withSupervisors(roster, supervisors);
  for (const entry of ambiguous) env.error(`SUPERVISOR_IDS: "${entry}" names more than one agent`);
  const named = withNames(staff, names);
  checkAgentNames(env, named.unknown);

  if (env.errors.length > 0) return { ok: false, errors: env.errors };
  return {
    ok: true,
    config: {
      ...server,
      ...bot,
      anonymous,
      ...store,
      agentIds: roster.map((agent) => agent.id),
      agents: named.agents,
      supervisorIds,
      ...desk,
      // The local channel checks no Bot Framework token (there is none to check in anonymous mode): development only.
      webchat: webchatSet ?? (anonymous ? 'local' : 'off'),
      ...web,
    },
  };
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
