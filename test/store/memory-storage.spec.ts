import { MemoryStorage } from 'botbuilder';
import { describeStorageContract } from './storage-contract';

describeStorageContract('botbuilder MemoryStorage', async () => ({
  storage: new MemoryStorage(),
  close: async () => undefined,
}));
