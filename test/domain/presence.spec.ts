import {
  PRESENCE_LABELS,
  SELECTABLE_PRESENCE,
  acceptsOffers,
  isPresenceStatus,
  presenceAfterCapacityChange,
  presenceForCapacity,
} from '../../src/domain/presence';

describe('presence', () => {
  it('follows capacity: free → Available, partly used → Busy, full → Do not disturb', () => {
    expect(presenceForCapacity(0, 3)).toBe('available');
    expect(presenceForCapacity(1, 3)).toBe('busy');
    expect(presenceForCapacity(2, 3)).toBe('busy');
    expect(presenceForCapacity(3, 3)).toBe('dnd');
    expect(presenceForCapacity(4, 3)).toBe('dnd');
  });

  it('lets capacity move Available, Busy and Do not disturb', () => {
    expect(presenceAfterCapacityChange('dnd', 1, 2)).toBe('busy');
    expect(presenceAfterCapacityChange('busy', 0, 2)).toBe('available');
    expect(presenceAfterCapacityChange('available', 2, 2)).toBe('dnd');
  });

  it('keeps Away, Offline and Inactive when sessions start or end', () => {
    expect(presenceAfterCapacityChange('away', 0, 2)).toBe('away');
    expect(presenceAfterCapacityChange('offline', 2, 2)).toBe('offline');
    expect(presenceAfterCapacityChange('inactive', 1, 2)).toBe('inactive');
  });

  it('offers work only to Available and Busy agents', () => {
    expect(acceptsOffers('available')).toBe(true);
    expect(acceptsOffers('busy')).toBe(true);
    for (const status of ['dnd', 'away', 'offline', 'inactive'] as const)
      expect(acceptsOffers(status)).toBe(false);
  });

  it('lets agents choose every status but Inactive, which only the system sets', () => {
    expect(SELECTABLE_PRESENCE).toEqual(['available', 'busy', 'dnd', 'away', 'offline']);
    expect(PRESENCE_LABELS.dnd).toBe('Do not disturb');
  });

  it('recognises only known statuses', () => {
    expect(isPresenceStatus('busy')).toBe(true);
    expect(isPresenceStatus('sleeping')).toBe(false);
    expect(isPresenceStatus(3)).toBe(false);
  });
});
