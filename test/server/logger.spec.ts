import { loadConfig, type LogLevel } from '../../src/config/config';
import { chooseLogFormat, createLogger } from '../../src/logging/logger';

function collect(level: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON line per entry with the fields and the message', () => {
    const { logger, lines } = collect('debug');
    logger.info({ workItemId: 'w1' }, 'offer sent');
    logger.warn({}, 'slow');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, workItemId: 'w1', msg: 'offer sent' }),
      expect.objectContaining({ level: 40, msg: 'slow' }),
    ]);
  });

  it('drops entries below the configured level', () => {
    const { logger, lines } = collect('warn');
    logger.debug({}, 'd');
    logger.info({}, 'i');
    logger.error({}, 'e');
    expect(lines.map((line) => line.msg)).toEqual(['e']);
  });

  it('writes nothing at level silent', () => {
    const { logger, lines } = collect('silent');
    logger.error({}, 'e');
    expect(lines).toEqual([]);
  });

  it('gives children the component binding on every line, nested too', () => {
    const { logger, lines } = collect('info');
    logger.child({ component: 'store' }).child({ backend: 'sqlite' }).info({ key: 'k' }, 'opened');
    expect(lines[0]).toMatchObject({ component: 'store', backend: 'sqlite', key: 'k', msg: 'opened' });
  });

  it('serialises an error under err with its message and stack', () => {
    const { logger, lines } = collect('info');
    logger.error({ err: new Error('boom') }, 'failed');
    expect(lines[0]).toMatchObject({ msg: 'failed', err: { message: 'boom', type: 'Error' } });
    expect((lines[0]?.err as { stack: string }).stack).toContain('boom');
  });

  it('redacts secrets passed by mistake', () => {
    const { logger, lines } = collect('info');
    logger.info(
      {
        config: { microsoftAppPassword: 'pw-123', databaseUrl: 'postgres://desk:s3cret@db/desk' },
        req: { headers: { authorization: 'Bearer t0ken' } },
      },
      'oops',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('pw-123');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('t0ken');
  });
});

describe('LOG_FORMAT', () => {
  function collectPretty() {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      format: 'pretty',
      destination: { write: (line: string) => void lines.push(line) },
    });
    return { logger, lines };
  }

  it('is json or pretty, in any case, and anything else is one error line', () => {
    const formatOf = (value: string) => {
      const result = loadConfig({ LOG_FORMAT: value });
      return result.ok ? result.config.logFormat : result.errors;
    };
    expect(formatOf('json')).toBe('json');
    expect(formatOf('Pretty')).toBe('pretty');
    expect(formatOf('')).toBeUndefined();
    expect(formatOf('text')).toEqual(['LOG_FORMAT: "text" is not one of json, pretty']);
  });

  it('unset, is pretty when stdout is a terminal and JSON otherwise; set, it wins', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('pretty writes one readable line per entry: time, level, [component] message, then the ids', () => {
    const { logger, lines } = collectPretty();
    logger
      .child({ component: 'outbox' })
      .warn({ recipient: 'agent:a1', activityId: 'act-7' }, 'send failed, retrying');
    logger.info({}, 'relaydesk stopped');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: \[outbox\] send failed, retrying \{.*"recipient":"agent:a1".*"activityId":"act-7".*\}\n$/,
    );
    expect(lines[1]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: relaydesk stopped\n$/);
    // No JSON object per line, no pid or hostname noise, no colour codes outside a terminal.
    expect(lines.join('')).not.toMatch(/"level"|"pid"|"hostname"/);
    expect(lines.join('')).not.toContain(String.fromCharCode(27));
  });

  it('pretty still redacts secrets and shows an error with its message', () => {
    const { logger, lines } = collectPretty();
    logger.error({ err: new Error('boom'), config: { microsoftAppPassword: 'pw-123' } }, 'failed');
    const text = lines.join('');
    expect(text).toContain('failed');
    expect(text).toContain('boom');
    expect(text).not.toContain('pw-123');
  });
});
