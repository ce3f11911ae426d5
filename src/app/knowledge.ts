import type { DeskPorts } from './desk-context';
import { ensureAgent, type EnsureAgentPorts } from './agents';
import { guarded, requireSession } from './action-guards';
import type { WorkItemDocument } from './documents';
import type { AgentView, KbArticleView } from './views';

/** KB results a search card lists. */
const KB_RESULTS = 5;

/** Opens the KB search for a session, seeded with the customer's first message. */
export async function showKb(
  deps: Pick<DeskPorts, 'messages' | 'kb' | 'notifier'>,
  agentId: string,
  doc: WorkItemDocument,
  query?: string,
): Promise<void> {
  const seed = query ?? (await deps.messages.firstFromCustomer(doc.item.id))?.text ?? '';
  const results = deps.kb.search(seed, KB_RESULTS);
  await deps.notifier.toAgent(agentId, { kind: 'kb-search', sessionId: doc.item.id, query: seed, results });
}

/** The agent searches the KB from one of their sessions; the answer is the results card. */
export function searchKb(
  deps: EnsureAgentPorts & Pick<DeskPorts, 'kb' | 'logger'>,
  agentId: string,
  sessionId: string,
  query: unknown,
): Promise<AgentView> {
  return guarded(deps, { agentId, sessionId, action: 'kbSearch' }, async () => {
    const agent = await ensureAgent(deps, agentId);
    requireSession(agent, sessionId);
    const text = typeof query === 'string' ? query.slice(0, 500) : '';
    return { kind: 'kb-search', sessionId, query: text, results: deps.kb.search(text, KB_RESULTS) };
  });
}

/** A knowledge-base article in full, for the agent to read or insert into a reply; undefined when unknown. */
export function kbArticle(deps: Pick<DeskPorts, 'kb'>, articleId: string): KbArticleView | undefined {
  const article = deps.kb.article?.(articleId);
  return article ? { kind: 'kb-article', ...article } : undefined;
}
