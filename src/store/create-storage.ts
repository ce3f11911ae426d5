import { MemoryStorage, type Storage } from 'botbuilder';
import { AzureBlobStorage } from './azure-blob-storage';
import { SqliteStorage } from './sqlite-storage';

export const storageKinds = ['memory', 'sqlite', 'azure-blob'] as const;

export type StorageKind = (typeof storageKinds)[number];

export interface StorageOptions {
  kind: StorageKind;
  /** The SQLite file, used when kind is 'sqlite'. */
  sqlitePath: string;
  /** The storage account and container, used when kind is 'azure-blob'. */
  azure?: { connectionString: string; container: string };
}

export interface StorageHandle {
  storage: Storage;
  /** Resolves once the backend answers (the blob container exists); rejects with why it does not. */
  ready(): Promise<void>;
  /** Releases the backend (closes the SQLite file); safe to call twice. */
  close(): Promise<void>;
}

/** Builds the configured backend; StateStore on top of it is the same for all of them. */
export function createStorage(options: StorageOptions): StorageHandle {
  switch (options.kind) {
    case 'memory':
      return { storage: new MemoryStorage(), ready: async () => undefined, close: async () => undefined };
    case 'sqlite': {
      const storage = new SqliteStorage({ path: options.sqlitePath });
      return { storage, ready: async () => undefined, close: async () => storage.close() };
    }
    case 'azure-blob': {
      if (!options.azure?.connectionString) {
        throw new Error('Storage kind "azure-blob" needs AZURE_STORAGE_CONNECTION_STRING');
      }
      const storage = new AzureBlobStorage(options.azure);
      return { storage, ready: () => storage.open(), close: async () => undefined };
    }
    default:
      // Config is validated upstream, but a cast string must still fail loudly.
      throw new Error(`Unknown storage kind "${String(options.kind satisfies never)}"`);
  }
}
