import type { Storage, StoreItems } from 'botbuilder';
import { seededRandom } from './seeded-random';

export interface ConflictOptions {
  /** Share of writes refused with an eTag conflict, 0 … 1. */
  readonly rate: number;
  readonly seed: number;
  /** Only writes whose keys all match are candidates for a conflict; default: every write. */
  readonly only?: (key: string) => boolean;
}

/**
 * A botbuilder Storage that refuses a seeded share of writes with MemoryStorage's own eTag-conflict error, without
 * writing anything, as if another writer had just changed the document. Reads and deletes pass through.
 */
export class ConflictingStorage implements Storage {
  /** Writes asked for, and of those, refused on purpose. */
  writes = 0;
  injected = 0;
  private readonly random: () => number;

  constructor(
    private readonly inner: Storage,
    private readonly options: ConflictOptions,
  ) {
    this.random = seededRandom(options.seed);
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    this.writes += 1;
    const keys = Object.keys(changes);
    const candidate = keys.length > 0 && keys.every((key) => this.options.only?.(key) ?? true);
    if (candidate && this.random() < this.options.rate) {
      this.injected += 1;
      throw new Error(`Storage: error writing "${keys[0]}" due to eTag conflict.`);
    }
    await this.inner.write(changes);
  }
}

/**
 * startRelaydesk builds its own Storage and takes none, but hands it out (RunningRelaydesk.storage), and the
 * StateStore calls `storage.write` on that very object: routing that object's writes through a ConflictingStorage
 * puts conflicts under the real server. `restore()` takes the detour away again.
 */
export function injectConflictsInto(
  storage: Storage,
  options: ConflictOptions,
): { conflicts: ConflictingStorage; restore(): void } {
  const inner: Storage = {
    read: storage.read.bind(storage),
    write: storage.write.bind(storage),
    delete: storage.delete.bind(storage),
  };
  const conflicts = new ConflictingStorage(inner, options);
  const patched = storage as Storage & { write: Storage['write'] };
  patched.write = (changes) => conflicts.write(changes);
  return {
    conflicts,
    restore: () => {
      patched.write = inner.write;
    },
  };
}
