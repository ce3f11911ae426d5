import type { Storage } from 'botbuilder';

export type StorageFault = 'none' | 'writes' | 'reads-and-writes' | 'hang';

/**
 * Puts a switch on a live Storage object (the one RunningRelaydesk hands out): 'writes' makes every write throw
 * as SQLite does on a full disk, 'reads-and-writes' makes reads throw too (a corrupted or vanished file), and
 * 'hang' holds every read and write until the fault is switched off. Calls made before a switch are not
 * affected; `restore()` puts the original methods back.
 */
export function faultSwitch(storage: Storage): {
  set(fault: StorageFault): void;
  /** Calls refused or held so far. */
  readonly refused: number;
  restore(): void;
} {
  const original = { read: storage.read.bind(storage), write: storage.write.bind(storage) };
  const patched = storage as Storage & { read: Storage['read']; write: Storage['write'] };
  let fault: StorageFault = 'none';
  let refused = 0;
  let release: (() => void) | undefined;
  let held = Promise.resolve();

  const diskFull = () =>
    Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
  const unreadable = () =>
    Object.assign(new Error('SQLITE_CORRUPT: database disk image is malformed'), { code: 'SQLITE_CORRUPT' });

  patched.read = async (keys) => {
    if (fault === 'reads-and-writes') {
      refused += 1;
      throw unreadable();
    }
    if (fault === 'hang') {
      refused += 1;
      await held;
    }
    return original.read(keys);
  };
  patched.write = async (changes) => {
    if (fault === 'writes' || fault === 'reads-and-writes') {
      refused += 1;
      throw diskFull();
    }
    if (fault === 'hang') {
      refused += 1;
      await held;
    }
    return original.write(changes);
  };

  return {
    set(next) {
      if (fault === 'hang' && next !== 'hang') release?.();
      if (next === 'hang' && fault !== 'hang') {
        held = new Promise<void>((resolve) => (release = resolve));
      }
      fault = next;
    },
    get refused() {
      return refused;
    },
    restore() {
      release?.();
      patched.read = original.read;
      patched.write = original.write;
    },
  };
}
