import { MemoryStorage } from 'botbuilder';
import type { AgentSendOptions, CustomerNotice, DeskContext, Notifier } from '../../src/app/desk-context';
import { Desk } from '../../src/app/desk';
import type { AgentView, KbArticleHit } from '../../src/app/views';
import { DEFAULT_WORKSTREAM } from '../../src/domain/workstream';
import type { WorkstreamSettings } from '../../src/domain/workstream';
import { createVaderScorer } from '../../src/sentiment/vader-scorer';
import { StateStore } from '../../src/store/state-store';
import { silentLogger } from '../../src/app/ports';
import { inMemoryDeskTables, workItemWithTranscript, type DeskTables } from '../support/desk-tables';
import { FakeClock } from '../support/fake-clock';

export interface Sent {
  readonly to: string;
  readonly view?: AgentView;
  readonly text?: string;
  /** What a customer message is (queued, joined, ended, rate-limited, agent-message). */
  readonly notice?: CustomerNotice;
  readonly slot?: string;
  /** The revision of the document a slotted view was rendered from. */
  readonly version?: number;
}

/** Records every message instead of delivering it. */
export class RecordingNotifier implements Notifier {
  readonly sent: Sent[] = [];

  async toCustomer(customerId: string, text: string, notice?: CustomerNotice): Promise<void> {
    this.sent.push({ to: customerId, text, ...(notice ? { notice } : {}) });
  }

  async toAgent(agentId: string, view: AgentView, options?: AgentSendOptions): Promise<void> {
    this.sent.push({
      to: agentId,
      view,
      ...(options?.slot ? { slot: options.slot } : {}),
      ...(options?.version !== undefined ? { version: options.version } : {}),
    });
  }

  textsTo(customerId: string): string[] {
    return this.sent.filter((s) => s.to === customerId && s.text !== undefined).map((s) => s.text as string);
  }

  viewsTo<K extends AgentView['kind']>(agentId: string, kind: K): Extract<AgentView, { kind: K }>[] {
    return this.sent
      .filter((s) => s.to === agentId && s.view?.kind === kind)
      .map((s) => s.view as Extract<AgentView, { kind: K }>);
  }

  lastPanel(agentId: string) {
    return this.viewsTo(agentId, 'panel').at(-1);
  }

  clear(): void {
    this.sent.length = 0;
  }
}

export function createDesk(
  options: {
    agents?: string[];
    workstream?: Partial<WorkstreamSettings>;
    maxTextChars?: number;
    rateLimitPerMinute?: number;
    store?: StateStore;
    /** The desk's repositories; a fresh SQLite database in memory when not given. */
    tables?: DeskTables;
    unreachable?: string[];
    agentNames?: Record<string, string>;
  } = {},
) {
  const clock = new FakeClock(Date.UTC(2026, 10, 24, 9, 0, 0));
  const notifier = new RecordingNotifier();
  const store =
    options.store ?? new StateStore({ storage: new MemoryStorage(), delay: async () => undefined });
  const tables = options.tables ?? inMemoryDeskTables();
  let n = 0;
  const kbHits: KbArticleHit[] = [
    { id: 'reset-password', title: 'Reset your password', snippet: 'Go to Sign in…' },
  ];
  const ctx: DeskContext = {
    store,
    workItems: tables.workItems,
    messages: tables.messages,
    queue: tables.queue,
    agentRecords: tables.agentRecords,
    customers: tables.customers,
    contacts: tables.contacts,
    visitorNumbers: tables.visitorNumbers,
    notifier,
    clock,
    ids: { next: () => `id-${(n += 1)}` },
    scorer: createVaderScorer(),
    kb: { search: (query) => (query.trim() ? kbHits : []) },
    logger: silentLogger,
    settings: {
      workstream: { ...DEFAULT_WORKSTREAM, agentCapacityUnits: 10, ...options.workstream },
      maxTextChars: options.maxTextChars ?? 4000,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
      agentNames: new Map(Object.entries(options.agentNames ?? {})),
    },
    agents: async () => options.agents ?? ['alice', 'bob'],
    canReach: async (agentId) => !(options.unreachable ?? []).includes(agentId),
  };
  /** A work item as stored, with its whole transcript. */
  const workItem = (workItemId: string) => workItemWithTranscript(tables, workItemId);
  return { desk: new Desk(ctx), ctx, clock, notifier, store, tables, workItem };
}
