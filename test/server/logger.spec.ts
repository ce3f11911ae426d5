import type { LogLevel } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';

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
