export const PRESENCE_STATUSES = ['available', 'busy', 'dnd', 'away', 'offline', 'inactive'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** What an agent may choose; Inactive is set only by the system after a missed notification. */
export const SELECTABLE_PRESENCE: readonly PresenceStatus[] = ['available', 'busy', 'dnd', 'away', 'offline'];

export const PRESENCE_LABELS: Record<PresenceStatus, string> = {
  available: 'Available',
  busy: 'Busy',
  dnd: 'Do not disturb',
  away: 'Away',
  offline: 'Offline',
  inactive: 'Inactive',
};

export function isPresenceStatus(value: unknown): value is PresenceStatus {
  return typeof value === 'string' && (PRESENCE_STATUSES as readonly string[]).includes(value);
}

/** Only Available and Busy agents are offered new work. */
export function acceptsOffers(presence: PresenceStatus): boolean {
  return presence === 'available' || presence === 'busy';
}

/** Omnichannel's rule: free → Available, partly used → Busy, full → Do not disturb. */
export function presenceForCapacity(usedUnits: number, capacityUnits: number): PresenceStatus {
  if (usedUnits <= 0) return 'available';
  return usedUnits >= capacityUnits ? 'dnd' : 'busy';
}

/**
 * Presence after a session starts or ends. Capacity drives Available / Busy / Do not disturb;
 * an agent who stepped Away, went Offline or was made Inactive stays so until they choose again.
 */
export function presenceAfterCapacityChange(
  current: PresenceStatus,
  usedUnits: number,
  capacityUnits: number,
): PresenceStatus {
  if (current === 'away' || current === 'offline' || current === 'inactive') return current;
  return presenceForCapacity(usedUnits, capacityUnits);
}
