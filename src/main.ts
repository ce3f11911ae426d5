import { loadConfigFromEnvironment } from './config/config';
import { chooseLogFormat, colorsFor, createLogger } from './logging/logger';
import type { RunningRelaydesk } from './app-host';

async function main(): Promise<void> {
  const result = loadConfigFromEnvironment();
  if (!result.ok) {
    process.stderr.write(['relaydesk: configuration error', ...result.errors].join('\n') + '\n');
    process.exitCode = 1;
    return;
  }
  const terminal = process.stdout.isTTY === true;
  const logger = createLogger({
    level: result.config.logLevel,
    format: chooseLogFormat(result.config.logFormat, terminal),
    colorize: colorsFor(terminal),
  });

  // Loaded only after the config is valid. restify pulls in http-deceiver, whose load-time process.binding()
  // deprecation warning users can do nothing about, so it is muted for this one import.
  process.noDeprecation = true;
  const { startRelaydesk } = await import('./app-host');
  process.noDeprecation = false;

  // Signal handlers go in before the server starts listening: a SIGTERM that arrives in between would
  // otherwise take the process down with the default action, skipping the clean close.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'relaydesk shutting down');
    void starting
      .then(async (app) => {
        // A start that failed has already said why; there is nothing to close.
        if (!app) process.exit(1);
        await app.close();
      })
      .then(
        () => {
          logger.info({}, 'relaydesk stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'relaydesk did not shut down cleanly');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // `stop` only ever runs from a later event-loop turn, by which time `starting` is set.
  const starting: Promise<RunningRelaydesk | undefined> = startRelaydesk(result.config, logger).catch(
    (error: unknown) => {
      logger.error({ err: error }, 'relaydesk failed to start');
      process.stderr.write(
        `relaydesk: cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      return undefined;
    },
  );
  await starting;
}

main().catch((error: unknown) => {
  // Only a bug gets here; its stack is what someone needs to fix it.
  process.stderr.write(
    `relaydesk: unexpected failure: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 1;
});
