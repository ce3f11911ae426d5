import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from '../app/ports';
import type { Config } from '../config/config';
import { messageOf } from './delivery';

/** What the user reads when a turn fails; the details go to the log only. */
export const TURN_ERROR_TEXT = 'Sorry, something went wrong. Please try again.';

export type AdapterConfig = Pick<
  Config,
  'microsoftAppId' | 'microsoftAppPassword' | 'microsoftAppTenantId' | 'microsoftAppType'
>;

export interface AdapterOptions {
  /**
   * Where the Bot Framework (and Emulator) token signing keys are looked up: an OpenID metadata URL whose
   * jwks_uri lists them. Defaults to Microsoft's; tests point it at a local server.
   */
  readonly openIdMetadataUrl?: string;
}

/**
 * botbuilder uses its public-cloud settings only when none of them is given; overriding one (the OpenID
 * metadata) means giving them all, so these are its public-cloud values.
 */
const PUBLIC_CLOUD: ConfigurationBotFrameworkAuthenticationOptions = {
  ValidateAuthority: true,
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  CallerId: CallerIdConstants.PublicAzureChannel,
};

type ConnectorFactoryOf = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ClaimsIdentityOf = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type AuthenticateResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * The connector client's HTTP pipeline retries 429 and 5xx on its own, sleeping for real and hiding the failure;
 * outbound sends are retried by Delivery instead (bounded, injectable delay), so that policy is taken out.
 */
function withoutPipelineRetry(factory: ConnectorFactoryOf, logger: Logger): ConnectorFactoryOf {
  return {
    async create(serviceUrl: string, audience?: string) {
      const client = await factory.create(serviceUrl, audience);
      // ServiceClientContext keeps its @azure/core-client ServiceClient private; its pipeline is public there.
      const inner = (client as unknown as { client?: { pipeline?: PipelineLike } }).client;
      if (inner?.pipeline) inner.pipeline.removePolicy({ name: 'defaultRetryPolicy' });
      else logger.warn({}, 'connector client pipeline not found: sends may be retried twice');
      return client;
    },
  };
}

interface PipelineLike {
  removePolicy(policy: { name: string }): unknown;
}

/** What jsonwebtoken throws for a token that is forged, expired or not yet valid. */
const TOKEN_ERROR_NAMES: ReadonlySet<string> = new Set([
  'JsonWebTokenError',
  'NotBeforeError',
  'TokenExpiredError',
]);

/**
 * botbuilder's AuthenticationError (botframework-connector, which botbuilder does not re-export): CloudAdapter
 * answers every one of them with 401, whatever its statusCode says. It is told apart as botbuilder's own
 * AuthenticationError.isStatusCodeError does (a numeric statusCode), and by its class name.
 */
function isAuthenticationError(error: unknown): error is Error & { statusCode: number } {
  return (
    error instanceof Error &&
    error.constructor.name === 'AuthenticationError' &&
    typeof (error as { statusCode?: unknown }).statusCode === 'number'
  );
}

/**
 * Promises of clients kept by key and used again; at most `max` of them, beyond which they are all let go.
 * A promise that fails is not kept: the next caller tries again.
 */
class KeptClients<T> {
  private readonly kept = new Map<string, Promise<T>>();

  constructor(private readonly max: number) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    const kept = this.kept.get(key);
    if (kept) return kept;
    if (this.kept.size >= this.max) this.kept.clear();
    const made = make();
    this.kept.set(key, made);
    made.catch(() => {
      if (this.kept.get(key) === made) this.kept.delete(key);
    });
    return made;
  }
}

/** Clients kept, at most, of each kind (one per service URL in practice); beyond it they are made afresh. */
const MAX_KEPT_CLIENTS = 100;

/** botframework-connector's AuthenticationConstants.AudienceClaim and AppIdClaim (botbuilder does not re-export it). */
const AUDIENCE_CLAIM = 'aud';
const APP_ID_CLAIM = 'appid';

type UserTokenClientOf = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>
>;

/**
 * What botbuilder makes a turn's clients for: the app id it reads from the claims (the audience claim, else the
 * app id claim; neither for an anonymous request). Nothing else in the claims changes the client it makes.
 */
function clientIdentityOf(claimsIdentity: ClaimsIdentityOf): string {
  const appId = claimsIdentity.getClaimValue(AUDIENCE_CLAIM) ?? claimsIdentity.getClaimValue(APP_ID_CLAIM);
  return appId === null ? 'anonymous' : `app ${appId}`;
}

class RelaydeskAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new KeptClients<ConnectorClient>(MAX_KEPT_CLIENTS);
  private readonly tokenClients = new KeptClients<UserTokenClientOf>(MAX_KEPT_CLIENTS);

  constructor(
    settings: ConfigurationBotFrameworkAuthenticationOptions,
    private readonly logger: Logger,
  ) {
    super(settings);
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateResult> {
    let result: AuthenticateResult;
    try {
      result = await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (isAuthenticationError(error)) {
        // Wrong audience or issuer, expired, unknown signing key...: CloudAdapter answers 401 and reports it
        // on the console only; this is the line in our log.
        this.refused(activity, error.message, error.statusCode);
        throw error;
      }
      if (!(error instanceof Error) || !TOKEN_ERROR_NAMES.has(error.name)) throw error;
      // A bad signature surfaces as a plain jsonwebtoken error, which CloudAdapter would answer with 500.
      // Asking again without a token makes botbuilder throw its own AuthenticationError: a 401, and no fetch.
      this.refused(activity, error.message);
      await super.authenticateRequest(activity, '');
      throw error;
    }
    const factory = result.connectorFactory;
    return factory
      ? { ...result, connectorFactory: this.keptClientsOf(factory, clientIdentityOf(result.claimsIdentity)) }
      : result;
  }

  /**
   * Logs a request whose token was not accepted (answered 401), with the ids the body gives, never the token.
   * A statusCode other than 401 is botbuilder failing to check the token (signing keys not loaded): a warning.
   */
  private refused(activity: Partial<Activity> | undefined, reason: string, statusCode = 401): void {
    const fields = {
      reason,
      activityId: activity?.id,
      conversationId: activity?.conversation?.id,
      channelId: activity?.channelId,
      ...(statusCode !== 401 ? { statusCode } : {}),
    };
    if (statusCode === 401) this.logger.info(fields, 'token refused');
    else this.logger.warn(fields, 'token refused: it could not be checked');
  }

  /** The factory of proactive sends: its clients are kept as a turn's are. */
  override createConnectorFactory(claimsIdentity: ClaimsIdentityOf): ConnectorFactoryOf {
    return this.keptClientsOf(super.createConnectorFactory(claimsIdentity), clientIdentityOf(claimsIdentity));
  }

  /**
   * botbuilder makes a user token client (a second HTTP pipeline) for every turn, proactive ones included;
   * Relaydesk signs no one in through it, and it holds no per-turn state, so one per app id is kept.
   */
  override createUserTokenClient(claimsIdentity: ClaimsIdentityOf): Promise<UserTokenClientOf> {
    return this.tokenClients.get(clientIdentityOf(claimsIdentity), () =>
      super.createUserTokenClient(claimsIdentity),
    );
  }

  /**
   * Connector clients, kept per app id, service URL and audience and used again. botbuilder builds a new client,
   * with a new HTTP pipeline, for every turn (the turn's own, which Relaydesk's turns never send through) and
   * every proactive send, and that was a share of every message's cost. A client holds no per-request state;
   * its credentials fetch and refresh tokens.
   */
  private keptClientsOf(factory: ConnectorFactoryOf, identity: string): ConnectorFactoryOf {
    const made = withoutPipelineRetry(factory, this.logger);
    return {
      create: (serviceUrl: string, audience?: string) =>
        this.clients.get(`${identity} ${serviceUrl} ${audience ?? ''}`, () =>
          made.create(serviceUrl, audience),
        ),
    };
  }
}

/**
 * The CloudAdapter, and the connector clients proactive sends go through (outside any turn): kept per service URL,
 * for the bot's own identity, as a proactive turn would make them.
 */
export class RelaydeskAdapter extends CloudAdapter {
  private readonly connectors: ConnectorFactoryOf;

  constructor(authentication: RelaydeskAuthentication, appId: string) {
    super(authentication);
    this.connectors = authentication.createConnectorFactory(this.createClaimsIdentity(appId));
  }

  connectorFor(serviceUrl: string): Promise<ConnectorClient> {
    return this.connectors.create(serviceUrl, undefined);
  }
}

type ConnectorClient = Awaited<ReturnType<ConnectorFactoryOf['create']>>;

/** The CloudAdapter for our Config: an empty MicrosoftAppId is anonymous mode (no JWT), as the local clients use. */
export function createAdapter(
  config: AdapterConfig,
  logger: Logger,
  options: AdapterOptions = {},
): RelaydeskAdapter {
  const settings: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
    MicrosoftAppType: config.microsoftAppType,
    ...(options.openIdMetadataUrl
      ? {
          ...PUBLIC_CLOUD,
          ToBotFromChannelOpenIdMetadataUrl: options.openIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: options.openIdMetadataUrl,
        }
      : {}),
  };
  const log = logger.child({ component: 'adapter' });
  const adapter = new RelaydeskAdapter(new RelaydeskAuthentication(settings, log), config.microsoftAppId);
  adapter.onTurnError = (context, error) => handleTurnError(log, context, error);
  return adapter;
}

async function handleTurnError(logger: Logger, context: TurnContext, error: unknown): Promise<void> {
  const activity = context.activity;
  const fields = {
    conversationId: activity?.conversation?.id,
    activityId: activity?.id,
    activityType: activity?.type,
    channelId: activity?.channelId,
  };
  logger.error({ ...fields, err: error }, 'turn failed');
  try {
    await context.sendActivity({ type: 'message', text: TURN_ERROR_TEXT, textFormat: 'plain' });
  } catch (sendError) {
    logger.warn({ ...fields, reason: messageOf(sendError) }, 'could not tell the user the turn failed');
  }
}
