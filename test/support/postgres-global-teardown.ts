import { stopGlobalPostgres } from './postgres-global-setup';

export default async function globalTeardown(): Promise<void> {
  await stopGlobalPostgres();
}
