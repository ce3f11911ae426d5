import {
  DEV_TEAMS_APP_ID,
  loadConfig,
  PLAYGROUND_AGENT_IDS,
  type Config,
  type Env,
} from '../../src/config/config';

function configFrom(env: Env): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join('\n')}`);
  return result.config;
}

function errorsFrom(env: Env): string[] {
  const result = loadConfig(env);
  if (result.ok) throw new Error('expected configuration errors');
  return result.errors;
}

const registeredBot = {
  MicrosoftAppId: 'app-id',
  MicrosoftAppPassword: 'pa55-word',
  AGENT_IDS: 'aad-1',
};

describe('loadConfig', () => {
  it('gives every key its default when the environment is empty', () => {
    expect(configFrom({})).toEqual({
      port: 3978,
      host: '127.0.0.1',
      allowAnonymousRemote: false,
      maxConnections: 1000,
      headersTimeoutSeconds: 20,
      requestTimeoutSeconds: 60,
      turnDeadlineSeconds: 15,
      shutdownGraceSeconds: 10,
      readyOutboxMaxAgeSeconds: 300,
      microsoftAppId: '',
      microsoftAppPassword: '',
      microsoftAppTenantId: '',
      microsoftAppType: 'MultiTenant',
      anonymous: true,
      store: 'sqlite',
      sqlitePath: 'data/relaydesk.db',
      databaseUrl: '',
      databasePoolSize: 10,
      agentIds: ['00000000-0000-0000-0000-0000000000020'],
      agents: [{ id: '00000000-0000-0000-0000-0000000000020', aliases: ['user-id-0'], name: 'Alex Agent' }],
      supervisorIds: [],
      maxSessions: 10,
      agentCapacity: 10,
      notificationTimeoutSeconds: 120,
      waitingPeriodDays: 28,
      wrapUpOutcomes: ['Resolved', 'Follow-up needed', 'Escalated', 'No response'],
      wrapUpHoldSeconds: 60,
      wrapUpTimeoutSeconds: 900,
      missedOfferInactive: true,
      agentAwaySeconds: 600,
      offlineGraceSeconds: 60,
      keepAgentSeconds: 120,
      operatingHours: undefined,
      queueLimits: { maxLength: 0, fullAction: 'wait', maxWaitMs: 0, waitAction: 'wait' },
      csatSurvey: true,
      sentimentThreshold: 'slightly-negative',
      rateLimitPerMinute: 60,
      teamsConversationLimits: [
        { limit: 7, windowMs: 1_000 },
        { limit: 8, windowMs: 2_000 },
        { limit: 60, windowMs: 30_000 },
        { limit: 1_800, windowMs: 3_600_000 },
      ],
      teamsTenantLimit: { limit: 50, windowMs: 1_000 },
      maxBodyKb: 256,
      maxTextChars: 4000,
      contactsFile: 'contacts/contacts.json',
      quickRepliesFile: 'quick-replies.json',
      prechatQuestions: [],
      sweepIntervalSeconds: 5,
      webchat: 'local',
      logLevel: 'info',
      logFormat: undefined,
      publicBaseUrl: 'http://localhost:3978',
      teamsAppId: DEV_TEAMS_APP_ID,
      tabSsoAudience: '',
      tabSsoIssuer: '',
      tabSsoJwksUri: '',
    });
  });

  describe('pre-chat questions and contacts', () => {
    it('reads "id=Question" entries separated by semicolons', () => {
      const result = loadConfig({
        PRECHAT_QUESTIONS: 'name=What is your name?; topic=What can we help you with?',
      });
      expect(result.ok && result.config.prechatQuestions).toEqual([
        { id: 'name', prompt: 'What is your name?' },
        { id: 'topic', prompt: 'What can we help you with?' },
      ]);
    });

    it.each([['name'], ['=Question'], ['a=x;a=y'], ['a=1;b=2;c=3;d=4;e=5;f=6']])(
      'refuses the malformed list %p in one line',
      (value) => {
        const result = loadConfig({ PRECHAT_QUESTIONS: value });
        expect(result.ok).toBe(false);
        expect(!result.ok && result.errors).toEqual([
          expect.stringMatching(/^PRECHAT_QUESTIONS: .* is not a list of up to 5/),
        ]);
      },
    );

    it('turns the contacts directory off with CONTACTS_FILE=off', () => {
      const result = loadConfig({ CONTACTS_FILE: 'off' });
      expect(result.ok && result.config.contactsFile).toBe('');
    });

    it('turns the shared quick replies off with QUICK_REPLIES_FILE=off, and reads another file by its path', () => {
      expect(configFrom({ QUICK_REPLIES_FILE: 'OFF' }).quickRepliesFile).toBe('');
      expect(configFrom({ QUICK_REPLIES_FILE: 'team/replies.json' }).quickRepliesFile).toBe(
        'team/replies.json',
      );
    });
  });

  it('treats empty and blank values as unset', () => {
    expect(configFrom({ PORT: '', STORE: '   ', MAX_SESSIONS: '' })).toMatchObject({
      port: 3978,
      store: 'sqlite',
      maxSessions: 10,
    });
  });

  it('coerces numbers, trims values and accepts enum values in any case', () => {
    expect(
      configFrom({
        PORT: ' 8080 ',
        HOST: ' 0.0.0.0 ',
        ALLOW_ANONYMOUS_REMOTE: ' True ',
        STORE: 'Memory',
        MAX_SESSIONS: '3',
        NOTIFICATION_TIMEOUT_S: '5',
        SENTIMENT_THRESHOLD: 'OFF',
        RATE_LIMIT_PER_MINUTE: '0',
        LOG_LEVEL: 'silent',
      }),
    ).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      allowAnonymousRemote: true,
      store: 'memory',
      maxSessions: 3,
      notificationTimeoutSeconds: 5,
      sentimentThreshold: 'off',
      rateLimitPerMinute: 0,
      logLevel: 'silent',
    });
  });

  it('reads Teams rate limits as calls per window, so a tenant with other limits can set them', () => {
    expect(
      configFrom({ TEAMS_CONVERSATION_LIMITS: ' 5/1s, 100/1m ,900/1h', TEAMS_TENANT_LIMIT: '30/1s' }),
    ).toMatchObject({
      teamsConversationLimits: [
        { limit: 5, windowMs: 1_000 },
        { limit: 100, windowMs: 60_000 },
        { limit: 900, windowMs: 3_600_000 },
      ],
      teamsTenantLimit: { limit: 30, windowMs: 1_000 },
    });
  });

  it('accepts port 0 so tests can ask for a free port', () => {
    expect(configFrom({ PORT: '0' }).port).toBe(0);
  });

  it('defaults AGENT_CAPACITY to MAX_SESSIONS, and takes it when set', () => {
    expect(configFrom({ MAX_SESSIONS: '4' }).agentCapacity).toBe(4);
    expect(configFrom({ MAX_SESSIONS: '4', AGENT_CAPACITY: '7' }).agentCapacity).toBe(7);
  });

  it.each<[string, string, string]>([
    ['PORT', 'abc', 'PORT: "abc" is not a number between 0 and 65535'],
    ['PORT', '65536', 'PORT: "65536" is not a number between 0 and 65535'],
    ['HOST', 'http://example.com', 'HOST: "http://example.com" is not a host name or IP address'],
    [
      'MicrosoftAppType',
      'Everyone',
      'MicrosoftAppType: "Everyone" is not one of MultiTenant, SingleTenant, UserAssignedMSI',
    ],
    ['STORE', 'nope', 'STORE: "nope" is not one of sqlite, postgres, memory'],
    ['MAX_SESSIONS', '0', 'MAX_SESSIONS: "0" is not a whole number between 1 and 100'],
    ['MAX_SESSIONS', '101', 'MAX_SESSIONS: "101" is not a whole number between 1 and 100'],
    ['MAX_SESSIONS', '2.5', 'MAX_SESSIONS: "2.5" is not a whole number between 1 and 100'],
    ['AGENT_CAPACITY', 'lots', 'AGENT_CAPACITY: "lots" is not a whole number between 1 and 1000'],
    ['NOTIFICATION_TIMEOUT_S', '4', 'NOTIFICATION_TIMEOUT_S: "4" is not a whole number between 5 and 86400'],
    ['WAITING_PERIOD_DAYS', '0', 'WAITING_PERIOD_DAYS: "0" is not a whole number between 1 and 3650'],
    [
      'SENTIMENT_THRESHOLD',
      'grumpy',
      'SENTIMENT_THRESHOLD: "grumpy" is not one of slightly-negative, negative, very-negative, off',
    ],
    [
      'RATE_LIMIT_PER_MINUTE',
      '-1',
      'RATE_LIMIT_PER_MINUTE: "-1" is not a whole number between 0 and 100000 (0 turns it off)',
    ],
    [
      'TEAMS_CONVERSATION_LIMITS',
      '7 per second',
      'TEAMS_CONVERSATION_LIMITS: "7 per second" is not a list of calls per window, as "7/1s" (units ms, s, m, h; a window of 100 ms to 24 h) separated by ","',
    ],
    [
      'TEAMS_TENANT_LIMIT',
      '0/1s',
      'TEAMS_TENANT_LIMIT: "0/1s" is not one rate window: calls per window, as "7/1s" (units ms, s, m, h; a window of 100 ms to 24 h)',
    ],
    ['MAX_BODY_KB', '0', 'MAX_BODY_KB: "0" is not a whole number between 1 and 10240'],
    ['MAX_TEXT_CHARS', 'x', 'MAX_TEXT_CHARS: "x" is not a whole number between 1 and 100000'],
    ['WEBCHAT', 'azure', 'WEBCHAT: "azure" is not one of local, off'],
    ['CSAT_SURVEY', 'yes', 'CSAT_SURVEY: "yes" is not one of on, off'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent'],
    [
      'AGENT_IDS',
      ' , ,',
      'AGENT_IDS: ", ," is not a comma-separated list of agents, each one or more of their ids joined by "|" (AAD object ids or Teams user ids), no id twice',
    ],
    ['DATABASE_POOL_SIZE', '0', 'DATABASE_POOL_SIZE: "0" is not a whole number between 1 and 1000'],
    [
      'DATABASE_URL',
      'localhost:5432/relaydesk',
      'DATABASE_URL: (hidden value) is not a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/relaydesk',
    ],
  ])('reports a bad %s value %j as one line naming key, value and expectation', (key, value, message) => {
    expect(errorsFrom({ [key]: value })).toEqual([message]);
  });

  it('reports several bad keys as several lines, in .env.example order', () => {
    expect(errorsFrom({ LOG_LEVEL: 'loud', STORE: 'nope', HOST: 'a b', PORT: 'abc' })).toEqual([
      'PORT: "abc" is not a number between 0 and 65535',
      'HOST: "a b" is not a host name or IP address',
      'STORE: "nope" is not one of sqlite, postgres, memory',
      'LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('reads the connection limits and the turn deadline, and wants the request timeout at least the headers one', () => {
    expect(
      configFrom({
        MAX_CONNECTIONS: '50',
        HEADERS_TIMEOUT_S: '5',
        REQUEST_TIMEOUT_S: '30',
        TURN_DEADLINE_S: '2',
      }),
    ).toMatchObject({
      maxConnections: 50,
      headersTimeoutSeconds: 5,
      requestTimeoutSeconds: 30,
      turnDeadlineSeconds: 2,
    });
    expect(errorsFrom({ HEADERS_TIMEOUT_S: '30', REQUEST_TIMEOUT_S: '10' })).toEqual([
      'REQUEST_TIMEOUT_S: must be at least HEADERS_TIMEOUT_S (the headers are part of the request)',
    ]);
    expect(errorsFrom({ MAX_CONNECTIONS: '5', TURN_DEADLINE_S: '0' })).toEqual([
      'MAX_CONNECTIONS: "5" is not a whole number between 10 and 100000',
      'TURN_DEADLINE_S: "0" is not a whole number between 1 and 600',
    ]);
  });

  it('keeps every error on one line', () => {
    const errors = errorsFrom({ PORT: 'a\nb', MicrosoftAppId: 'app-id' });
    expect(errors.length).toBeGreaterThan(1);
    for (const line of errors) expect(line).not.toContain('\n');
  });

  it('asks the survey after an End unless CSAT_SURVEY=off (any case)', () => {
    expect(configFrom({}).csatSurvey).toBe(true);
    expect(configFrom({ CSAT_SURVEY: 'on' }).csatSurvey).toBe(true);
    expect(configFrom({ CSAT_SURVEY: 'OFF' }).csatSurvey).toBe(false);
    expect(configFrom({ CSAT_SURVEY: ' off ' }).csatSurvey).toBe(false);
  });

  describe('wrap-up', () => {
    it('reads the outcomes, a hold in seconds or "always", and the timeout', () => {
      const config = configFrom({
        WRAP_UP_OUTCOMES: 'Solved; Call back, tomorrow ;Escalated',
        WRAP_UP_HOLD_S: 'Always',
        WRAP_UP_TIMEOUT_S: '120',
      });
      expect(config.wrapUpOutcomes).toEqual(['Solved', 'Call back, tomorrow', 'Escalated']);
      expect(config.wrapUpHoldSeconds).toBe(Infinity);
      expect(config.wrapUpTimeoutSeconds).toBe(120);
      expect(configFrom({ WRAP_UP_HOLD_S: '0' }).wrapUpHoldSeconds).toBe(0);
    });

    it.each([
      ['WRAP_UP_OUTCOMES', 'Solved;solved'],
      ['WRAP_UP_OUTCOMES', ' ; '],
      ['WRAP_UP_OUTCOMES', 'x'.repeat(41)],
      ['WRAP_UP_HOLD_S', 'forever'],
      ['WRAP_UP_HOLD_S', '-1'],
      ['WRAP_UP_TIMEOUT_S', '5'],
    ])('refuses %s=%p in one line naming the key', (key, value) => {
      const result = loadConfig({ [key]: value });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.errors).toEqual([expect.stringMatching(new RegExp(`^${key}: `))]);
    });
  });

  describe('anonymous mode', () => {
    it('is on when MicrosoftAppId is unset, and AGENT_IDS defaults to the Agents Playground user', () => {
      const config = configFrom({});
      expect(config.anonymous).toBe(true);
      expect(config.agentIds).toEqual(['00000000-0000-0000-0000-0000000000020']);
      expect(config.agents[0]).toMatchObject({
        id: PLAYGROUND_AGENT_IDS[0],
        aliases: [PLAYGROUND_AGENT_IDS[1]],
      });
    });

    it('uses AGENT_IDS as given when set: trimmed, empties dropped', () => {
      expect(configFrom({ AGENT_IDS: ' 29:abc , ,aad-2,' }).agentIds).toEqual(['29:abc', 'aad-2']);
    });

    it('takes several ids of one agent joined by "|", keyed by the first, and refuses an id named twice', () => {
      const config = configFrom({ AGENT_IDS: 'aad-1 | 29:one, aad-2' });
      expect(config.agentIds).toEqual(['aad-1', 'aad-2']);
      expect(config.agents).toEqual([
        { id: 'aad-1', aliases: ['29:one'] },
        { id: 'aad-2', aliases: [] },
      ]);
      expect(errorsFrom({ AGENT_IDS: 'aad-1,29:x|aad-1' })[0]).toMatch(/^AGENT_IDS: .*no id twice/);
    });

    it('names agents from AGENT_NAMES by any of their ids, and refuses a name for an id not in AGENT_IDS', () => {
      expect(
        configFrom({
          AGENT_IDS: 'aad-1|29:one,aad-2',
          AGENT_NAMES: '29:one=Alex Agent; aad-2=Bea, Team Lead',
        }).agents,
      ).toEqual([
        { id: 'aad-1', aliases: ['29:one'], name: 'Alex Agent' },
        { id: 'aad-2', aliases: [], name: 'Bea, Team Lead' },
      ]);
      expect(errorsFrom({ AGENT_IDS: 'aad-1', AGENT_NAMES: 'aad-9=Nobody' })).toEqual([
        'AGENT_NAMES: "aad-9" is not an id in AGENT_IDS or SUPERVISOR_IDS',
      ]);
      expect(errorsFrom({ AGENT_IDS: 'aad-1', AGENT_NAMES: 'aad-1' })[0]).toMatch(/^AGENT_NAMES: /);
    });

    it('reads SUPERVISOR_IDS: an agent named by any of their ids is also a supervisor; anyone else is staff taking no work', () => {
      const config = configFrom({
        AGENT_IDS: 'aad-1|29:one,aad-2',
        SUPERVISOR_IDS: '29:one, aad-9|29:nine',
        AGENT_NAMES: 'aad-9=Sam Supervisor',
      });
      expect(config.agentIds).toEqual(['aad-1', 'aad-2']);
      expect(config.supervisorIds).toEqual(['aad-1', 'aad-9']);
      expect(config.agents).toEqual([
        { id: 'aad-1', aliases: ['29:one'] },
        { id: 'aad-2', aliases: [] },
        { id: 'aad-9', aliases: ['29:nine'], name: 'Sam Supervisor' },
      ]);
      expect(configFrom({}).supervisorIds).toEqual([]);
    });

    it('refuses a SUPERVISOR_IDS entry that names two agents, or an id twice', () => {
      expect(errorsFrom({ AGENT_IDS: 'aad-1,aad-2', SUPERVISOR_IDS: 'aad-1|aad-2' })).toEqual([
        'SUPERVISOR_IDS: "aad-1|aad-2" names more than one agent',
      ]);
      expect(errorsFrom({ AGENT_IDS: 'aad-1', SUPERVISOR_IDS: 'aad-1,aad-1' })[0]).toMatch(
        /^SUPERVISOR_IDS: /,
      );
    });

    it('makes the Agents Playground user one agent, Alex Agent, under both of its ids', () => {
      expect(configFrom({}).agents).toEqual([
        { id: '00000000-0000-0000-0000-0000000000020', aliases: ['user-id-0'], name: 'Alex Agent' },
      ]);
    });

    it('refuses a HOST beyond loopback with a line naming HOST and MicrosoftAppId, unless ALLOW_ANONYMOUS_REMOTE=true', () => {
      for (const host of ['0.0.0.0', '::', '192.168.1.20', 'desk.example.com']) {
        const errors = errorsFrom({ HOST: host });
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(/^HOST: .*MicrosoftAppId.*ALLOW_ANONYMOUS_REMOTE=true/);
        expect(configFrom({ HOST: host, ALLOW_ANONYMOUS_REMOTE: 'true' })).toMatchObject({
          host,
          allowAnonymousRemote: true,
        });
      }
    });

    it('takes every loopback HOST without ALLOW_ANONYMOUS_REMOTE', () => {
      for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost', 'LOCALHOST']) {
        expect(configFrom({ HOST: host }).host).toBe(host);
      }
    });

    it('needs no ALLOW_ANONYMOUS_REMOTE for a remote HOST once MicrosoftAppId is set', () => {
      expect(configFrom({ ...registeredBot, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    });

    it('refuses an ALLOW_ANONYMOUS_REMOTE that is not true or false', () => {
      expect(errorsFrom({ ALLOW_ANONYMOUS_REMOTE: 'yes' })).toEqual([
        'ALLOW_ANONYMOUS_REMOTE: "yes" is not true or false',
      ]);
    });

    it('serves the web chat page over the local channel unless WEBCHAT=off', () => {
      expect(configFrom({}).webchat).toBe('local');
      expect(configFrom({ WEBCHAT: 'Local' }).webchat).toBe('local');
      expect(configFrom({ WEBCHAT: 'off' }).webchat).toBe('off');
    });
  });

  describe('with a registered bot (MicrosoftAppId set)', () => {
    it('is not anonymous and uses the given credentials', () => {
      expect(configFrom(registeredBot)).toMatchObject({
        anonymous: false,
        microsoftAppId: 'app-id',
        microsoftAppPassword: 'pa55-word',
        agentIds: ['aad-1'],
      });
    });

    it('turns the local web chat channel off, and refuses WEBCHAT=local with a line saying why', () => {
      expect(configFrom(registeredBot).webchat).toBe('off');
      expect(configFrom({ ...registeredBot, WEBCHAT: 'off' }).webchat).toBe('off');
      expect(errorsFrom({ ...registeredBot, WEBCHAT: 'local' })).toEqual([
        'WEBCHAT: local works only in anonymous mode (MicrosoftAppId empty); with MicrosoftAppId set, leave it unset or off and give customers the Web Chat or Direct Line channel of Azure Bot Service',
      ]);
    });

    it('requires AGENT_IDS', () => {
      expect(errorsFrom({ MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'pa55-word' })).toEqual([
        'AGENT_IDS: is required when MicrosoftAppId is set (comma-separated AAD object ids or Teams user ids)',
      ]);
    });

    it('requires MicrosoftAppPassword for MultiTenant and SingleTenant', () => {
      expect(errorsFrom({ MicrosoftAppId: 'app-id', AGENT_IDS: 'a' })).toEqual([
        'MicrosoftAppPassword: is required when MicrosoftAppId is set and MicrosoftAppType is MultiTenant',
      ]);
      expect(
        errorsFrom({
          MicrosoftAppId: 'app-id',
          MicrosoftAppType: 'SingleTenant',
          MicrosoftAppTenantId: 'tenant',
          AGENT_IDS: 'a',
        }),
      ).toEqual([
        'MicrosoftAppPassword: is required when MicrosoftAppId is set and MicrosoftAppType is SingleTenant',
      ]);
    });

    it('requires MicrosoftAppTenantId for SingleTenant', () => {
      expect(errorsFrom({ ...registeredBot, MicrosoftAppType: 'SingleTenant' })).toEqual([
        'MicrosoftAppTenantId: is required when MicrosoftAppType is SingleTenant',
      ]);
      expect(
        configFrom({ ...registeredBot, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 'tenant' }),
      ).toMatchObject({ microsoftAppType: 'SingleTenant', microsoftAppTenantId: 'tenant' });
    });

    it('requires MicrosoftAppId for SingleTenant and UserAssignedMSI', () => {
      expect(errorsFrom({ MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 't' })).toEqual([
        'MicrosoftAppId: is required when MicrosoftAppType is SingleTenant',
      ]);
      expect(errorsFrom({ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't' })).toEqual([
        'MicrosoftAppId: is required when MicrosoftAppType is UserAssignedMSI',
      ]);
    });

    it('takes UserAssignedMSI with a tenant and no password, and refuses a password with it', () => {
      const msi = { MicrosoftAppId: 'client-id', MicrosoftAppType: 'UserAssignedMSI', AGENT_IDS: 'a' };
      expect(configFrom({ ...msi, MicrosoftAppTenantId: 't' })).toMatchObject({
        microsoftAppType: 'UserAssignedMSI',
        anonymous: false,
      });
      expect(errorsFrom({ ...msi, MicrosoftAppTenantId: 't', MicrosoftAppPassword: 'x' })).toEqual([
        'MicrosoftAppPassword: must not be set when MicrosoftAppType is UserAssignedMSI',
      ]);
    });

    it('skips the credential checks when MicrosoftAppType itself is bad', () => {
      expect(errorsFrom({ ...registeredBot, MicrosoftAppPassword: '', MicrosoftAppType: 'Nope' })).toEqual([
        'MicrosoftAppType: "Nope" is not one of MultiTenant, SingleTenant, UserAssignedMSI',
      ]);
    });
  });

  describe("the bot identity under the Teams CLI's names (CLIENT_ID, CLIENT_SECRET, TENANT_ID)", () => {
    const cliEnv = {
      CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      CLIENT_SECRET: 'cli-s3cret',
      TENANT_ID: '99999999-8888-7777-6666-555555555555',
      AGENT_IDS: 'aad-1',
    };

    it('is read as the bot identity, SingleTenant because a tenant is given, and not anonymous', () => {
      expect(configFrom(cliEnv)).toMatchObject({
        anonymous: false,
        microsoftAppId: cliEnv.CLIENT_ID,
        microsoftAppPassword: cliEnv.CLIENT_SECRET,
        microsoftAppTenantId: cliEnv.TENANT_ID,
        microsoftAppType: 'SingleTenant',
        webchat: 'off',
      });
    });

    it('keeps MultiTenant without a tenant, and an explicit MicrosoftAppType wins', () => {
      const { TENANT_ID: _tenant, ...noTenant } = cliEnv;
      expect(configFrom(noTenant).microsoftAppType).toBe('MultiTenant');
      expect(configFrom({ ...cliEnv, MicrosoftAppType: 'MultiTenant' }).microsoftAppType).toBe('MultiTenant');
      expect(configFrom({ ...registeredBot, MicrosoftAppTenantId: 't' }).microsoftAppType).toBe(
        'SingleTenant',
      );
    });

    it('takes both spellings when they agree', () => {
      expect(
        configFrom({
          ...cliEnv,
          MicrosoftAppId: cliEnv.CLIENT_ID,
          MicrosoftAppPassword: cliEnv.CLIENT_SECRET,
        }),
      ).toMatchObject({ microsoftAppId: cliEnv.CLIENT_ID, microsoftAppPassword: cliEnv.CLIENT_SECRET });
    });

    it.each([
      ['CLIENT_ID', 'MicrosoftAppId'],
      ['CLIENT_SECRET', 'MicrosoftAppPassword'],
      ['TENANT_ID', 'MicrosoftAppTenantId'],
    ])('refuses %s and %s set to different values, naming both and showing neither', (current, alias) => {
      const errors = errorsFrom({ ...cliEnv, [alias]: 'something-else' });
      expect(errors).toEqual([
        `${current} and ${alias}: both are set, to different values; set only one (${current} is the name the Teams CLI writes, ${alias} its older alias)`,
      ]);
      expect(errors.join('\n')).not.toContain('something-else');
      expect(errors.join('\n')).not.toContain(cliEnv.CLIENT_SECRET);
    });

    it('names the keys as the operator spelled them', () => {
      expect(errorsFrom({ CLIENT_ID: 'app-id', AGENT_IDS: 'a' })).toEqual([
        'CLIENT_SECRET: is required when CLIENT_ID is set and MicrosoftAppType is MultiTenant',
      ]);
      expect(errorsFrom({ CLIENT_ID: 'app-id', CLIENT_SECRET: 'x' })).toEqual([
        'AGENT_IDS: is required when CLIENT_ID is set (comma-separated AAD object ids or Teams user ids)',
      ]);
      expect(errorsFrom({ TENANT_ID: 't', MicrosoftAppType: 'SingleTenant' })).toEqual([
        'CLIENT_ID: is required when MicrosoftAppType is SingleTenant',
      ]);
      expect(errorsFrom({ ...cliEnv, MicrosoftAppType: 'UserAssignedMSI' })).toEqual([
        'CLIENT_SECRET: must not be set when MicrosoftAppType is UserAssignedMSI',
      ]);
    });

    it('never echoes CLIENT_SECRET, whatever else is wrong', () => {
      const result = loadConfig({ ...cliEnv, MicrosoftAppType: 'UserAssignedMSI', PORT: 'abc' });
      expect(JSON.stringify(result)).not.toContain(cliEnv.CLIENT_SECRET);
    });
  });

  describe('stores', () => {
    it.each(['sqlite', 'memory', 'SQLite', 'MEMORY'])('takes STORE=%s without a DATABASE_URL', (store) => {
      expect(configFrom({ STORE: store })).toMatchObject({ store: store.toLowerCase(), databaseUrl: '' });
    });

    it('requires DATABASE_URL for postgres, naming the key', () => {
      expect(errorsFrom({ STORE: 'postgres' })).toEqual([
        'DATABASE_URL: is required when STORE is postgres (postgres://user:password@host:5432/database)',
      ]);
      expect(errorsFrom({ STORE: 'postgres', DATABASE_URL: '  ' })).toEqual([
        'DATABASE_URL: is required when STORE is postgres (postgres://user:password@host:5432/database)',
      ]);
    });

    it.each([
      'postgres://desk:pw@db.example.com:5432/relaydesk',
      'postgresql://desk@127.0.0.1/relaydesk?sslmode=verify-full',
      'postgresql:///relaydesk?host=/var/run/postgresql',
    ])('takes STORE=postgres with DATABASE_URL=%s and a pool size', (url) => {
      expect(configFrom({ STORE: 'postgres', DATABASE_URL: url, DATABASE_POOL_SIZE: '25' })).toMatchObject({
        store: 'postgres',
        databaseUrl: url,
        databasePoolSize: 25,
      });
    });

    it.each(['mysql://desk@db/relaydesk', 'http://db.example.com/relaydesk', 'not a url', 'db:5432'])(
      'reports a DATABASE_URL that is not a PostgreSQL URL (%s) without showing it',
      (url) => {
        const errors = errorsFrom({ STORE: 'postgres', DATABASE_URL: url });
        expect(errors).toEqual([
          'DATABASE_URL: (hidden value) is not a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/relaydesk',
        ]);
      },
    );

    it('no longer knows the azure-blob store', () => {
      expect(errorsFrom({ STORE: 'azure-blob' })).toEqual([
        'STORE: "azure-blob" is not one of sqlite, postgres, memory',
      ]);
    });
  });

  it('never echoes the password or the database URL, whatever else is wrong', () => {
    const password = 'Super$ecret-Pa55';
    // Port 99999 makes it malformed, so it is reported, and must be reported without its value.
    const connection = 'postgres://desk:S3cretKey@db.example.com:99999/relaydesk';
    const result = loadConfig({
      MicrosoftAppId: 'app-id',
      MicrosoftAppPassword: password,
      MicrosoftAppType: 'UserAssignedMSI',
      DATABASE_URL: connection,
      STORE: 'postgres',
      PORT: 'abc',
    });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).toContain('MicrosoftAppPassword: must not be set');
    expect(text).toContain('DATABASE_URL: (hidden value) is not a postgres:// or postgresql:// URL');
    expect(text).not.toContain(password);
    expect(text).not.toContain('S3cretKey');
  });
});
