import type { Kysely, Migration } from 'kysely';
import type { AgentDocument, CustomerDocument } from '../../../app/documents';
import { EMPTY_DRAFT, emptyAgentSessions, type Session } from '../../../domain/agent-sessions';
import { agentColumns, sessionColumns } from '../agent-rows';
import { customerColumns } from '../customer-rows';
import type { Database } from '../schema';

/** Rows per statement: well under SQLite's limit of bound parameters. */
const BATCH = 200;

/** What 0.1 wrote may lack fields later versions added; each gets the value the desk assumed when it was absent. */
type Partial01<T> = { readonly [K in keyof T]?: T[K] | undefined };

interface DocumentRow {
  readonly key: string;
  readonly body: string;
}

function agentOf01(agentKey: string, body: Partial01<AgentDocument>): AgentDocument {
  const panel = { ...emptyAgentSessions(), ...body.panel };
  const sessions = (panel.sessions as readonly Partial01<Session>[]).map((session): Session => ({
    id: session.id ?? '',
    kind: session.kind ?? 'conversation',
    title: session.title ?? '',
    openedAt: session.openedAt ?? 0,
    unread: session.unread ?? 0,
    sentiment: session.sentiment ?? 'Neutral',
    readOnly: session.readOnly ?? false,
    draft: { ...EMPTY_DRAFT, ...session.draft },
    ...(session.nameGiven ? { nameGiven: session.nameGiven } : {}),
  }));
  return {
    id: agentKey,
    name: body.name || agentKey,
    presence: body.presence ?? 'available',
    panel: { ...panel, sessions: sessions.filter((session) => session.id !== '') },
    firstSeenAt: body.firstSeenAt ?? 0,
    ...(body.lastOfferedAt !== undefined ? { lastOfferedAt: body.lastOfferedAt } : {}),
  };
}

async function moveAgent(db: Kysely<Database>, { key, body }: DocumentRow): Promise<void> {
  const agentKey = key.slice('agent/'.length);
  const parsed = JSON.parse(body) as Partial01<AgentDocument>;
  const agent = agentOf01(agentKey, parsed);
  // The revision goes on from where it was, so a panel card already sent is never taken for a newer one.
  await db
    .insertInto('agents')
    .values({ agent_key: agentKey, ...agentColumns(agent), revision: parsed.revision ?? 0 })
    .execute();
  const rows = agent.panel.sessions.map((session, index) => {
    // The columns the table had at 0006: 0016's transfer mark, 0017's wrap-up, 0018's consult and 0027's
    // supervising are left to them.
    const {
      transfer_pending_to: _pending,
      wrap_up_since: _wrapUp,
      consult: _consult,
      supervising: _supervising,
      ...columns
    } = sessionColumns(session, index + 1);
    return { agent_key: agentKey, session_id: session.id, ...columns };
  });
  if (rows.length > 0) await db.insertInto('agent_sessions').values(rows).execute();
}

/** A customer document as 0.1 wrote it, or undefined for another document under `customer/` (a pre-chat state). */
function customerOf01(key: string, body: string): CustomerDocument | undefined {
  const parsed = JSON.parse(body) as Partial01<CustomerDocument>;
  if (typeof parsed.channelId !== 'string' || typeof parsed.rateWindow?.startedAt !== 'number')
    return undefined;
  return {
    id: key.slice('customer/'.length),
    channelId: parsed.channelId,
    identity: parsed.identity ?? {},
    ...(parsed.latestWorkItemId ? { latestWorkItemId: parsed.latestWorkItemId } : {}),
    rateWindow: parsed.rateWindow,
  };
}

async function moveCustomers(db: Kysely<Database>, documents: readonly DocumentRow[]): Promise<string[]> {
  const moved: string[] = [];
  const numbered = new Set<number>();
  for (const { key, body } of documents) {
    const customer = customerOf01(key, body);
    if (!customer) continue;
    const columns = customerColumns(customer);
    // Visitor numbers are unique; one given twice (never by 0.1's counter) is dropped rather than fail the move.
    if (columns.visitor_number !== null && numbered.has(columns.visitor_number))
      columns.visitor_number = null;
    if (columns.visitor_number !== null) numbered.add(columns.visitor_number);
    await db
      .insertInto('customers')
      .values({ id: customer.id, ...columns })
      .execute();
    moved.push(key);
  }
  return moved;
}

/**
 * Agents (with their panels) and customers written as documents, by 0.1 or by this version before 0005, become
 * rows, and their documents go. A customer's list of earlier conversations is not kept: it is a query now. Other
 * documents under `customer/` (pre-chat states) are left as they are.
 */
export const agentCustomerDocuments: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    const db = untyped as Kysely<Database>;
    const agents = await db
      .selectFrom('documents')
      .select(['key', 'body'])
      .where('key', 'like', 'agent/%')
      .execute();
    for (const agent of agents) await moveAgent(db, agent);
    const customers = await db
      .selectFrom('documents')
      .select(['key', 'body'])
      .where('key', 'like', 'customer/%')
      .where('key', 'not like', 'customer/prechat:%')
      .execute();
    const moved = [...agents.map((agent) => agent.key), ...(await moveCustomers(db, customers))];
    for (let start = 0; start < moved.length; start += BATCH) {
      await db
        .deleteFrom('documents')
        .where('key', 'in', moved.slice(start, start + BATCH))
        .execute();
    }
  },
};
