export { databaseTarget, openStore, storeKinds } from './create-storage';
export type { OpenStoreOptions, StoreHandle, StoreKind, StoreSettings } from './create-storage';
export { documentKinds, InvalidKeyError, storeKey } from './keys';
export type { DocumentKind } from './keys';
export { ABSENT_ETAG, DocumentStorage, EtagConflictError } from './sql/document-storage';
export { isStoreFailure } from './store-failures';
