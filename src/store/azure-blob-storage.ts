import { createHash } from 'node:crypto';
import { ContainerClient, RestError, type BlobRequestConditions } from '@azure/storage-blob';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { ABSENT_ETAG } from './state-store';

/** Azure's limit on a blob name is 1,024 characters; longer keys are named by their hash. */
const MAX_BLOB_NAME = 1024;

/** A write whose eTag no longer matches the stored blob; worded like MemoryStorage, and a 412 like Azure's. */
export class BlobEtagConflictError extends Error {
  override readonly name = 'EtagConflictError';
  readonly statusCode = 412;

  constructor(key: string, cause?: unknown) {
    super(`Storage: error writing "${key}" due to eTag conflict.`, { cause });
  }
}

export interface AzureBlobStorageOptions {
  readonly connectionString: string;
  readonly container: string;
}

/**
 * botbuilder Storage on Azure Blob Storage, one JSON blob per document, for several bot instances sharing one
 * state. The eTag is the blob's own ETag, so compare-and-swap is Azure's conditional write: a write carrying
 * an eTag is sent with If-Match, and a create (StateStore's ABSENT_ETAG) with If-None-Match: *, so two
 * instances creating one document conflict instead of one overwriting the other. (botbuilder-azure-blobs'
 * BlobsStorage sends every eTag as If-Match, which can never create a document conditionally.)
 */
export class AzureBlobStorage implements Storage {
  private readonly container: ContainerClient;
  private created: Promise<unknown> | undefined;

  constructor(options: AzureBlobStorageOptions) {
    // A few quick retries: StateStore retries conflicts itself, and a start with a wrong account should say so
    // in seconds, not after the SDK's default minutes of backoff.
    this.container = new ContainerClient(options.connectionString, options.container, {
      retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2000, tryTimeoutInMs: 10_000 },
    });
  }

  /** Creates the container if it is missing; rejects when the account cannot be reached or refuses the key. */
  async open(): Promise<void> {
    await this.ensureContainer();
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    await this.ensureContainer();
    const items: StoreItems = {};
    await Promise.all(
      [...new Set(keys)].map(async (key) => {
        const item = await this.readOne(key);
        if (item) items[key] = item;
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    await this.ensureContainer();
    await Promise.all(entries.map(([key, item]) => this.writeOne(key, item as StoreItem)));
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    await this.ensureContainer();
    await Promise.all(keys.map((key) => this.blob(key).deleteIfExists()));
  }

  private ensureContainer(): Promise<unknown> {
    this.created ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.created = undefined;
      throw error;
    });
    return this.created;
  }

  private blob(key: string) {
    const encoded = encodeURIComponent(key);
    const name =
      encoded.length <= MAX_BLOB_NAME ? encoded : `sha256-${createHash('sha256').update(key).digest('hex')}`;
    return this.container.getBlockBlobClient(name);
  }

  /** One GET: the body and the ETag of exactly those bytes come from the same response. */
  private async readOne(key: string): Promise<StoreItem | undefined> {
    try {
      const response = await this.blob(key).download();
      if (!response.etag) throw new Error(`Storage: the blob for "${key}" came without an ETag.`);
      const text = await readText(response.readableStreamBody);
      return { ...(JSON.parse(text) as StoreItem), eTag: response.etag };
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    if (typeof item !== 'object' || item === null) {
      throw new TypeError(`Storage: the item for "${key}" must be an object.`);
    }
    const { eTag, ...body } = item as StoreItem & { eTag?: unknown };
    const conditions: BlobRequestConditions =
      eTag === ABSENT_ETAG
        ? { ifNoneMatch: '*' }
        : typeof eTag === 'string' && eTag !== '' && eTag !== '*'
          ? { ifMatch: eTag }
          : {};
    const serialized = JSON.stringify(body);
    try {
      await this.blob(key).upload(serialized, Buffer.byteLength(serialized), {
        conditions,
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    } catch (error) {
      // 412: the ETag no longer matches; 409: it exists already (a create lost the race); 404 with If-Match:
      // the document was deleted since it was read.
      const status = error instanceof RestError ? error.statusCode : undefined;
      if (status === 412 || status === 409 || (status === 404 && 'ifMatch' in conditions)) {
        throw new BlobEtagConflictError(key, error);
      }
      throw error;
    }
  }
}

async function readText(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
