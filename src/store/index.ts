export { databaseTarget, openStore, storeKinds } from './create-storage';
export type { OpenStoreOptions, StoreHandle, StoreKind, StoreSettings } from './create-storage';
export { documentKinds, InvalidKeyError, storeKey } from './keys';
export type { DocumentKind } from './keys';
export { DocumentStorage, EtagConflictError } from './sql/document-storage';
export { ABSENT_ETAG, ConflictError, isConflictError, StateStore } from './state-store';
export type { Change, StateStoreOptions, Stored } from './state-store';
