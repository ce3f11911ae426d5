/**
 * `npm run migrate`: brings the configured store's schema to the latest migration, alone, without starting the
 * desk (a deployment runs it before starting the new version's instances). Reads the configuration exactly as
 * `npm start` does: `.env` in the working directory, the environment winning.
 *
 * Exit code 0 when the schema is at the latest migration (it says which ran); 1 with the reason when the
 * configuration is invalid or the database cannot be reached or migrated.
 */
import { loadConfigFromEnvironment } from '../src/config/config';
import { openStore, storeFailureReason } from '../src/store/create-storage';

const NAME = 'relaydesk migrate';

async function main(): Promise<number> {
  const result = loadConfigFromEnvironment();
  if (!result.ok) {
    process.stderr.write([`${NAME}: configuration error`, ...result.errors].join('\n') + '\n');
    return 1;
  }
  const { config } = result;
  const where = config.store === 'sqlite' ? `sqlite (${config.sqlitePath})` : config.store;
  let store: ReturnType<typeof openStore> | undefined;
  try {
    store = openStore(config);
    const ran = await store.ready();
    process.stdout.write(
      ran.length > 0
        ? `${NAME}: ran ${ran.length} migration(s) on the ${where} store: ${ran.join(', ')}\n`
        : `${NAME}: the ${where} store is up to date; no migration ran\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${NAME}: cannot migrate the ${where} store: ${storeFailureReason(error)}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Only a bug gets here; its stack is what someone needs to fix it.
    process.stderr.write(
      `${NAME}: unexpected failure: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
