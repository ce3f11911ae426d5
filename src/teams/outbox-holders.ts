import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

const HOST = hostname();
/** The lease holders of this process's running outboxes; any other holder from this process is gone. */
const liveHolders = new Set<string>();

/** A dispatcher's name as its leases carry it: host, process id, instance. */
export function newHolder(): string {
  return `${HOST}/${process.pid}/${randomUUID()}`;
}

export function holderStarted(holder: string): void {
  liveHolders.add(holder);
}

/** The dispatcher stopped: its leases may be taken over at once by another dispatcher of this process. */
export function holderGone(holder: string): void {
  liveHolders.delete(holder);
}

/**
 * A lease left by a dispatcher known to be gone: one of this process that was stopped, or one of a process
 * on this machine that no longer runs (killed). A holder on another machine only loses its lease by expiry.
 */
export function isStaleHolder(holder: string): boolean {
  const [host, pidText, instance] = holder.split('/');
  if (host !== HOST || !instance) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return !liveHolders.has(holder);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Whether `holder` may send to a pending recipient now: no backoff runs, and its lease is free, ours, lapsed or stale. */
export function sendableBy(
  holder: string,
  pending: {
    readonly lease?: { readonly holder: string; readonly until: number };
    readonly notBefore?: number;
  },
  now: number,
): boolean {
  const { lease, notBefore } = pending;
  if (notBefore !== undefined && notBefore > now) return false;
  return !lease || lease.holder === holder || lease.until <= now || isStaleHolder(lease.holder);
}
