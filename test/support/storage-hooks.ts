import type { Storage, StoreItems } from 'botbuilder';

/**
 * Runs `after` each time a write has been stored, before that write resolves, on a live Storage object (the one
 * RunningRelaydesk hands out). It lets a test put another operation exactly inside a use case's window between two
 * writes, instead of hoping a timer lands there. `restore()` removes the hook.
 */
export function afterEachWrite(
  storage: Storage,
  after: (changes: StoreItems) => Promise<void>,
): { restore(): void } {
  const write = storage.write.bind(storage);
  const patched = storage as Storage & { write: Storage['write'] };
  patched.write = async (changes) => {
    await write(changes);
    await after(changes);
  };
  return {
    restore: () => {
      patched.write = write;
    },
  };
}
