import { ContainerClient } from '@azure/storage-blob';
import { AzureBlobStorage, createStorage, StateStore } from '../../src/store';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { describeStorageContract } from './storage-contract';

let azurite: RunningAzurite;
let containers = 0;
/** A container of its own per test, so no test sees another's blobs. */
const freshContainer = (): string => `relaydesk-${process.pid}-${(containers += 1)}`;

beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
});

describeStorageContract('AzureBlobStorage (Azurite)', async () => {
  const storage = new AzureBlobStorage({
    connectionString: azurite.connectionString,
    container: freshContainer(),
  });
  return { storage, close: async () => undefined };
});

describe('AzureBlobStorage specifics', () => {
  const open = (container = freshContainer()) =>
    new AzureBlobStorage({ connectionString: azurite.connectionString, container });

  it('creates its container on first use, and keeps one JSON blob per document', async () => {
    const container = freshContainer();
    await open(container).write({ 'agent/aad-1': { name: 'Ada' } });
    const client = new ContainerClient(azurite.connectionString, container);
    const names: string[] = [];
    for await (const blob of client.listBlobsFlat()) names.push(blob.name);
    expect(names).toEqual([encodeURIComponent('agent/aad-1')]);
    const body = await client.getBlockBlobClient(names[0]!).downloadToBuffer();
    expect(JSON.parse(body.toString('utf8'))).toEqual({ name: 'Ada' });
  });

  it('names a key longer than a blob name may be by its hash, and keeps two such keys apart', async () => {
    const storage = open();
    const long = (tail: string) => `workitem/${'x'.repeat(2000)}${tail}`;
    await storage.write({ [long('a')]: { v: 'a' }, [long('b')]: { v: 'b' } });
    const items = await storage.read([long('a'), long('b')]);
    expect([items[long('a')]?.v, items[long('b')]?.v]).toEqual(['a', 'b']);
  });

  it('refuses a write with the eTag of a document deleted since it was read', async () => {
    const storage = open();
    await storage.write({ 'agent/gone': { v: 1 } });
    const { eTag } = (await storage.read(['agent/gone']))['agent/gone'] as { eTag: string };
    await storage.delete(['agent/gone']);
    await expect(storage.write({ 'agent/gone': { v: 2, eTag } })).rejects.toThrow(/eTag conflict/);
    expect(await storage.read(['agent/gone'])).toEqual({});
  });

  it('two bot instances (two storages on one container) incrementing one counter end at exactly their sum', async () => {
    const container = freshContainer();
    const instances = [open(container), open(container)].map(
      (storage) => new StateStore({ storage, delay: async () => undefined, maxRetries: 200 }),
    );
    const increment = (current: Readonly<{ count: number }> | undefined) => ({
      count: (current?.count ?? 0) + 1,
    });
    await Promise.all(
      instances.flatMap((store) =>
        Array.from({ length: 20 }, () => store.update('counter/shared', increment)),
      ),
    );
    expect((await instances[0]!.get<{ count: number }>('counter/shared'))?.value).toEqual({ count: 40 });
  });

  it('is what STORE=azure-blob builds, and start-up fails clearly when the account cannot be reached', async () => {
    const handle = createStorage({
      kind: 'azure-blob',
      sqlitePath: '',
      azure: { connectionString: azurite.connectionString, container: freshContainer() },
    });
    expect(handle.storage).toBeInstanceOf(AzureBlobStorage);
    await expect(handle.ready()).resolves.toBeUndefined();

    const unreachable = createStorage({
      kind: 'azure-blob',
      sqlitePath: '',
      azure: {
        // A port nothing listens on: the connection is refused at once, on every retry.
        connectionString: azurite.connectionString.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:9'),
        container: freshContainer(),
      },
    });
    await expect(unreachable.ready()).rejects.toThrow(/ECONNREFUSED|connect/i);
  }, 30_000);

  it('refuses STORE=azure-blob without a connection string', () => {
    expect(() =>
      createStorage({ kind: 'azure-blob', sqlitePath: '', azure: { connectionString: '', container: 'x' } }),
    ).toThrow('AZURE_STORAGE_CONNECTION_STRING');
  });
});
