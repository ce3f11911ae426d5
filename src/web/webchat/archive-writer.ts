import type { Logger } from '../../app/ports';
import type { ArchiveChange, WebchatArchive } from './webchat-archive';

/** Changes kept for the next write while the archive fails; past it the oldest are given up (and said so). */
const MAX_HELD_CHANGES = 10_000;

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Writes the channel's changes to its archive one call's batch at a time, in the order the calls made them: a
 * batch starts only once the one before it has settled, so a trim is never written before the append it trims.
 * The channel in memory is what customers are served from, so a failing archive does not fail their calls: a
 * batch that could not be written (its transaction rolled back, nothing of it stored) is held and written first
 * with the next one. Without an archive the channel lives in memory only, and batches are dropped.
 */
export class ArchiveWriter {
  private tail: Promise<void> = Promise.resolve();
  private held: ArchiveChange[] = [];
  private failing = false;

  constructor(
    private readonly archive: WebchatArchive | undefined,
    private readonly logger: Logger,
  ) {}

  /** Resolves once `changes` (and any held before them) are stored, or held again because the archive failed. */
  write(changes: readonly ArchiveChange[]): Promise<void> {
    const archive = this.archive;
    if (!archive || (changes.length === 0 && this.held.length === 0)) return this.tail;
    this.tail = this.tail.then(() => this.writeNow(archive, changes));
    return this.tail;
  }

  private async writeNow(archive: WebchatArchive, changes: readonly ArchiveChange[]): Promise<void> {
    const batch = [...this.held, ...changes];
    try {
      await archive.apply(batch);
    } catch (error) {
      const dropped = Math.max(0, batch.length - MAX_HELD_CHANGES);
      this.held = batch.slice(dropped);
      if (!this.failing) {
        this.logger.warn(
          { reason: reasonOf(error), held: this.held.length },
          'web chat changes not archived',
        );
      }
      if (dropped > 0) {
        this.logger.error(
          { dropped },
          'web chat changes given up: a restart may not find every chat as it was',
        );
      }
      this.failing = true;
      return;
    }
    this.held = [];
    if (this.failing) this.logger.info({ written: batch.length }, 'web chat changes archived again');
    this.failing = false;
  }
}
