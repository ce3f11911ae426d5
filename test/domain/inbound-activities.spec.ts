import {
  MAX_REMEMBERED_ID_CHARS,
  REMEMBERED_ACTIVITY_IDS,
  isReplayedActivity,
  rememberActivity,
} from '../../src/domain/inbound-activities';

describe('remembering the ids of a customer’s latest messages', () => {
  it('recognises an id it remembers, and nothing without an id', () => {
    const remembered = rememberActivity(undefined, 'a1');
    expect(isReplayedActivity(remembered, 'a1')).toBe(true);
    expect(isReplayedActivity(remembered, 'a2')).toBe(false);
    expect(isReplayedActivity(remembered, undefined)).toBe(false);
    expect(isReplayedActivity(remembered, '')).toBe(false);
    expect(isReplayedActivity(undefined, 'a1')).toBe(false);
  });

  it(`keeps the latest ${REMEMBERED_ACTIVITY_IDS}, oldest first, forgetting the oldest`, () => {
    let remembered: readonly string[] | undefined;
    for (let n = 1; n <= REMEMBERED_ACTIVITY_IDS + 3; n += 1)
      remembered = rememberActivity(remembered, `a${n}`);
    expect(remembered).toHaveLength(REMEMBERED_ACTIVITY_IDS);
    expect(remembered?.[0]).toBe('a4');
    expect(remembered?.at(-1)).toBe(`a${REMEMBERED_ACTIVITY_IDS + 3}`);
    expect(isReplayedActivity(remembered, 'a3')).toBe(false);
  });

  it('does not remember a missing, empty or overlong id', () => {
    const remembered = rememberActivity(['a1'], undefined);
    expect(rememberActivity(remembered, '')).toEqual(['a1']);
    expect(rememberActivity(remembered, 'x'.repeat(MAX_REMEMBERED_ID_CHARS + 1))).toEqual(['a1']);
    expect(rememberActivity(remembered, 'x'.repeat(MAX_REMEMBERED_ID_CHARS))).toHaveLength(2);
  });
});
