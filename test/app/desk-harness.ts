import type {
  AgentCardTarget,
  AgentSendOptions,
  CustomerNotice,
  DeskPorts,
  Notifier,
} from '../../src/app/desk-context';
import { KeyedQueue } from '../../src/app/keyed-queue';
import { deskSweep } from '../../src/app/sweep';
import type { AgentView, KbArticleHit } from '../../src/app/views';
import { DEFAULT_WORKSTREAM } from '../../src/domain/workstream';
import type { WorkstreamSettings } from '../../src/domain/workstream';
import { createVaderScorer } from '../../src/sentiment/vader-scorer';
import { silentLogger } from '../../src/app/ports';
import { inMemoryDeskTables, workItemWithTranscript, type DeskTables } from '../support/desk-tables';
import { FakeClock } from '../support/fake-clock';

export interface Sent {
  readonly to: string;
  readonly view?: AgentView;
  readonly text?: string;
  /** What a customer message is (queued, joined, ended, rate-limited, agent-message). */
  readonly notice?: CustomerNotice;
  /** The card a view updates in place (the panel, an offer's card). */
  readonly target?: AgentCardTarget;
  /** The revision of the row a targeted view was rendered from. */
  readonly version?: number;
}

/** Records every message instead of delivering it. */
export class RecordingNotifier implements Notifier {
  readonly sent: Sent[] = [];

  toCustomer(customerId: string, text: string, notice?: CustomerNotice): Promise<void> {
    this.sent.push({ to: customerId, text, ...(notice ? { notice } : {}) });
    return Promise.resolve();
  }

  toAgent(agentId: string, view: AgentView, options?: AgentSendOptions): Promise<void> {
    this.sent.push({
      to: agentId,
      view,
      ...(options?.target ? { target: options.target } : {}),
      ...(options?.version !== undefined ? { version: options.version } : {}),
    });
    return Promise.resolve();
  }

  textsTo(customerId: string): string[] {
    return this.sent.filter((s) => s.to === customerId && s.text !== undefined).map((s) => s.text as string);
  }

  viewsTo<K extends AgentView['kind']>(agentId: string, kind: K): Extract<AgentView, { kind: K }>[] {
    return this.sent
      .filter((s) => s.to === agentId && s.view?.kind === kind)
      .map((s) => s.view as Extract<AgentView, { kind: K }>);
  }

  /** What was sent to update the card of one offer in place. */
  toOfferCard(offerId: string): Sent[] {
    return this.sent.filter((s) => s.target?.kind === 'offer' && s.target.offerId === offerId);
  }

  lastPanel(agentId: string) {
    return this.viewsTo(agentId, 'panel').at(-1);
  }

  clear(): void {
    this.sent.length = 0;
  }
}

/**
 * The desk's ports on a fresh SQLite database in memory (or the given tables), with a fake clock and a recording
 * notifier; `sweep` is one sweeper's passes over them.
 */
export function createDesk(
  options: {
    agents?: string[];
    workstream?: Partial<WorkstreamSettings>;
    maxTextChars?: number;
    rateLimitPerMinute?: number;
    /** The desk's repositories; a fresh SQLite database in memory when not given. */
    tables?: DeskTables;
    unreachable?: string[];
    agentNames?: Record<string, string>;
  } = {},
) {
  const clock = new FakeClock(Date.UTC(2026, 10, 24, 9, 0, 0));
  const notifier = new RecordingNotifier();
  const tables = options.tables ?? inMemoryDeskTables();
  let n = 0;
  const kbHits: KbArticleHit[] = [
    { id: 'reset-password', title: 'Reset your password', snippet: 'Go to Sign in…' },
  ];
  const ports: DeskPorts = {
    workItems: tables.workItems,
    messages: tables.messages,
    queue: tables.queue,
    agentRecords: tables.agentRecords,
    unitOfWork: tables.unitOfWork,
    customers: tables.customers,
    contacts: tables.contacts,
    visitorNumbers: tables.visitorNumbers,
    quickReplies: tables.quickReplies,
    notes: tables.notes,
    consults: tables.consults,
    positionNotices: tables.positionNotices,
    awayMarks: tables.awayMarks,
    surveys: tables.surveys,
    hasOpenTab: () => Promise.resolve(false),
    notifier,
    clock,
    ids: { next: () => `id-${(n += 1)}` },
    scorer: createVaderScorer(),
    kb: { search: (query) => (query.trim() ? kbHits : []) },
    logger: silentLogger,
    settings: {
      // A resumed conversation goes to whoever is free at once here: KEEP_AGENT_S is pinned in test/http/keep-agent.spec.ts.
      workstream: { ...DEFAULT_WORKSTREAM, agentCapacityUnits: 10, keepAgentMs: 0, ...options.workstream },
      maxTextChars: options.maxTextChars ?? 4000,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
      agentNames: new Map(Object.entries(options.agentNames ?? {})),
    },
    agents: () => Promise.resolve(options.agents ?? ['alice', 'bob']),
    canReach: (agentId) => Promise.resolve(!(options.unreachable ?? []).includes(agentId)),
    customerTurns: new KeyedQueue(),
  };
  /** A work item as stored, with its whole transcript. */
  const workItem = (workItemId: string) => workItemWithTranscript(tables, workItemId);
  return { ports, sweep: deskSweep(ports), clock, notifier, tables, workItem };
}
