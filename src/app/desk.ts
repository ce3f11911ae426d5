import * as actions from './agent-actions';
import { customerLeft, recordDelivery, type SendOutcome } from './deliveries';
import { agentStatus, ensureAgent, type AgentStatus } from './agents';
import { KeyedQueue } from './keyed-queue';
import { receiveCustomerMessage } from './customers';
import type { CustomerMessage, CustomerMessageOutcome } from './customers';
import type { DeskContext } from './desk-context';
import type { Offer } from '../domain/routing';
import { REPAIR_INTERVAL_MS, repairSessions, type RepairOutcome } from './repair';
import { accept, reject, sweepOffers } from './routing';
import type { AgentView, KbArticleView, SessionDetailView, TranscriptPage, WorkspaceView } from './views';
import { earlierMessages, sessionDetail, workspace } from './workspace';

export interface OfferAnswer {
  readonly agentId: string;
  readonly workItemId: string;
  readonly offerId: string;
}

/** The use cases the edge (chat, tab, sweeper) calls; each takes plain data and returns a view. */
export class Desk {
  /**
   * One customer's messages are handled one at a time, in the order the server accepted them, so the
   * transcript and the relayed cards keep that order; different customers run concurrently.
   */
  private readonly customerTurns = new KeyedQueue();

  /** When this instance last checked sessions and the dashboard against the work items (never: -Infinity). */
  private lastRepairAt = -Infinity;

  constructor(private readonly ctx: DeskContext) {}

  /**
   * How a send to a customer ended (the outbox tells): delivery states, and customers who have left. Not queued
   * behind the customer's turns: a turn may itself be waiting for this send, and each write is compare-and-swap.
   */
  recordDelivery(customerId: string, deliveryId: string, outcome: SendOutcome): Promise<void> {
    return recordDelivery(this.ctx, customerId, deliveryId, outcome);
  }

  /** The customer's channel ended their conversation: they have left. */
  customerLeft(customerId: string): Promise<void> {
    return this.customerTurns.run(customerId, () => customerLeft(this.ctx, customerId));
  }

  customerMessage(message: CustomerMessage): Promise<CustomerMessageOutcome> {
    return this.customerTurns.run(message.customerId, () => receiveCustomerMessage(this.ctx, message));
  }

  accept(answer: OfferAnswer): Promise<AgentView> {
    return accept(this.ctx, answer);
  }

  reject(answer: OfferAnswer): Promise<AgentView> {
    return reject(this.ctx, answer);
  }

  /**
   * One sweeper pass: claims a crash left half-way are finished, missed offers go to the next agent, and once
   * every REPAIR_INTERVAL_MS the agents' sessions and the dashboard are checked against the work items.
   */
  async sweep(): Promise<{ missed: Offer[]; offered: Offer[]; repaired?: RepairOutcome }> {
    const swept = await sweepOffers(this.ctx);
    const now = this.ctx.clock.now();
    if (now - this.lastRepairAt < REPAIR_INTERVAL_MS) return swept;
    this.lastRepairAt = now;
    return { ...swept, repaired: await repairSessions(this.ctx) };
  }

  /** Records the agent (Available on first contact) and keeps their display name current, sending nothing. */
  async rememberAgent(agentId: string, name?: string): Promise<void> {
    await ensureAgent(this.ctx, agentId, name);
  }

  /** The agent's name and focused session, or undefined before their first contact; changes nothing. */
  agentStatus(agentId: string): Promise<AgentStatus | undefined> {
    return agentStatus(this.ctx, agentId);
  }

  showPanel(agentId: string, name?: string): Promise<AgentView> {
    return actions.showPanel(this.ctx, agentId, name);
  }

  showDashboard(agentId: string): Promise<AgentView> {
    return actions.showDashboard(this.ctx, agentId);
  }

  agentText(agentId: string, text: string, name?: string): Promise<AgentView> {
    return actions.agentText(this.ctx, agentId, text, name);
  }

  focus(agentId: string, sessionId: string): Promise<AgentView> {
    return actions.focus(this.ctx, agentId, sessionId);
  }

  togglePanel(agentId: string): Promise<AgentView> {
    return actions.togglePanel(this.ctx, agentId);
  }

  setPresence(agentId: string, status: unknown): Promise<AgentView> {
    return actions.setPresence(this.ctx, agentId, status);
  }

  requestClose(agentId: string, sessionId: string): Promise<AgentView> {
    return actions.requestClose(this.ctx, agentId, sessionId);
  }

  confirmClose(agentId: string, sessionId: string): Promise<AgentView> {
    return actions.confirmClose(this.ctx, agentId, sessionId);
  }

  cancelClose(agentId: string): Promise<AgentView> {
    return actions.cancelClose(this.ctx, agentId);
  }

  end(agentId: string, sessionId: string): Promise<AgentView> {
    return actions.end(this.ctx, agentId, sessionId);
  }

  reply(agentId: string, sessionId: string, text: unknown): Promise<AgentView> {
    return actions.reply(this.ctx, agentId, sessionId, text);
  }

  pick(agentId: string, workItemId: string): Promise<AgentView> {
    return actions.pick(this.ctx, agentId, workItemId);
  }

  open(agentId: string, workItemId: string): Promise<AgentView> {
    return actions.open(this.ctx, agentId, workItemId);
  }

  saveDraft(
    agentId: string,
    sessionId: string,
    change: { reply?: string; caseFields?: Readonly<Record<string, string>> },
  ): Promise<AgentView> {
    return actions.saveReplyDraft(this.ctx, agentId, sessionId, change);
  }

  searchKb(agentId: string, sessionId: string, query: unknown): Promise<AgentView> {
    return actions.searchKb(this.ctx, agentId, sessionId, query);
  }

  /** Opens (or focuses) a case session on a work item; it uses no capacity. */
  saveCase(agentId: string, sessionId: string): Promise<AgentView> {
    return actions.saveCase(this.ctx, agentId, sessionId);
  }

  openCase(agentId: string, workItemId: string): Promise<AgentView> {
    return actions.openCase(this.ctx, agentId, workItemId);
  }

  /** The agent's panel, dashboard and pending offers (the workspace tab); creates the agent on first contact. */
  workspace(agentId: string, name?: string): Promise<WorkspaceView> {
    return workspace(this.ctx, agentId, name);
  }

  /** One of the agent's own sessions in full; undefined for a session that is not theirs. */
  /** A knowledge-base article in full, for the agent to read or insert into a reply; undefined when unknown. */
  kbArticle(articleId: string): KbArticleView | undefined {
    const article = this.ctx.kb.article?.(articleId);
    return article ? { kind: 'kb-article', ...article } : undefined;
  }

  sessionDetail(agentId: string, sessionId: string): Promise<SessionDetailView | undefined> {
    return sessionDetail(this.ctx, agentId, sessionId);
  }

  earlierMessages(agentId: string, sessionId: string, before: number): Promise<TranscriptPage | undefined> {
    return earlierMessages(this.ctx, agentId, sessionId, before);
  }
}
