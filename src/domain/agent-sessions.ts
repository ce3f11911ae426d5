import { HomeSessionNotClosableError, MaxSessionsReachedError, SessionNotFoundError } from './errors';
import { isSentimentAlert, sentimentAlertTooltip } from './sentiment';
import type { SentimentLevel, SentimentThreshold } from './sentiment';
import type { ConsultRole } from './consult';
import { supervisingRow, type SupervisingRole } from './supervising';
import { sessionIcon } from './session-icon';
import { unreadBadge, unreadTooltip } from './unread';
import type { WorkstreamSettings } from './workstream';

export const HOME_SESSION_ID = 'home';
export const HOME_TITLE = 'Home';

/** A conversation session is the agent's tab on a work item; case and contact sessions open a record. */
export type SessionKind = 'conversation' | 'case' | 'contact';
export type PanelMode = 'expanded' | 'collapsed';

/** Unsaved work kept per session so switching loses nothing. */
export interface Draft {
  readonly reply: string;
  readonly caseFields: Readonly<Record<string, string>>;
}

export interface Session {
  /** A conversation session's id is its work item's id. */
  readonly id: string;
  readonly kind: SessionKind;
  readonly title: string;
  readonly openedAt: number;
  readonly unread: number;
  readonly sentiment: SentimentLevel;
  /** A Closed work item opened for its history: no reply, no capacity. */
  readonly readOnly: boolean;
  readonly draft: Draft;
  /** The name the customer gave themselves, shown in the tooltip beside the "Visitor N" title. */
  readonly nameGiven?: string;
  /** The display name of the agent a transfer of this conversation is offered to, until they answer. */
  readonly transferPendingTo?: string;
  /**
   * When the conversation was ended and wrap-up began. A wrap-up session takes no reply; it holds capacity while
   * it is not read-only (WRAP_UP_HOLD_S), and leaves the panel at Finish.
   */
  readonly wrapUpSince?: number;
  /**
   * A colleague's conversation this agent consults on: always read-only (no capacity); 'added' once its agent
   * added them to the conversation, when their replies reach the customer.
   */
  readonly consult?: ConsultRole;
  /** A supervisor's look at another agent's conversation: always read-only (no capacity); see supervising.ts. */
  readonly supervising?: SupervisingRole;
}

/** The agent's session panel: Home is implicit and always first; `sessions` are the others, in opening order. */
export interface AgentSessions {
  readonly sessions: readonly Session[];
  readonly focusedSessionId: string;
  readonly panelMode: PanelMode;
}

export interface OpenSessionRequest {
  readonly id: string;
  readonly kind: SessionKind;
  readonly title: string;
  readonly readOnly?: boolean;
  readonly sentiment?: SentimentLevel;
  readonly nameGiven?: string;
  readonly consult?: ConsultRole;
  readonly supervising?: SupervisingRole;
}

export interface PanelRow {
  readonly id: string;
  readonly title: string;
  readonly icon: string;
  readonly kind: SessionKind | 'home';
  readonly focused: boolean;
  readonly closable: boolean;
  readonly badge?: string;
  /** The exact unread count behind the badge (which stops at "9+"); absent when none. */
  readonly unread?: number;
  readonly alert: boolean;
  readonly unreadText?: string;
  readonly alertText?: string;
  /** The alert text if the alert is on, else the unread text, else the title. */
  readonly tooltip: string;
  /** A Closed conversation opened for its history: no reply, no alert, and it says so. */
  readonly readOnly?: true;
  /** A word on the row's state, shown beside the title ("Closed" for a read-only session). */
  readonly statusText?: string;
}

/** What a read-only row says, so it cannot be taken for the live conversation of the same customer. */
export const READ_ONLY_STATUS = 'Closed';

/** What a row says while a transfer of its conversation waits for the colleague's answer. */
export const TRANSFER_PENDING_STATUS = 'Transfer pending';

/** What a row says while the agent consults on a colleague's conversation. */
export const CONSULT_STATUS = 'Consult';

/** What a row says while its conversation is being wrapped up. */
export const WRAP_UP_STATUS = 'Wrap-up';

export const EMPTY_DRAFT: Draft = { reply: '', caseFields: {} };

export function emptyAgentSessions(): AgentSessions {
  return { sessions: [], focusedSessionId: HOME_SESSION_ID, panelMode: 'expanded' };
}

export function findSession(panel: AgentSessions, sessionId: string): Session | undefined {
  return panel.sessions.find((session) => session.id === sessionId);
}

function requireSession(panel: AgentSessions, sessionId: string): Session {
  const session = findSession(panel, sessionId);
  if (!session) throw new SessionNotFoundError(sessionId);
  return session;
}

function replaceSession(panel: AgentSessions, updated: Session): AgentSessions {
  return {
    ...panel,
    sessions: panel.sessions.map((session) => (session.id === updated.id ? updated : session)),
  };
}

/** Opens and focuses a session; opening one that is already open just focuses it. */
export function openSession(
  panel: AgentSessions,
  request: OpenSessionRequest,
  limits: { maxSessions: number; now: number },
): AgentSessions {
  if (request.id === HOME_SESSION_ID) return focusSession(panel, HOME_SESSION_ID);
  if (findSession(panel, request.id)) return focusSession(panel, request.id);
  if (panel.sessions.length >= limits.maxSessions) throw new MaxSessionsReachedError();
  const session: Session = {
    id: request.id,
    kind: request.kind,
    title: request.title,
    openedAt: limits.now,
    unread: 0,
    sentiment: request.sentiment ?? 'Neutral',
    readOnly: request.readOnly ?? false,
    draft: EMPTY_DRAFT,
    ...(request.nameGiven ? { nameGiven: request.nameGiven } : {}),
    ...(request.consult ? { consult: request.consult } : {}),
    ...(request.supervising ? { supervising: request.supervising } : {}),
  };
  return { ...panel, sessions: [...panel.sessions, session], focusedSessionId: session.id };
}

/**
 * Puts back a session the agent's list lost (a crash between writing the work item and the agent):
 * like openSession, but the agent's focus stays where it is; a session already there is left as it is.
 */
export function restoreSession(
  panel: AgentSessions,
  request: OpenSessionRequest,
  limits: { maxSessions: number; now: number },
): AgentSessions {
  if (findSession(panel, request.id)) return panel;
  return { ...openSession(panel, request, limits), focusedSessionId: panel.focusedSessionId };
}

/** A supervisor's look at a conversation gives way when it becomes theirs to work on (an accept, a transfer). */
export function dropSupervising(panel: AgentSessions, sessionId: string): AgentSessions {
  return findSession(panel, sessionId)?.supervising !== undefined ? closeSession(panel, sessionId) : panel;
}

/** Home can never be closed; closing the focused session returns focus to Home. */
export function closeSession(panel: AgentSessions, sessionId: string): AgentSessions {
  if (sessionId === HOME_SESSION_ID) throw new HomeSessionNotClosableError();
  requireSession(panel, sessionId);
  return {
    ...panel,
    sessions: panel.sessions.filter((session) => session.id !== sessionId),
    focusedSessionId: panel.focusedSessionId === sessionId ? HOME_SESSION_ID : panel.focusedSessionId,
  };
}

/** Focusing a session clears its unread count. */
export function focusSession(panel: AgentSessions, sessionId: string): AgentSessions {
  if (sessionId === HOME_SESSION_ID) return { ...panel, focusedSessionId: HOME_SESSION_ID };
  const session = requireSession(panel, sessionId);
  return { ...replaceSession(panel, { ...session, unread: 0 }), focusedSessionId: sessionId };
}

/** A customer message counts as unread only while its session is not focused. */
export function recordCustomerMessage(
  panel: AgentSessions,
  sessionId: string,
  sentiment: SentimentLevel,
): AgentSessions {
  const session = requireSession(panel, sessionId);
  const unread = panel.focusedSessionId === sessionId ? 0 : session.unread + 1;
  // The session the agent has open, its sentiment as it was: the panel shows nothing new.
  if (unread === session.unread && sentiment === session.sentiment) return panel;
  return replaceSession(panel, { ...session, unread, sentiment });
}

/** Keeps the unsaved reply and case-form fields of a session; fields given replace, others stay. */
export function saveDraft(
  panel: AgentSessions,
  sessionId: string,
  change: { reply?: string; caseFields?: Readonly<Record<string, string>> },
): AgentSessions {
  const session = requireSession(panel, sessionId);
  const draft: Draft = {
    reply: change.reply ?? session.draft.reply,
    caseFields: change.caseFields
      ? { ...session.draft.caseFields, ...change.caseFields }
      : session.draft.caseFields,
  };
  return replaceSession(panel, { ...session, draft });
}

/** A session's title changes (a saved case takes its title); nothing else about it does. */
export function retitleSession(panel: AgentSessions, sessionId: string, title: string): AgentSessions {
  const session = requireSession(panel, sessionId);
  return session.title === title ? panel : replaceSession(panel, { ...session, title });
}

/** End: the conversation's session stays for its wrap-up, holding capacity only if `holdsCapacity`. */
export function startWrapUp(
  panel: AgentSessions,
  sessionId: string,
  now: number,
  holdsCapacity: boolean,
): AgentSessions {
  const session = requireSession(panel, sessionId);
  const { transferPendingTo: _pending, ...rest } = session;
  return replaceSession(panel, {
    ...rest,
    wrapUpSince: now,
    unread: 0,
    readOnly: !holdsCapacity,
    draft: EMPTY_DRAFT,
  });
}

/** The wrap-up's hold is over: the session stays, no longer counted against capacity. */
export function releaseWrapUpHold(panel: AgentSessions, sessionId: string): AgentSessions {
  const session = findSession(panel, sessionId);
  if (!session || session.wrapUpSince === undefined || session.readOnly) return panel;
  return replaceSession(panel, { ...session, readOnly: true });
}

/** A consult session's role changes (added to the conversation); any other session is left as it is. */
export function setConsultRole(panel: AgentSessions, sessionId: string, role: ConsultRole): AgentSessions {
  const session = findSession(panel, sessionId);
  if (!session?.consult || session.consult === role) return panel;
  return replaceSession(panel, { ...session, consult: role });
}

/** Marks a conversation "Transfer pending" (to `toName`), or clears the mark with undefined. */
export function markTransferPending(
  panel: AgentSessions,
  sessionId: string,
  toName: string | undefined,
): AgentSessions {
  const session = requireSession(panel, sessionId);
  if (session.transferPendingTo === toName) return panel;
  const { transferPendingTo: _was, ...rest } = session;
  return replaceSession(panel, toName === undefined ? rest : { ...rest, transferPendingTo: toName });
}

export function clearReplyDraft(panel: AgentSessions, sessionId: string): AgentSessions {
  return saveDraft(panel, sessionId, { reply: '' });
}

export function togglePanelMode(panel: AgentSessions): AgentSessions {
  return { ...panel, panelMode: panel.panelMode === 'expanded' ? 'collapsed' : 'expanded' };
}

/** Active conversations consume capacity; read-only and record sessions do not. */
export function usedCapacityUnits(panel: AgentSessions, unitsPerConversation: number): number {
  return (
    panel.sessions.filter((session) => session.kind === 'conversation' && !session.readOnly).length *
    unitsPerConversation
  );
}

/** Whether one more Active conversation fits the agent's capacity. */
export function hasRoomFor(
  panel: AgentSessions,
  workstream: Pick<WorkstreamSettings, 'capacityUnitsPerConversation' | 'agentCapacityUnits'>,
): boolean {
  const units = workstream.capacityUnitsPerConversation;
  return usedCapacityUnits(panel, units) + units <= workstream.agentCapacityUnits;
}

/** The panel as the agent sees it: Home first and anchored, then each session with icon, badge and alert. */
export function panelRows(panel: AgentSessions, threshold: SentimentThreshold): PanelRow[] {
  const home: PanelRow = {
    id: HOME_SESSION_ID,
    title: HOME_TITLE,
    icon: sessionIcon(HOME_TITLE),
    kind: 'home',
    focused: panel.focusedSessionId === HOME_SESSION_ID,
    closable: false,
    alert: false,
    tooltip: HOME_TITLE,
  };
  return [home, ...panel.sessions.map((session) => sessionRow(session, panel.focusedSessionId, threshold))];
}

/** With nothing urgent to say, the tooltip says who the customer is: the title, and a name they gave. */
function titleTooltip(session: Session): string {
  const title = session.nameGiven ? `${session.title}. Name given: ${session.nameGiven}.` : session.title;
  return session.transferPendingTo === undefined
    ? title
    : `${title}${session.nameGiven ? '' : '.'} Transfer to ${session.transferPendingTo} pending.`;
}

function sessionRow(session: Session, focusedSessionId: string, threshold: SentimentThreshold): PanelRow {
  const base = {
    id: session.id,
    title: session.title,
    icon: sessionIcon(session.title),
    kind: session.kind,
    focused: session.id === focusedSessionId,
    closable: true,
  };
  // Ended, being wrapped up: it needs an outcome, not a reply, so no badge and no alert.
  if (session.wrapUpSince !== undefined) {
    return {
      ...base,
      alert: false,
      tooltip: `${session.title}. Wrap-up: choose an outcome and Finish.`,
      statusText: WRAP_UP_STATUS,
    };
  }
  // A colleague's conversation, followed live: the customer's new messages are counted (a badge), but the
  // sentiment is the agent's to act on, so no alert.
  if (session.consult !== undefined) {
    const badge = unreadBadge(session.unread);
    const unreadText = badge ? unreadTooltip(session.title, session.unread) : undefined;
    return {
      ...base,
      alert: false,
      tooltip:
        unreadText ??
        (session.consult === 'added'
          ? `${session.title}. Consult: you were added to the conversation and can write to the customer.`
          : `${session.title}. Consult: read-only; write to the agent in the consult thread.`),
      ...(badge && unreadText ? { badge, unread: session.unread, unreadText } : {}),
      readOnly: true,
      statusText: CONSULT_STATUS,
    };
  }
  if (session.supervising !== undefined) return supervisingRow(session, base);
  // A history view: nothing in it needs the agent, so no badge and no alert, only what it is.
  if (session.readOnly) {
    return {
      ...base,
      alert: false,
      tooltip: `${session.title}. ${READ_ONLY_STATUS} conversation, read-only.`,
      readOnly: true,
      statusText: READ_ONLY_STATUS,
    };
  }
  const alert = isSentimentAlert(session.sentiment, threshold);
  const badge = unreadBadge(session.unread);
  const transfer = session.transferPendingTo;
  const unreadText = badge ? unreadTooltip(session.title, session.unread) : undefined;
  const alertText = alert ? sentimentAlertTooltip(session.title) : undefined;
  return {
    ...base,
    alert,
    tooltip: alertText ?? unreadText ?? titleTooltip(session),
    ...(badge ? { badge, unread: session.unread } : {}),
    ...(unreadText ? { unreadText } : {}),
    ...(alertText ? { alertText } : {}),
    ...(transfer !== undefined ? { statusText: TRANSFER_PENDING_STATUS } : {}),
  };
}
