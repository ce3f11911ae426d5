export * from './conflicts';
export * from './messages';
export * from './migrate';
export * from './open-database';
export * from './outbox';
export * from './queue';
export * from './schema';
