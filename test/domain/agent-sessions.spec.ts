import {
  HOME_SESSION_ID,
  clearReplyDraft,
  closeSession,
  emptyAgentSessions,
  findSession,
  focusSession,
  openSession,
  panelRows,
  restoreSession,
  recordCustomerMessage,
  saveDraft,
  togglePanelMode,
  usedCapacityUnits,
} from '../../src/domain/agent-sessions';
import type { AgentSessions, OpenSessionRequest } from '../../src/domain/agent-sessions';
import {
  HomeSessionNotClosableError,
  MaxSessionsReachedError,
  SessionNotFoundError,
} from '../../src/domain/errors';

const limits = { maxSessions: 10, now: 1_000 };
const conversation = (id: string, title = `Visitor ${id}`): OpenSessionRequest => ({
  id,
  kind: 'conversation',
  title,
});

function withSessions(...ids: string[]): AgentSessions {
  return ids.reduce((panel, id) => openSession(panel, conversation(id), limits), emptyAgentSessions());
}

describe('session panel', () => {
  describe('Home', () => {
    it('is always first, anchored and not closable', () => {
      const rows = panelRows(withSessions('1', '2'), 'slightly-negative');
      expect(rows.map((row) => row.id)).toEqual([HOME_SESSION_ID, '1', '2']);
      expect(rows[0]).toMatchObject({ title: 'Home', icon: 'Ho', closable: false, tooltip: 'Home' });
      expect(rows.slice(1).every((row) => row.closable)).toBe(true);
    });

    it('can never be closed', () => {
      expect(() => closeSession(withSessions('1'), HOME_SESSION_ID)).toThrow(HomeSessionNotClosableError);
    });

    it('is focused when the agent has no sessions', () => {
      expect(emptyAgentSessions().focusedSessionId).toBe(HOME_SESSION_ID);
    });
  });

  describe('opening sessions', () => {
    it('focuses the new session', () => {
      expect(withSessions('1', '2').focusedSessionId).toBe('2');
    });

    it('keeps sessions in the order they were opened', () => {
      expect(withSessions('3', '1', '2').sessions.map((s) => s.id)).toEqual(['3', '1', '2']);
    });

    it('only focuses a session that is already open', () => {
      const panel = openSession(withSessions('1', '2'), conversation('1'), limits);
      expect(panel.sessions).toHaveLength(2);
      expect(panel.focusedSessionId).toBe('1');
    });

    it('restores a lost session without moving the focus, and leaves one already there as it is', () => {
      const panel = focusSession(withSessions('1', '2'), '1');
      const restored = restoreSession(panel, conversation('3'), limits);
      expect(restored.sessions.map((s) => s.id)).toEqual(['1', '2', '3']);
      expect(restored.focusedSessionId).toBe('1');
      expect(restoreSession(restored, conversation('2'), limits)).toBe(restored);
      const full = withSessions(...Array.from({ length: 10 }, (_, i) => String(i + 1)));
      expect(() => restoreSession(full, conversation('11'), limits)).toThrow(MaxSessionsReachedError);
    });

    it('allows MAX_SESSIONS sessions besides Home and refuses the next with the exact message', () => {
      const ids = Array.from({ length: 10 }, (_, i) => String(i + 1));
      const full = withSessions(...ids);
      expect(full.sessions).toHaveLength(10);
      expect(() => openSession(full, conversation('11'), limits)).toThrow(MaxSessionsReachedError);
      expect(() => openSession(full, conversation('11'), limits)).toThrow(
        'Maximum sessions reached. Close a session before opening another.',
      );
    });

    it('honours a configured maximum', () => {
      const panel = openSession(emptyAgentSessions(), conversation('1'), { maxSessions: 1, now: 0 });
      expect(() => openSession(panel, conversation('2'), { maxSessions: 1, now: 0 })).toThrow(
        MaxSessionsReachedError,
      );
    });

    it('accepts a new session once one is closed', () => {
      const full = withSessions(...Array.from({ length: 10 }, (_, i) => String(i + 1)));
      const panel = openSession(closeSession(full, '4'), conversation('11'), limits);
      expect(findSession(panel, '11')).toBeDefined();
    });

    it('starts a session with no unread, Neutral sentiment and an empty draft', () => {
      const session = findSession(withSessions('1'), '1');
      expect(session).toMatchObject({ unread: 0, sentiment: 'Neutral', readOnly: false, openedAt: 1_000 });
      expect(session?.draft).toEqual({ reply: '', caseFields: {} });
    });
  });

  describe('closing sessions', () => {
    it('returns focus to Home when the focused session closes', () => {
      const panel = closeSession(withSessions('1', '2'), '2');
      expect(panel.focusedSessionId).toBe(HOME_SESSION_ID);
      expect(panel.sessions.map((s) => s.id)).toEqual(['1']);
    });

    it('keeps focus where it is when another session closes', () => {
      expect(closeSession(withSessions('1', '2'), '1').focusedSessionId).toBe('2');
    });

    it('refuses an unknown session id', () => {
      expect(() => closeSession(withSessions('1'), 'nope')).toThrow(SessionNotFoundError);
    });
  });

  describe('unread count', () => {
    it('counts customer messages that arrive while the session is not focused', () => {
      let panel = withSessions('1', '2');
      for (let i = 0; i < 5; i += 1) panel = recordCustomerMessage(panel, '1', 'Neutral');
      expect(findSession(panel, '1')?.unread).toBe(5);
      const row = panelRows(panel, 'slightly-negative')[1];
      expect(row).toMatchObject({
        badge: '5',
        unreadText: 'Visitor 1. 5 new updates in your conversation.',
        tooltip: 'Visitor 1. 5 new updates in your conversation.',
      });
    });

    it('does not count messages in the focused session', () => {
      const panel = recordCustomerMessage(withSessions('1'), '1', 'Neutral');
      expect(findSession(panel, '1')?.unread).toBe(0);
      expect(panelRows(panel, 'off')[1]?.badge).toBeUndefined();
    });

    it('leaves the panel as it was for a message to the focused session with the same sentiment', () => {
      const panel = withSessions('1');
      expect(recordCustomerMessage(panel, '1', 'Neutral')).toBe(panel);
      const worse = recordCustomerMessage(panel, '1', 'Very negative');
      expect(worse).not.toBe(panel);
      expect(findSession(worse, '1')?.sentiment).toBe('Very negative');
    });

    it('shows 9+ from the tenth message', () => {
      let panel = withSessions('1', '2');
      for (let i = 0; i < 12; i += 1) panel = recordCustomerMessage(panel, '1', 'Neutral');
      expect(panelRows(panel, 'off')[1]).toMatchObject({
        badge: '9+',
        tooltip: 'Visitor 1. 12 new updates in your conversation.',
      });
    });

    it('clears when the session is focused', () => {
      let panel = withSessions('1', '2');
      panel = recordCustomerMessage(panel, '1', 'Neutral');
      panel = focusSession(panel, '1');
      expect(findSession(panel, '1')?.unread).toBe(0);
      expect(panel.focusedSessionId).toBe('1');
    });

    it('refuses a message for an unknown session', () => {
      expect(() => recordCustomerMessage(withSessions('1'), 'x', 'Neutral')).toThrow(SessionNotFoundError);
    });
  });

  describe('focus', () => {
    it('is one per agent: focusing a session unfocuses the others', () => {
      const rows = panelRows(focusSession(withSessions('1', '2'), '1'), 'off');
      expect(rows.filter((row) => row.focused).map((row) => row.id)).toEqual(['1']);
    });

    it('can return to Home', () => {
      expect(focusSession(withSessions('1'), HOME_SESSION_ID).focusedSessionId).toBe(HOME_SESSION_ID);
    });

    it('refuses an unknown session id', () => {
      expect(() => focusSession(withSessions('1'), 'nope')).toThrow(SessionNotFoundError);
    });
  });

  describe('sentiment alert on a row', () => {
    it('shows the alert and its tooltip at the threshold, taking precedence over unread', () => {
      let panel = withSessions('7', '8');
      panel = recordCustomerMessage(panel, '7', 'Slightly negative');
      const row = panelRows(panel, 'slightly-negative')[1];
      expect(row).toMatchObject({
        alert: true,
        alertText: 'Visitor 7. Urgent attention is needed in your conversation.',
        unreadText: 'Visitor 7. 1 new updates in your conversation.',
        tooltip: 'Visitor 7. Urgent attention is needed in your conversation.',
      });
    });

    it('stays off above the threshold and when the threshold is off', () => {
      const panel = recordCustomerMessage(withSessions('7', '8'), '7', 'Slightly negative');
      expect(panelRows(panel, 'negative')[1]?.alert).toBe(false);
      expect(panelRows(panel, 'off')[1]?.alertText).toBeUndefined();
    });

    it('shows on a focused session too, where the tooltip falls back to the title without unread', () => {
      const panel = recordCustomerMessage(withSessions('7'), '7', 'Very negative');
      expect(panelRows(panel, 'slightly-negative')[1]).toMatchObject({ alert: true, focused: true });
      expect(panelRows(panel, 'off')[1]?.tooltip).toBe('Visitor 7');
    });
  });

  describe('unsaved drafts', () => {
    it('are kept per session across switching', () => {
      let panel = withSessions('a', 'b');
      panel = saveDraft(panel, 'a', { reply: 'Let me check that for you' });
      panel = focusSession(panel, 'b');
      panel = saveDraft(panel, 'b', { reply: 'Hello B' });
      panel = focusSession(panel, HOME_SESSION_ID);
      panel = focusSession(panel, 'a');
      expect(findSession(panel, 'a')?.draft.reply).toBe('Let me check that for you');
      expect(findSession(panel, 'b')?.draft.reply).toBe('Hello B');
    });

    it('merge case-form fields and keep the reply when only fields change', () => {
      let panel = withSessions('case-1');
      panel = saveDraft(panel, 'case-1', { reply: 'hi', caseFields: { title: 'Printer' } });
      panel = saveDraft(panel, 'case-1', { caseFields: { priority: 'High' } });
      expect(findSession(panel, 'case-1')?.draft).toEqual({
        reply: 'hi',
        caseFields: { title: 'Printer', priority: 'High' },
      });
    });

    it('clear the reply once it is sent, keeping case fields', () => {
      let panel = saveDraft(withSessions('a'), 'a', { reply: 'x', caseFields: { title: 'T' } });
      panel = clearReplyDraft(panel, 'a');
      expect(findSession(panel, 'a')?.draft).toEqual({ reply: '', caseFields: { title: 'T' } });
    });

    it('cannot be saved for Home or an unknown session', () => {
      expect(() => saveDraft(withSessions('a'), HOME_SESSION_ID, { reply: 'x' })).toThrow(
        SessionNotFoundError,
      );
      expect(() => saveDraft(withSessions('a'), 'zz', { reply: 'x' })).toThrow(SessionNotFoundError);
    });
  });

  describe('panel mode', () => {
    it('is expanded by default and toggles between expanded and collapsed', () => {
      const panel = emptyAgentSessions();
      expect(panel.panelMode).toBe('expanded');
      expect(togglePanelMode(panel).panelMode).toBe('collapsed');
      expect(togglePanelMode(togglePanelMode(panel)).panelMode).toBe('expanded');
    });
  });

  describe('capacity', () => {
    it('is consumed by conversation sessions, not by read-only or record sessions', () => {
      let panel = withSessions('1', '2');
      panel = openSession(panel, { id: 'old', kind: 'conversation', title: 'Old', readOnly: true }, limits);
      panel = openSession(panel, { id: 'case', kind: 'case', title: 'Case' }, limits);
      expect(usedCapacityUnits(panel, 2)).toBe(4);
    });
  });

  describe('a read-only session (a Closed conversation opened for its history)', () => {
    it('says "Closed", shows no alert and no badge, and cannot be taken for the live one', () => {
      let panel = withSessions('live');
      panel = openSession(
        panel,
        {
          id: 'old',
          kind: 'conversation',
          title: 'Visitor live',
          readOnly: true,
          sentiment: 'Very negative',
        },
        limits,
      );
      const [, live, old] = panelRows(panel, 'slightly-negative');
      expect(old).toEqual({
        id: 'old',
        title: 'Visitor live',
        icon: 'Vi',
        kind: 'conversation',
        focused: true,
        closable: true,
        alert: false,
        tooltip: 'Visitor live. Closed conversation, read-only.',
        readOnly: true,
        statusText: 'Closed',
      });
      expect(live?.readOnly).toBeUndefined();
      expect(live?.statusText).toBeUndefined();
    });
  });

  it('never changes the panel it is given', () => {
    const panel = withSessions('1', '2');
    const snapshot = JSON.stringify(panel);
    recordCustomerMessage(panel, '1', 'Negative');
    saveDraft(panel, '1', { reply: 'x' });
    closeSession(panel, '1');
    togglePanelMode(panel);
    expect(JSON.stringify(panel)).toBe(snapshot);
  });
});

describe('a session’s tooltip with nothing urgent to say', () => {
  it('names the customer as they named themselves, beside the Visitor N title', () => {
    const panel = openSession(
      emptyAgentSessions(),
      { id: 'v3', kind: 'conversation', title: 'Visitor 3', nameGiven: 'Casey' },
      limits,
    );
    expect(panelRows(panel, 'slightly-negative')[1]?.tooltip).toBe('Visitor 3. Name given: Casey.');
    const unread = recordCustomerMessage(focusSession(panel, HOME_SESSION_ID), 'v3', 'Neutral');
    expect(panelRows(unread, 'slightly-negative')[1]?.tooltip).toBe(
      'Visitor 3. 1 new updates in your conversation.',
    );
  });
});

describe('a row’s unread count', () => {
  it('carries the exact number behind a "9+" badge', () => {
    let panel = focusSession(withSessions('1'), HOME_SESSION_ID);
    for (let n = 0; n < 12; n += 1) panel = recordCustomerMessage(panel, '1', 'Neutral');
    expect(panelRows(panel, 'off')[1]).toMatchObject({ badge: '9+', unread: 12 });
    expect(panelRows(withSessions('2'), 'off')[1]?.unread).toBeUndefined();
  });
});
