import { silentLogger } from '../../src/app/ports';
import { Sweeper } from '../../src/teams/sweeper';
import { collectingLogger } from '../support/harness';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('Sweeper', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sweeps on its interval once started, and not after stop()', async () => {
    jest.useFakeTimers();
    let passes = 0;
    const sweeper = new Sweeper({
      sweep: async () => void (passes += 1),
      intervalMs: 5000,
      logger: silentLogger,
    });
    sweeper.start();
    await jest.advanceTimersByTimeAsync(15_000);
    expect(passes).toBe(3);
    await sweeper.stop();
    await jest.advanceTimersByTimeAsync(15_000);
    expect(passes).toBe(3);
  });

  it('does not keep the process alive', () => {
    const setInterval = jest.spyOn(global, 'setInterval');
    const sweeper = new Sweeper({ sweep: async () => undefined, intervalMs: 5000, logger: silentLogger });
    sweeper.start();
    const timer = setInterval.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    setInterval.mockRestore();
    return sweeper.stop();
  });

  it('with interval 0 starts no timer; runOnce still sweeps', async () => {
    const setInterval = jest.spyOn(global, 'setInterval');
    let passes = 0;
    const sweeper = new Sweeper({
      sweep: async () => void (passes += 1),
      intervalMs: 0,
      logger: silentLogger,
    });
    sweeper.start();
    expect(setInterval).not.toHaveBeenCalled();
    setInterval.mockRestore();
    await sweeper.runOnce();
    expect(passes).toBe(1);
  });

  it('never runs two passes at once, and stop() waits for the pass under way', async () => {
    const gate = deferred();
    let passes = 0;
    const sweeper = new Sweeper({
      sweep: async () => {
        passes += 1;
        await gate.promise;
      },
      intervalMs: 0,
      logger: silentLogger,
    });
    const first = sweeper.runOnce();
    const second = sweeper.runOnce();
    expect(passes).toBe(1);
    let stopped = false;
    const stopping = sweeper.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    gate.resolve();
    await Promise.all([first, second, stopping]);
    expect(stopped).toBe(true);
    expect(passes).toBe(1);
  });

  it('logs a failed pass instead of throwing', async () => {
    const { logger, lines } = collectingLogger();
    const sweeper = new Sweeper({
      sweep: async () => {
        throw new Error('store unavailable');
      },
      intervalMs: 0,
      logger,
    });
    await expect(sweeper.runOnce()).resolves.toBeUndefined();
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, msg: 'sweep failed', reason: 'store unavailable' }),
    ]);
  });
});
