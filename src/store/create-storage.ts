import { MemoryStorage, type Storage } from 'botbuilder';
import { SqliteStorage } from './sqlite-storage';

export const storageKinds = ['memory', 'sqlite', 'azure-blob'] as const;

export type StorageKind = (typeof storageKinds)[number];

export interface StorageOptions {
  kind: StorageKind;
  /** The SQLite file, used when kind is 'sqlite'. */
  sqlitePath: string;
}

export interface StorageHandle {
  storage: Storage;
  /** Releases the backend (closes the SQLite file); safe to call twice. */
  close(): Promise<void>;
}

/** Builds the configured backend; StateStore on top of it is the same for all of them. */
export function createStorage(options: StorageOptions): StorageHandle {
  switch (options.kind) {
    case 'memory':
      return { storage: new MemoryStorage(), close: async () => undefined };
    case 'sqlite': {
      const storage = new SqliteStorage({ path: options.sqlitePath });
      return { storage, close: async () => storage.close() };
    }
    case 'azure-blob':
      throw new Error('Storage kind "azure-blob" is not available yet; use "sqlite" or "memory"');
    default:
      // Config is validated upstream, but a cast string must still fail loudly.
      throw new Error(`Unknown storage kind "${String(options.kind satisfies never)}"`);
  }
}
