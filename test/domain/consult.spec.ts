import {
  AlreadyConsultingError,
  ConsultLimitError,
  ConsultSelfError,
  ConsultTargetUnavailableError,
  MAX_CONSULTANTS,
  NotConsultantError,
  addToConversation,
  inviteConsultant,
  mayWriteToCustomer,
  removeConsultant,
  type Consultant,
} from '../../src/domain/consult';
import {
  CONSULT_STATUS,
  HOME_SESSION_ID,
  emptyAgentSessions,
  openSession,
  panelRows,
  recordCustomerMessage,
  setConsultRole,
  usedCapacityUnits,
} from '../../src/domain/agent-sessions';
import { IllegalTransitionError, NotSessionAgentError } from '../../src/domain/errors';
import { acceptTransfer, requestTransfer, transferToQueue } from '../../src/domain/transfer';
import { assignWorkItem, endToWrapUp, moveWorkItemToWaiting, openWorkItem } from '../../src/domain/work-item';
import { DEFAULT_WORKSTREAM } from '../../src/domain/workstream';

const T0 = 1_000_000;
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
  T0 + 1,
);
const bea: Consultant = { agentId: 'bea', name: 'Bea', invitedAt: T0 + 2, added: false };
const invite = (overrides: Partial<Parameters<typeof inviteConsultant>[1]> = {}) => ({
  fromAgentId: 'ada',
  toAgentId: 'bea',
  toPresence: 'busy' as const,
  consultants: [] as Consultant[],
  ...overrides,
});

describe('inviting a consultant', () => {
  it('counts one consultant more on the conversation, which stays its agent’s', () => {
    const item = inviteConsultant(active, invite());
    expect(item.consultants).toBe(1);
    expect(item.assignedAgentId).toBe('ada');
    expect(inviteConsultant(item, invite({ toAgentId: 'cleo', consultants: [bea] })).consultants).toBe(2);
  });

  it('takes Available or Busy colleagues only', () => {
    expect(inviteConsultant(active, invite({ toPresence: 'available' })).consultants).toBe(1);
    for (const toPresence of ['dnd', 'away', 'offline', 'inactive', undefined] as const)
      expect(() => inviteConsultant(active, invite({ toPresence }))).toThrow(ConsultTargetUnavailableError);
  });

  it('refuses yourself, someone already consulting, and a sixth consultant', () => {
    expect(() => inviteConsultant(active, invite({ toAgentId: 'ada' }))).toThrow(ConsultSelfError);
    expect(() => inviteConsultant(active, invite({ consultants: [bea] }))).toThrow(AlreadyConsultingError);
    const five = Array.from({ length: MAX_CONSULTANTS }, (_, n) => ({ ...bea, agentId: `c${n}` }));
    expect(() => inviteConsultant(active, invite({ consultants: five }))).toThrow(ConsultLimitError);
  });

  it('is only for the agent of an Active conversation', () => {
    expect(() => inviteConsultant(active, invite({ fromAgentId: 'cleo', toAgentId: 'dan' }))).toThrow(
      NotSessionAgentError,
    );
    expect(() => inviteConsultant(moveWorkItemToWaiting(active, T0 + 5), invite())).toThrow(
      IllegalTransitionError,
    );
  });
});

describe('adding a consultant to the conversation', () => {
  it('lets them write to the customer, only while the conversation is Active', () => {
    expect(mayWriteToCustomer(active, [bea], 'bea')).toBe(false);
    const added = addToConversation(active, 'ada', [bea], 'bea');
    expect(added.added).toBe(true);
    expect(mayWriteToCustomer(active, [added], 'bea')).toBe(true);
    expect(mayWriteToCustomer(endToWrapUp(active, T0 + 9), [added], 'bea')).toBe(false);
  });

  it('is refused to a consultant and for someone not consulting', () => {
    expect(() => addToConversation(active, 'bea', [bea], 'bea')).toThrow(NotSessionAgentError);
    expect(() => addToConversation(active, 'ada', [bea], 'cleo')).toThrow(NotConsultantError);
  });
});

describe('leaving a consult', () => {
  const item = inviteConsultant(active, invite());

  it('a consultant leaves, or the agent removes one; the count goes with them', () => {
    expect(removeConsultant(item, { byAgentId: 'bea', agentId: 'bea', consultants: [bea] }).consultants).toBe(
      undefined,
    );
    const two = inviteConsultant(item, invite({ toAgentId: 'cleo', consultants: [bea] }));
    const cleo = { ...bea, agentId: 'cleo' };
    expect(
      removeConsultant(two, { byAgentId: 'ada', agentId: 'cleo', consultants: [bea, cleo] }).consultants,
    ).toBe(1);
  });

  it('refuses one consultant removing another, and someone who has already gone', () => {
    const cleo = { ...bea, agentId: 'cleo' };
    expect(() =>
      removeConsultant(item, { byAgentId: 'cleo', agentId: 'bea', consultants: [bea, cleo] }),
    ).toThrow(NotSessionAgentError);
    expect(() => removeConsultant(item, { byAgentId: 'bea', agentId: 'bea', consultants: [] })).toThrow(
      NotConsultantError,
    );
  });

  it('ends with the conversation leaving its agent: ended, Waiting, transferred, back to the queue', () => {
    expect(endToWrapUp(item, T0 + 9).consultants).toBeUndefined();
    expect(moveWorkItemToWaiting(item, T0 + 9).consultants).toBeUndefined();
    expect(transferToQueue(item, 'ada', T0 + 9).consultants).toBeUndefined();
    const settings = { ...DEFAULT_WORKSTREAM, notificationTimeoutMs: 60_000 };
    const candidate = {
      id: 'cleo',
      presence: 'available',
      usedUnits: 0,
      sessionCount: 0,
      pendingTransfers: 0,
    } as const;
    const offered = requestTransfer(item, {
      fromAgentId: 'ada',
      to: candidate,
      toAgentId: 'cleo',
      offerId: 'of-1',
      now: T0 + 3,
      settings,
    });
    const accepted = acceptTransfer(offered, { agentId: 'cleo', offerId: 'of-1', now: T0 + 4 });
    expect(accepted.consultants).toBeUndefined();
  });
});

describe('a consult session on the consultant’s panel', () => {
  const panel = openSession(
    emptyAgentSessions(),
    { id: 'wi-1', kind: 'conversation', title: 'Visitor 4', readOnly: true, consult: 'watching' },
    { maxSessions: 3, now: T0 },
  );

  it('uses no capacity and says "Consult"; nothing new, so no badge, and no alert', () => {
    expect(usedCapacityUnits(panel, 1)).toBe(0);
    const row = panelRows(panel, 'negative').find((candidate) => candidate.id === 'wi-1');
    expect(row).toMatchObject({ statusText: CONSULT_STATUS, readOnly: true, alert: false });
    expect(row?.badge).toBeUndefined();
  });

  it("counts the customer's new messages (a badge, its tooltip), but raises no sentiment alert", () => {
    // The consultant is on Home (a consult session opens without taking the focus).
    let followed = { ...panel, focusedSessionId: HOME_SESSION_ID };
    for (let index = 0; index < 3; index += 1)
      followed = recordCustomerMessage(followed, 'wi-1', 'Very negative');
    const row = panelRows(followed, 'negative').find((candidate) => candidate.id === 'wi-1');
    expect(row).toMatchObject({ badge: '3', unread: 3, alert: false, statusText: CONSULT_STATUS });
    expect(row?.tooltip).toBe(row?.unreadText);
  });

  it('says when the consultant was added to the conversation', () => {
    const added = setConsultRole(panel, 'wi-1', 'added');
    expect(added.sessions[0]?.consult).toBe('added');
    expect(panelRows(added, 'negative')[1]?.tooltip).toContain('can write to the customer');
  });
});
