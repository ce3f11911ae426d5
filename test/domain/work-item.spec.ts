import { IllegalTransitionError } from '../../src/domain/errors';
import {
  assignWorkItem,
  endWorkItem,
  expireWorkItem,
  isWaitingPeriodOver,
  moveWorkItemToWaiting,
  openWorkItem,
  recordCustomerMessageOnWorkItem,
  requeueWorkItem,
  resumeWorkItemByAgent,
  routeCustomerMessage,
} from '../../src/domain/work-item';
import type { WorkItem } from '../../src/domain/work-item';
import { daysToMs } from '../../src/domain/workstream';

const WAITING = daysToMs(28);
const fresh = (): WorkItem =>
  openWorkItem({
    id: 'w1',
    workstream: 'default',
    customerId: 'emulator:user-1',
    channelId: 'emulator',
    customer: { visitorNumber: 1 },
    title: 'Visitor 1',
    now: 0,
  });
const active = () => assignWorkItem(fresh(), 'agent-a', 10);
const waiting = () => moveWorkItemToWaiting(active(), 20);

describe('work item', () => {
  it('starts Open with no history', () => {
    expect(fresh()).toMatchObject({ state: 'open', customerMessageCount: 0, sentimentScores: [] });
    expect(fresh().assignedAgentId).toBeUndefined();
  });

  describe('moves', () => {
    it('Open → Active when an agent accepts or picks it', () => {
      expect(active()).toMatchObject({
        state: 'active',
        assignedAgentId: 'agent-a',
        lastAgentId: 'agent-a',
        stateChangedAt: 10,
      });
    });

    it('Active → Waiting when the session is closed without End, freeing the agent', () => {
      const item = waiting();
      expect(item.state).toBe('waiting');
      expect(item.assignedAgentId).toBeUndefined();
      expect(item.lastAgentId).toBe('agent-a');
    });

    it('Waiting → Active when an agent opens it', () => {
      expect(resumeWorkItemByAgent(waiting(), 'agent-b', 30)).toMatchObject({
        state: 'active',
        assignedAgentId: 'agent-b',
        lastAgentId: 'agent-b',
      });
    });

    it('Waiting → Open when the customer writes again, keeping the last agent to prefer', () => {
      expect(requeueWorkItem(waiting(), 30)).toMatchObject({ state: 'open', lastAgentId: 'agent-a' });
    });

    it('Active → Closed on End', () => {
      const item = endWorkItem(active(), 40);
      expect(item).toMatchObject({ state: 'closed', closedReason: 'ended', stateChangedAt: 40 });
      expect(item.assignedAgentId).toBeUndefined();
    });

    it('Waiting → Closed on End', () => {
      expect(endWorkItem(waiting(), 40).state).toBe('closed');
    });

    it('Waiting → Closed once the waiting period is over, not before', () => {
      expect(isWaitingPeriodOver(waiting(), 20 + WAITING, WAITING)).toBe(false);
      expect(() => expireWorkItem(waiting(), 20 + WAITING, WAITING)).toThrow(IllegalTransitionError);
      expect(expireWorkItem(waiting(), 21 + WAITING, WAITING)).toMatchObject({
        state: 'closed',
        closedReason: 'expired',
      });
    });
  });

  describe('illegal moves are typed errors', () => {
    const closed = () => endWorkItem(active(), 40);
    it.each([
      ['assign an Active item', () => assignWorkItem(active(), 'b', 1)],
      ['assign a Waiting item', () => assignWorkItem(waiting(), 'b', 1)],
      ['move an Open item to Waiting', () => moveWorkItemToWaiting(fresh(), 1)],
      ['resume an Active item', () => resumeWorkItemByAgent(active(), 'b', 1)],
      ['requeue an Active item', () => requeueWorkItem(active(), 1)],
      ['end an Open item', () => endWorkItem(fresh(), 1)],
      ['expire an Active item', () => expireWorkItem(active(), WAITING * 2, WAITING)],
      ['reopen a Closed item', () => resumeWorkItemByAgent(closed(), 'a', 50)],
      ['assign a Closed item', () => assignWorkItem(closed(), 'a', 50)],
      ['requeue a Closed item', () => requeueWorkItem(closed(), 50)],
      ['end a Closed item twice', () => endWorkItem(closed(), 50)],
      ['add a message to a Closed item', () => recordCustomerMessageOnWorkItem(closed(), 0)],
    ])('cannot %s', (_name, move) => {
      expect(move).toThrow(IllegalTransitionError);
    });

    it('names the item, its state and the move', () => {
      expect(() => endWorkItem(fresh(), 1)).toThrow('Work item "w1" cannot end while it is open.');
    });
  });

  describe('customer messages', () => {
    it('are counted and their scores kept for the sentiment window', () => {
      let item = active();
      for (const score of [0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7])
        item = recordCustomerMessageOnWorkItem(item, score);
      expect(item.customerMessageCount).toBe(7);
      expect(item.sentimentScores).toEqual([-0.2, -0.3, -0.4, -0.5, -0.6, -0.7]);
    });
  });

  describe("routing a customer's next message", () => {
    it('starts a new item when the customer has none', () => {
      expect(routeCustomerMessage(undefined, 0, WAITING)).toEqual({ kind: 'start-new' });
    });

    it('appends to an Open or Active item', () => {
      expect(routeCustomerMessage(fresh(), 5, WAITING)).toMatchObject({
        kind: 'append',
        item: { state: 'open' },
      });
      expect(routeCustomerMessage(active(), 50, WAITING)).toMatchObject({ kind: 'append' });
    });

    it('resumes a Waiting item within the waiting period, preferring the same agent', () => {
      expect(routeCustomerMessage(waiting(), 20 + WAITING, WAITING)).toMatchObject({
        kind: 'resume',
        preferredAgentId: 'agent-a',
        item: { id: 'w1', state: 'open' },
      });
    });

    it('starts a new item after End, with no old history', () => {
      expect(routeCustomerMessage(endWorkItem(active(), 40), 50, WAITING)).toEqual({ kind: 'start-new' });
    });

    it('starts a new item when the waiting period is over, expiring the old one', () => {
      const route = routeCustomerMessage(waiting(), 21 + WAITING, WAITING);
      expect(route).toMatchObject({
        kind: 'start-new',
        expired: { id: 'w1', state: 'closed', closedReason: 'expired' },
      });
    });
  });
});
