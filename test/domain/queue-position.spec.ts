import { averageWaitWording, isPositionToTell, positionWording } from '../../src/domain/queue-position';

describe("a queued customer's place", () => {
  it('reads "You\'re next." at the head and "You\'re number n in the queue." behind it', () => {
    expect(positionWording(1)).toBe("You're next.");
    expect(positionWording(2)).toBe("You're number 2 in the queue.");
    expect(positionWording(12)).toBe("You're number 12 in the queue.");
  });

  it('is told at once the first time, then only when it changed and 30 s have passed', () => {
    expect(isPositionToTell(undefined, 3, 0)).toBe(true);
    expect(isPositionToTell({ position: 3, at: 0 }, 3, 120_000)).toBe(false);
    expect(isPositionToTell({ position: 3, at: 0 }, 2, 29_999)).toBe(false);
    expect(isPositionToTell({ position: 3, at: 0 }, 2, 30_000)).toBe(true);
    expect(isPositionToTell({ position: 1, at: 0 }, 4, 30_000)).toBe(true);
  });
});

describe('the average wait told behind the head of the queue', () => {
  const minutes = (n: number) => n * 60_000;

  it('rests on at least twenty conversations answered and is told only when over a minute', () => {
    expect(averageWaitWording(undefined)).toBeUndefined();
    expect(averageWaitWording({ answered: 19, averageWaitMs: minutes(5) })).toBeUndefined();
    expect(averageWaitWording({ answered: 20, averageWaitMs: minutes(1) })).toBeUndefined();
    expect(averageWaitWording({ answered: 20, averageWaitMs: minutes(1) + 1 })).toBe(
      'Average wait about 1 minute.',
    );
    expect(averageWaitWording({ answered: 40, averageWaitMs: minutes(2.5) })).toBe(
      'Average wait about 3 minutes.',
    );
  });

  it('follows the place, and "You\'re next." goes alone', () => {
    const wait = 'Average wait about 4 minutes.';
    expect(positionWording(3, wait)).toBe("You're number 3 in the queue. Average wait about 4 minutes.");
    expect(positionWording(1, wait)).toBe("You're next.");
    expect(positionWording(2)).toBe("You're number 2 in the queue.");
  });
});
