import pino from 'pino';
import type { LogFields, Logger } from '../app/ports';
import type { LogLevel } from '../config/config';

export interface LoggerOptions {
  level: LogLevel;
  /** Where JSON lines go; stdout when omitted. Tests pass a stream that collects them. */
  destination?: pino.DestinationStream;
}

// Defence in depth: secrets must not reach the log even if a caller passes the config or raw headers.
const REDACTED_PATHS = [
  'microsoftAppPassword',
  'databaseUrl',
  '*.microsoftAppPassword',
  '*.databaseUrl',
  'MicrosoftAppPassword',
  'CLIENT_SECRET',
  'DATABASE_URL',
  'headers.authorization',
  '*.headers.authorization',
];

/** A pino-backed Logger; one JSON line per entry. */
export function createLogger(options: LoggerOptions): Logger {
  // Synchronous writes so the last lines before process.exit are never lost.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  return wrap(pino({ level: options.level, redact: REDACTED_PATHS }, destination));
}

function wrap(target: pino.Logger): Logger {
  return {
    debug: (fields: LogFields, message: string) => target.debug(fields, message),
    info: (fields: LogFields, message: string) => target.info(fields, message),
    warn: (fields: LogFields, message: string) => target.warn(fields, message),
    error: (fields: LogFields, message: string) => target.error(fields, message),
    child: (bindings: LogFields) => wrap(target.child(bindings)),
  };
}
