import type { LogFields, Logger } from '../../src/app/ports';
import { LocalDirectLine } from '../../src/web/webchat/local-directline';
import type { ArchiveChange, WebchatArchive } from '../../src/web/webchat/webchat-archive';
import { FakeClock } from '../support/fake-clock';

/** An archive in memory that refuses its writes while `down`: each batch is all or nothing, as a transaction. */
class FlakyArchive implements WebchatArchive {
  down = false;
  readonly written: ArchiveChange[] = [];

  load(): Promise<[]> {
    return Promise.resolve([]);
  }

  async apply(changes: readonly ArchiveChange[]): Promise<void> {
    await Promise.resolve();
    if (this.down) throw new Error('SQLITE_FULL: database or disk is full');
    this.written.push(...changes);
  }
}

describe('the local Direct Line channel while its archive fails', () => {
  it('serves its customers from memory, holds the changes not written, and writes them first, in order, once the archive is back', async () => {
    const lines: { level: string; message: string; fields: LogFields }[] = [];
    const at = (level: string) => (fields: LogFields, message: string) =>
      void lines.push({ level, message, fields });
    const logger: Logger = {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: () => logger,
    };
    const archive = new FlakyArchive();
    const line = await LocalDirectLine.open(
      { clock: new FakeClock(Date.UTC(2026, 0, 5, 10, 0, 0)), logger },
      archive,
    );

    archive.down = true;
    const started = await line.start('192.0.2.10');
    if (!started.ok) throw new Error('start refused');
    const access = { conversationId: started.conversationId, userId: started.userId };
    const said = await line.addCustomerMessage(access, 'Hello', undefined);
    expect(line.activitiesSince(started.conversationId, 0).activities).toEqual([said]);
    expect(archive.written).toEqual([]);

    archive.down = false;
    await line.addBotActivity(started.conversationId, { text: 'Queued' });
    expect(archive.written.map((change) => change.kind)).toEqual([
      'conversation-opened',
      'token-issued',
      'activity-added',
      'activity-added',
    ]);
    expect(lines.map(({ level, message }) => [level, message])).toEqual([
      ['warn', 'web chat changes not archived'],
      ['info', 'web chat changes archived again'],
    ]);
  });
});
