export * from './conflicts';
export * from './document-storage';
export * from './messages';
export * from './migrate';
export * from './open-database';
export * from './outbox';
export * from './queue';
export * from './schema';
