import { unreadBadge, unreadTooltip } from '../../src/domain/unread';

describe('unread badge', () => {
  it('shows nothing at 0', () => {
    expect(unreadBadge(0)).toBeUndefined();
  });

  it.each([1, 2, 5, 9])('shows the count %i itself from 1 to 9', (count) => {
    expect(unreadBadge(count)).toBe(String(count));
  });

  it.each([10, 11, 12, 200])('shows "9+" at %i', (count) => {
    expect(unreadBadge(count)).toBe('9+');
  });
});

describe('unread tooltip', () => {
  it('reads exactly "<title>. <X> new updates in your conversation."', () => {
    expect(unreadTooltip('Visitor 7', 5)).toBe('Visitor 7. 5 new updates in your conversation.');
    expect(unreadTooltip('Kenny Smith', 5)).toBe('Kenny Smith. 5 new updates in your conversation.');
  });

  it('states the real count even when the badge shows 9+', () => {
    expect(unreadTooltip('Visitor 2', 12)).toBe('Visitor 2. 12 new updates in your conversation.');
  });
});
