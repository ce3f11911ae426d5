import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, readEnvFile, resolveEnvironment } from '../../src/config/config';

describe('readEnvFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-env-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses a .env file: comments, quotes and export prefixes', () => {
    const path = join(dir, '.env');
    writeFileSync(
      path,
      ['# a comment', 'PORT=4000', 'STORE="memory"', "AGENT_IDS='a, b'", 'export LOG_LEVEL=debug', ''].join(
        '\n',
      ),
    );
    expect(readEnvFile(path)).toEqual({
      PORT: '4000',
      STORE: 'memory',
      AGENT_IDS: 'a, b',
      LOG_LEVEL: 'debug',
    });
  });

  it('returns no values when the file does not exist', () => {
    expect(readEnvFile(join(dir, 'missing.env'))).toEqual({});
  });

  it('throws when the path exists but cannot be read as a file', () => {
    expect(() => readEnvFile(dir)).toThrow(/EISDIR/);
  });

  it('reads .env.example into exactly the defaults', () => {
    const example = readEnvFile(join(__dirname, '..', '..', '.env.example'));
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });

  it('documents every configuration key in .env.example', () => {
    const example = readEnvFile(join(__dirname, '..', '..', '.env.example'));
    expect(Object.keys(example).sort()).toEqual(
      [
        'PORT',
        'HOST',
        'ALLOW_ANONYMOUS_REMOTE',
        'MAX_CONNECTIONS',
        'HEADERS_TIMEOUT_S',
        'REQUEST_TIMEOUT_S',
        'TURN_DEADLINE_S',
        'SHUTDOWN_GRACE_S',
        'READY_OUTBOX_MAX_AGE_S',
        'CLIENT_ID',
        'CLIENT_SECRET',
        'TENANT_ID',
        'MicrosoftAppType',
        'STORE',
        'SQLITE_PATH',
        'DATABASE_URL',
        'DATABASE_POOL_SIZE',
        'AGENT_IDS',
        'AGENT_NAMES',
        'SUPERVISOR_IDS',
        'MAX_SESSIONS',
        'AGENT_CAPACITY',
        'NOTIFICATION_TIMEOUT_S',
        'WRAP_UP_OUTCOMES',
        'WRAP_UP_HOLD_S',
        'WRAP_UP_TIMEOUT_S',
        'MISSED_OFFER_INACTIVE',
        'AGENT_AWAY_S',
        'OFFLINE_GRACE_S',
        'KEEP_AGENT_S',
        'OPERATING_HOURS',
        'MAX_QUEUE_LENGTH',
        'QUEUE_FULL_ACTION',
        'MAX_QUEUE_WAIT_S',
        'QUEUE_WAIT_ACTION',
        'CSAT_SURVEY',
        'WAITING_PERIOD_DAYS',
        'SENTIMENT_THRESHOLD',
        'RATE_LIMIT_PER_MINUTE',
        'TEAMS_CONVERSATION_LIMITS',
        'TEAMS_TENANT_LIMIT',
        'MAX_BODY_KB',
        'MAX_TEXT_CHARS',
        'CONTACTS_FILE',
        'QUICK_REPLIES_FILE',
        'PRECHAT_QUESTIONS',
        'SWEEP_INTERVAL_S',
        'WEBCHAT',
        'LOG_LEVEL',
        'LOG_FORMAT',
        'PUBLIC_BASE_URL',
        'TEAMS_APP_ID',
        'TAB_SSO_AUDIENCE',
        'TAB_SSO_ISSUER',
        'TAB_SSO_JWKS_URI',
      ].sort(),
    );
  });
});

describe('resolveEnvironment', () => {
  it('lets the real environment win over the .env file', () => {
    const env = resolveEnvironment({ PORT: '5000', HOME: '/home/x' }, { PORT: '4000', STORE: 'memory' });
    expect(env).toEqual({ PORT: '5000', HOME: '/home/x', STORE: 'memory' });
  });

  it('keeps a key the environment sets to empty, so the default applies rather than the file', () => {
    const env = resolveEnvironment({ STORE: '' }, { STORE: 'memory' });
    expect(env.STORE).toBe('');
    expect(loadConfig(env)).toMatchObject({ ok: true, config: { store: 'sqlite' } });
  });

  it('ignores undefined environment entries', () => {
    expect(resolveEnvironment({ PORT: undefined }, { PORT: '4000' })).toEqual({ PORT: '4000' });
  });
});
