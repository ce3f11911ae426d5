import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Storage } from 'botbuilder';
import type { Clock, Logger } from './app/ports';
import type { Config } from './config/config';
import { createHttpServer, httpUrl, type BoundAddress } from './server/http-server';
import { createStorage } from './store/create-storage';

export interface StartOptions {
  /** Defaults to package.json's version. */
  version?: string;
  clock?: Clock;
}

export interface RunningRelaydesk {
  /** The bot endpoint, e.g. http://127.0.0.1:3978/api/messages (the real port when PORT=0). */
  url: string;
  /** e.g. http://127.0.0.1:3978 */
  baseUrl: string;
  storage: Storage;
  /** Stops accepting requests, then closes the store; safe to call twice. */
  close(): Promise<void>;
}

/** Wires store and HTTP server from a validated config and starts listening; main and tests both use it. */
export async function startRelaydesk(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningRelaydesk> {
  const version = options.version ?? packageVersion();
  const store = createStorage({ kind: config.store, sqlitePath: config.sqlitePath });
  const http = createHttpServer({
    config,
    logger,
    storeKind: config.store,
    version,
    ...(options.clock ? { clock: options.clock } : {}),
  });

  let address: BoundAddress;
  try {
    address = await http.listen();
  } catch (error) {
    await store.close();
    throw error;
  }

  const baseUrl = httpUrl(address);
  const url = `${baseUrl}/api/messages`;
  logger.info(
    {
      url,
      store: config.store,
      agents: config.agentIds,
      auth: config.anonymous ? 'anonymous' : config.microsoftAppType,
      version,
    },
    `relaydesk listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl,
    storage: store.storage,
    close: () => {
      // Server first, so no request is still using the store when it closes.
      closing ??= http.close().finally(() => store.close());
      return closing;
    },
  };
}

// package.json sits one level above both src/ (tsx, jest) and dist/ (the build).
function packageVersion(): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'version' in parsed &&
      typeof parsed.version === 'string'
    ) {
      return parsed.version;
    }
  } catch {
    // A missing or unreadable package.json only costs the version string.
  }
  return 'unknown';
}
