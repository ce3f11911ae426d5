import type { Insertable, Selectable } from 'kysely';
import type { CustomerIdentity } from '../../domain/session-title';
import type { PendingTransfer } from '../../domain/transfer';
import type { ClosedReason, WorkItem, WorkItemState } from '../../domain/work-item';
import type { WorkItemDocument } from '../../app/documents';
import type { PrechatAnswer } from '../../app/views';
import type { PrechatAnswersTable, WorkItemsTable } from './schema';

type WorkItemRow = Selectable<WorkItemsTable>;

/** The columns a change writes: everything but the key, the message counter and the version. */
export type WorkItemColumns = Omit<Insertable<WorkItemsTable>, 'id' | 'last_message_seq' | 'version'>;

const present = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } =>
  (value === null ? {} : { [key]: value }) as { [P in K]?: V };

function itemOf(row: WorkItemRow): WorkItem {
  return {
    id: row.id,
    workstream: row.workstream,
    customerId: row.customer_id,
    channelId: row.channel_id,
    customer: JSON.parse(row.customer_identity) as CustomerIdentity,
    title: row.title,
    state: row.state as WorkItemState,
    createdAt: row.created_at,
    stateChangedAt: row.state_changed_at,
    ...present('assignedAgentId', row.assigned_agent_id),
    ...present('lastAgentId', row.last_agent_id),
    ...present('closedReason', row.closed_reason as ClosedReason | null),
    ...present('customerLeftAt', row.customer_left_at),
    sentimentScores: JSON.parse(row.sentiment_scores) as number[],
    customerMessageCount: row.customer_message_count,
    ...transferOf(row),
    ...present('outcome', row.outcome),
    ...(row.consultants > 0 ? { consultants: row.consultants } : {}),
    ...(row.answered_at !== null && row.waited_ms !== null
      ? { answered: { at: row.answered_at, waitedMs: row.waited_ms } }
      : {}),
    ...(row.returned_from_agent_id !== null && row.returned_at !== null
      ? { returnedFromAway: { agentId: row.returned_from_agent_id, at: row.returned_at } }
      : {}),
  };
}

function transferOf(row: WorkItemRow): { transfer?: PendingTransfer } {
  const { transfer_offer_id: offerId, transfer_from: from, transfer_to: to } = row;
  if (offerId === null || from === null || to === null) return {};
  return {
    transfer: {
      offerId,
      fromAgentId: from,
      toAgentId: to,
      ...present('note', row.transfer_note),
      offeredAt: row.transfer_offered_at ?? 0,
      expiresAt: row.transfer_expires_at ?? 0,
    },
  };
}

export function documentOf(row: WorkItemRow, prechat: readonly PrechatAnswer[]): WorkItemDocument {
  const savedCase =
    row.case_saved_at === null
      ? {}
      : {
          case: {
            title: row.case_title ?? '',
            description: row.case_description ?? '',
            priority: row.case_priority ?? '',
            savedAt: row.case_saved_at,
            savedBy: row.case_saved_by ?? '',
          },
        };
  return {
    item: itemOf(row),
    prechat,
    waitingSince: row.waiting_since,
    ...present('nameGiven', row.name_given),
    ...present('preview', row.preview),
    ...savedCase,
  };
}

export function columnsOf(doc: WorkItemDocument): WorkItemColumns {
  const { item } = doc;
  return {
    workstream: item.workstream,
    customer_id: item.customerId,
    channel_id: item.channelId,
    customer_identity: JSON.stringify(item.customer),
    title: item.title,
    state: item.state,
    created_at: item.createdAt,
    state_changed_at: item.stateChangedAt,
    waiting_since: doc.waitingSince,
    assigned_agent_id: item.assignedAgentId ?? null,
    last_agent_id: item.lastAgentId ?? null,
    closed_reason: item.closedReason ?? null,
    customer_left_at: item.customerLeftAt ?? null,
    sentiment_scores: JSON.stringify(item.sentimentScores),
    customer_message_count: item.customerMessageCount,
    name_given: doc.nameGiven ?? null,
    preview: doc.preview ?? null,
    case_title: doc.case?.title ?? null,
    case_description: doc.case?.description ?? null,
    case_priority: doc.case?.priority ?? null,
    case_saved_at: doc.case?.savedAt ?? null,
    case_saved_by: doc.case?.savedBy ?? null,
    transfer_offer_id: item.transfer?.offerId ?? null,
    transfer_from: item.transfer?.fromAgentId ?? null,
    transfer_to: item.transfer?.toAgentId ?? null,
    transfer_note: item.transfer?.note ?? null,
    transfer_offered_at: item.transfer?.offeredAt ?? null,
    transfer_expires_at: item.transfer?.expiresAt ?? null,
    outcome: item.outcome ?? null,
    consultants: item.consultants ?? 0,
    answered_at: item.answered?.at ?? null,
    waited_ms: item.answered?.waitedMs ?? null,
    returned_from_agent_id: item.returnedFromAway?.agentId ?? null,
    returned_at: item.returnedFromAway?.at ?? null,
  };
}

export function prechatRows(
  workItemId: string,
  prechat: readonly PrechatAnswer[],
): Insertable<PrechatAnswersTable>[] {
  return prechat.map((answer, position) => ({
    work_item_id: workItemId,
    position,
    question: answer.question,
    answer: answer.answer,
  }));
}

/** Whether two prechat lists say the same, so an unchanged list is not rewritten. */
export function samePrechat(a: readonly PrechatAnswer[], b: readonly PrechatAnswer[]): boolean {
  return (
    a.length === b.length &&
    a.every((answer, at) => answer.question === b[at]?.question && answer.answer === b[at]?.answer)
  );
}
