import { isPositionToTell, positionWording } from '../../src/domain/queue-position';

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
