import pino from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';
import type { LogFields, Logger } from '../app/ports';
import type { LogFormat, LogLevel } from '../config/config';

export interface LoggerOptions {
  level: LogLevel;
  /** json: one JSON object per line (for log collectors); pretty: a readable line per entry. Default json. */
  format?: LogFormat;
  /** Colours in pretty lines (a terminal); default false. */
  colorize?: boolean;
  /** Where the lines go; stdout when omitted. Tests pass a stream that collects them. */
  destination?: pino.DestinationStream;
}

/** LOG_FORMAT as set, or else JSON unless stdout is a terminal (a person reading `npm start`). */
export function chooseLogFormat(setting: LogFormat | undefined, stdoutIsTerminal: boolean): LogFormat {
  return setting ?? (stdoutIsTerminal ? 'pretty' : 'json');
}

/** Whether pretty lines on stdout get colours: a terminal that supports them, and NO_COLOR not set. */
export function colorsFor(stdoutIsTerminal: boolean): boolean {
  return stdoutIsTerminal && isColorSupported;
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
  const out = options.destination ?? pino.destination({ dest: 1, sync: true });
  const destination = options.format === 'pretty' ? prettyLines(out, options.colorize ?? false) : out;
  return wrap(pino({ level: options.level, redact: REDACTED_PATHS }, destination));
}

/**
 * pino-pretty's formatter, called in the same thread on each JSON line (its transport would run in a worker and
 * write late): `12:00:00.123 INFO [component] message {ids…}`, one line per entry, secrets already redacted.
 */
function prettyLines(out: pino.DestinationStream, colorize: boolean): pino.DestinationStream {
  const format = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,component',
    messageFormat: '{if component}[{component}] {end}{msg}',
    singleLine: true,
  });
  return { write: (line: string) => out.write(format(line)) };
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
