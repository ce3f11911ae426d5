import {
  IllegalTransitionError,
  NotOfferedToAgentError,
  NotSessionAgentError,
  NoteEmptyError,
  NoteTooLongError,
  OfferNotFoundError,
  TransferPendingError,
  TransferTargetUnavailableError,
  TransferToSelfError,
} from '../../src/domain/errors';
import { NOTE_MAX_CHARS, writeNote } from '../../src/domain/notes';
import { planOffers } from '../../src/domain/routing';
import {
  acceptTransfer,
  canTakeTransfer,
  declineTransfer,
  expireTransfer,
  requestTransfer,
  transferToQueue,
  type TransferCandidate,
  type TransferRequest,
} from '../../src/domain/transfer';
import { assignWorkItem, endWorkItem, moveWorkItemToWaiting, openWorkItem } from '../../src/domain/work-item';
import { DEFAULT_WORKSTREAM } from '../../src/domain/workstream';

const T0 = 1_000_000;
const settings = {
  ...DEFAULT_WORKSTREAM,
  agentCapacityUnits: 3,
  maxSessions: 3,
  notificationTimeoutMs: 60_000,
};
const active = assignWorkItem(
  openWorkItem({
    id: 'wi-1',
    workstream: 'default',
    customerId: 'webchat:kim',
    channelId: 'webchat',
    customer: { visitorNumber: 4 },
    title: 'Visitor 4',
    now: T0,
  }),
  'ada',
  T0 + 10,
);
const grace: TransferCandidate = {
  id: 'grace',
  presence: 'available',
  usedUnits: 0,
  sessionCount: 0,
  pendingTransfers: 0,
};
const request = (extra: Partial<TransferRequest> = {}): TransferRequest => ({
  fromAgentId: 'ada',
  to: grace,
  toAgentId: 'grace',
  offerId: 'tr-1',
  now: T0 + 100,
  settings,
  ...extra,
});

describe('who can take a transfer', () => {
  it('is an agent Available or Busy with room for one more once the transfers already offered count', () => {
    expect(canTakeTransfer(grace, settings)).toBe(true);
    expect(canTakeTransfer({ ...grace, presence: 'busy', usedUnits: 2 }, settings)).toBe(true);
    expect(canTakeTransfer({ ...grace, presence: 'busy', usedUnits: 2, pendingTransfers: 1 }, settings)).toBe(
      false,
    );
    for (const presence of ['dnd', 'away', 'offline', 'inactive'] as const)
      expect(canTakeTransfer({ ...grace, presence }, settings)).toBe(false);
    expect(canTakeTransfer({ ...grace, sessionCount: 3 }, settings)).toBe(false);
  });
});

describe('requesting a transfer', () => {
  it('marks the Active item with the transfer, expiring after the notification timeout; it stays the same agent’s', () => {
    const item = requestTransfer(active, request({ note: '  Wants a refund  ' }));
    expect(item.state).toBe('active');
    expect(item.assignedAgentId).toBe('ada');
    expect(item.transfer).toEqual({
      offerId: 'tr-1',
      fromAgentId: 'ada',
      toAgentId: 'grace',
      note: 'Wants a refund',
      offeredAt: T0 + 100,
      expiresAt: T0 + 100 + 60_000,
    });
  });

  it('keeps no empty note', () => {
    expect(requestTransfer(active, request({ note: '   ' })).transfer).not.toHaveProperty('note');
  });

  it('is refused to anyone but the assigned agent, to yourself, to someone unable, twice, or off Active', () => {
    expect(() => requestTransfer(active, request({ fromAgentId: 'bob' }))).toThrow(NotSessionAgentError);
    expect(() => requestTransfer(active, request({ toAgentId: 'ada' }))).toThrow(TransferToSelfError);
    expect(() => requestTransfer(active, request({ to: undefined, toAgentId: 'mallory' }))).toThrow(
      TransferTargetUnavailableError,
    );
    expect(() => requestTransfer(active, request({ to: { ...grace, presence: 'away' } }))).toThrow(
      TransferTargetUnavailableError,
    );
    const pending = requestTransfer(active, request());
    expect(() => requestTransfer(pending, request({ offerId: 'tr-2' }))).toThrow(TransferPendingError);
    expect(() => requestTransfer(moveWorkItemToWaiting(active, T0 + 50), request())).toThrow(
      IllegalTransitionError,
    );
  });
});

describe('answering a transfer', () => {
  const pending = requestTransfer(active, request());
  const answer = { agentId: 'grace', offerId: 'tr-1', now: T0 + 200 };

  it('accepted: the item is the target’s from now, its same-agent preference theirs too', () => {
    expect(acceptTransfer(pending, answer)).toMatchObject({
      state: 'active',
      assignedAgentId: 'grace',
      lastAgentId: 'grace',
      stateChangedAt: T0 + 200,
    });
    expect(acceptTransfer(pending, answer)).not.toHaveProperty('transfer');
  });

  it('declined: the item is still the asking agent’s, unmarked', () => {
    const declined = declineTransfer(pending, answer);
    expect(declined.assignedAgentId).toBe('ada');
    expect(declined).not.toHaveProperty('transfer');
  });

  it('refuses another agent’s answer, a stale offer id, and an answer after the timeout', () => {
    expect(() => acceptTransfer(pending, { ...answer, agentId: 'bob' })).toThrow(NotOfferedToAgentError);
    expect(() => acceptTransfer(pending, { ...answer, offerId: 'tr-0' })).toThrow(OfferNotFoundError);
    expect(() => acceptTransfer(pending, { ...answer, now: T0 + 100 + 60_000 })).toThrow(OfferNotFoundError);
    expect(() => declineTransfer(active, answer)).toThrow(OfferNotFoundError);
  });

  it('lapses once the timeout has passed, and not before', () => {
    expect(expireTransfer(pending, T0 + 100 + 59_999)).toBeUndefined();
    expect(expireTransfer(pending, T0 + 100 + 60_000)).not.toHaveProperty('transfer');
  });

  it('is void once the item leaves Active (closed to Waiting, ended)', () => {
    expect(moveWorkItemToWaiting(pending, T0 + 300)).not.toHaveProperty('transfer');
    expect(endWorkItem(pending, T0 + 300)).not.toHaveProperty('transfer');
  });
});

describe('transferring to the queue', () => {
  it('makes the item Open and nobody’s, dropping the same-agent preference', () => {
    const queued = transferToQueue(active, 'ada', T0 + 500);
    expect(queued.state).toBe('open');
    expect(queued).not.toHaveProperty('assignedAgentId');
    expect(queued).not.toHaveProperty('lastAgentId');
  });

  it('is refused to anyone but the assigned agent, and while a transfer is pending', () => {
    expect(() => transferToQueue(active, 'bob', T0)).toThrow(NotSessionAgentError);
    expect(() => transferToQueue(requestTransfer(active, request()), 'ada', T0)).toThrow(
      TransferPendingError,
    );
  });
});

describe('routing with transfers pending', () => {
  it('counts a pending transfer against its target’s capacity, as an offer', () => {
    const queue = {
      workstream: 'default',
      entries: [{ workItemId: 'wi-9', enqueuedAt: T0 }],
    };
    const candidate = {
      id: 'grace',
      presence: 'busy' as const,
      sessionCount: 2,
      reachable: true,
      usedUnits: 2,
    };
    const ids = () => 'offer-1';
    expect(planOffers(queue, [candidate], settings, T0, ids).offers).toHaveLength(1);
    expect(planOffers(queue, [{ ...candidate, pendingTransfers: 1 }], settings, T0, ids).offers).toEqual([]);
  });
});

describe('an internal note', () => {
  const base = { id: 'n-1', workItemId: 'wi-1', authorId: 'ada', authorName: 'Ada', at: T0 };

  it('is kept as written, surrounding blanks trimmed', () => {
    expect(writeNote({ ...base, text: '  Prefers email \n' }).text).toBe('Prefers email');
  });

  it('is refused empty or longer than NOTE_MAX_CHARS, never cut', () => {
    expect(() => writeNote({ ...base, text: ' \n ' })).toThrow(NoteEmptyError);
    expect(() => writeNote({ ...base, text: 'x'.repeat(NOTE_MAX_CHARS + 1) })).toThrow(NoteTooLongError);
    expect(writeNote({ ...base, text: 'x'.repeat(NOTE_MAX_CHARS) }).text).toHaveLength(NOTE_MAX_CHARS);
  });
});
