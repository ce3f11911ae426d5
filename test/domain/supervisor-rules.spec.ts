import {
  AlreadyOfferedError,
  AssignTargetError,
  NotQueuedError,
  OverCapacityError,
  assignOffer,
  checkAssignLoad,
  type AssignRequest,
} from '../../src/domain/assign';
import {
  HOME_SESSION_ID,
  dropSupervising,
  emptyAgentSessions,
  focusSession,
  openSession,
  panelRows,
} from '../../src/domain/agent-sessions';
import { acceptOffer, enqueue, emptyQueue } from '../../src/domain/routing';
import {
  NotSupervisableError,
  OwnConversationError,
  countSupervisedMessage,
  requireSupervisable,
  supervisorMayWrite,
} from '../../src/domain/supervising';
import {
  assignWorkItem,
  endToWrapUp,
  moveWorkItemToWaiting,
  openWorkItem,
  type WorkItem,
} from '../../src/domain/work-item';
import { DEFAULT_WORKSTREAM } from '../../src/domain/workstream';

const T0 = 1_000_000;
const settings = {
  ...DEFAULT_WORKSTREAM,
  agentCapacityUnits: 3,
  capacityUnitsPerConversation: 1,
  maxSessions: 5,
};
const queued = (): WorkItem =>
  openWorkItem({
    id: 'wi-1',
    workstream: 'default',
    customerId: 'webchat:kim',
    channelId: 'webchat',
    customer: { visitorNumber: 1 },
    title: 'Visitor 1',
    now: T0,
  });
const request = (overrides: Partial<AssignRequest> = {}): AssignRequest => ({
  workItemId: 'wi-1',
  agentId: 'alex',
  agentName: 'Alex',
  supervisorId: 'sam',
  overCapacity: false,
  offerId: 'offer-a',
  now: T0 + 10,
  notificationTimeoutMs: 120_000,
  ...overrides,
});

describe('Monitor and Join: which conversations a supervisor may look at', () => {
  const active = assignWorkItem(queued(), 'alex', T0 + 1);

  it('monitors Active, Waiting and Wrap-up conversations; refuses a queued one, saying its state', () => {
    expect(() => requireSupervisable(active, 'sam', 'monitor')).not.toThrow();
    expect(() => requireSupervisable(moveWorkItemToWaiting(active, T0 + 2), 'sam', 'monitor')).not.toThrow();
    expect(() => requireSupervisable(endToWrapUp(active, T0 + 2), 'sam', 'monitor')).not.toThrow();
    expect(() => requireSupervisable(queued(), 'sam', 'monitor')).toThrow(
      new NotSupervisableError('wi-1', 'open', 'monitor'),
    );
  });

  it('joins only an Active conversation, never one’s own', () => {
    expect(() => requireSupervisable(endToWrapUp(active, T0 + 2), 'sam', 'join')).toThrow(
      NotSupervisableError,
    );
    expect(() => requireSupervisable(active, 'alex', 'join')).toThrow(OwnConversationError);
  });

  it('lets a joined supervisor write while the conversation is Active, a monitoring one never', () => {
    expect(supervisorMayWrite(active, 'joined')).toBe(true);
    expect(supervisorMayWrite(active, 'monitoring')).toBe(false);
    expect(supervisorMayWrite(endToWrapUp(active, T0 + 2), 'joined')).toBe(false);
  });

  it('shows a supervisor’s session as Monitor or Joined, read-only, without an alert (no badge while nothing is new)', () => {
    const panel = openSession(
      emptyAgentSessions(),
      { id: 'wi-1', kind: 'conversation', title: 'Visitor 1', readOnly: true, supervising: 'monitoring' },
      { maxSessions: 5, now: T0 },
    );
    expect(panelRows(panel, 'slightly-negative')[1]).toMatchObject({
      statusText: 'Monitor',
      readOnly: true,
      alert: false,
      tooltip: 'Visitor 1. Monitoring: read-only, and nobody is told.',
    });
    expect(dropSupervising(panel, 'wi-1').sessions).toEqual([]);
  });

  it('counts a message on a supervisor’s session unread only while another session is open; the row shows it', () => {
    const opened = openSession(
      emptyAgentSessions(),
      { id: 'wi-1', kind: 'conversation', title: 'Visitor 1', readOnly: true, supervising: 'joined' },
      { maxSessions: 5, now: T0 },
    );
    expect(countSupervisedMessage(focusSession(opened, 'wi-1'), 'wi-1')).toEqual(
      focusSession(opened, 'wi-1'),
    );
    let panel = focusSession(opened, HOME_SESSION_ID);
    for (let n = 0; n < 10; n += 1) panel = countSupervisedMessage(panel, 'wi-1');
    expect(panelRows(panel, 'slightly-negative')[1]).toMatchObject({
      statusText: 'Joined',
      alert: false,
      badge: '9+',
      unread: 10,
      tooltip: 'Visitor 1. 10 new updates in your conversation.',
    });
    expect(panelRows(focusSession(panel, 'wi-1'), 'slightly-negative')[1]).not.toHaveProperty('badge');
  });

  it('counts nothing on a session that is not a supervisor’s', () => {
    const own = focusSession(
      openSession(
        emptyAgentSessions(),
        { id: 'wi-1', kind: 'conversation', title: 'Visitor 1' },
        { maxSessions: 5, now: T0 },
      ),
      HOME_SESSION_ID,
    );
    expect(countSupervisedMessage(own, 'wi-1')).toBe(own);
    expect(countSupervisedMessage(own, 'wi-none')).toBe(own);
  });
});

describe('Assign: a queued conversation offered to the agent a supervisor chose', () => {
  const queue = enqueue(emptyQueue('default'), 'wi-1', T0);

  it('offers it with the usual timeout, marked with who assigned it', () => {
    const { offer, withdrawn } = assignOffer(queue, request());
    expect(offer).toEqual({
      id: 'offer-a',
      workItemId: 'wi-1',
      agentId: 'alex',
      offeredAt: T0 + 10,
      expiresAt: T0 + 10 + 120_000,
      assignedBy: 'sam',
    });
    expect(withdrawn).toBeUndefined();
  });

  it('withdraws a live offer to someone else, and refuses one to the same agent', () => {
    const first = assignOffer(queue, request({ agentId: 'bea', agentName: 'Bea' }));
    const second = assignOffer(first.queue, request({ offerId: 'offer-b' }));
    expect(second.withdrawn?.agentId).toBe('bea');
    expect(second.queue.entries[0]?.offer?.id).toBe('offer-b');
    expect(() => assignOffer(second.queue, request({ offerId: 'offer-c' }))).toThrow(
      new AlreadyOfferedError('Alex'),
    );
  });

  it('refuses an item not in the queue, or one an agent is taking', () => {
    expect(() => assignOffer(emptyQueue('default'), request())).toThrow(NotQueuedError);
    const offered = assignOffer(queue, request({ agentId: 'bea' }));
    const taken = acceptOffer(offered.queue, {
      workItemId: 'wi-1',
      offerId: 'offer-a',
      agentId: 'bea',
      now: T0 + 11,
    });
    expect(() => assignOffer(taken.queue, request({ offerId: 'offer-z' }))).toThrow(NotQueuedError);
  });

  it('is accepted over capacity only when the supervisor confirmed it', () => {
    const normal = assignOffer(queue, request());
    const over = assignOffer(queue, request({ overCapacity: true }));
    const accept = (q: typeof queue) =>
      acceptOffer(q, { workItemId: 'wi-1', offerId: 'offer-a', agentId: 'alex', now: T0 + 20 }).queue
        .entries[0]?.claim?.via;
    expect([accept(normal.queue), accept(over.queue)]).toEqual(['accept', 'accept-over-capacity']);
  });

  it('says how far over capacity it would go, and never goes past the session limit', () => {
    const load = { agentName: 'Alex', usedUnits: 2, promised: 1, sessionCount: 3 };
    expect(() => checkAssignLoad(load, settings, false)).toThrow(new OverCapacityError('Alex', 3, 3));
    expect(new OverCapacityError('Alex', 3, 3).message).toBe(
      'Alex has 3 of 3 conversations; assigning makes 4.',
    );
    expect(() => checkAssignLoad(load, settings, true)).not.toThrow();
    expect(() => checkAssignLoad({ ...load, usedUnits: 1, promised: 0 }, settings, false)).not.toThrow();
    expect(() => checkAssignLoad({ ...load, sessionCount: 4 }, settings, true)).toThrow(AssignTargetError);
  });
});
