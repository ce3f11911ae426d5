export { createStorage, storageKinds } from './create-storage';
export type { StorageHandle, StorageKind, StorageOptions } from './create-storage';
export { documentKinds, InvalidKeyError, storeKey } from './keys';
export type { DocumentKind } from './keys';
export { EtagConflictError, SqliteStorage } from './sqlite-storage';
export type { SqliteStorageOptions } from './sqlite-storage';
export { ABSENT_ETAG, ConflictError, isConflictError, StateStore } from './state-store';
export type { Change, StateStoreOptions, Stored } from './state-store';
