import type { Selectable } from 'kysely';
import { parseJson } from '../../shared/json';
import type { CustomerDocument } from '../../app/documents';
import type { CustomerIdentity } from '../../domain/session-title';
import type { CustomersTable } from './schema';

export type CustomerRow = Selectable<CustomersTable>;

/**
 * The columns a customer's write sets: everything but the key and the version. The remembered activity ids only
 * once there are some, so the migrations that moved documents to rows (before that column) write no such column.
 */
export type CustomerColumns = Omit<CustomerRow, 'id' | 'version' | 'recent_activity_ids'> &
  Partial<Pick<CustomerRow, 'recent_activity_ids'>>;

/** A customer is `channelId:userId`; an id made otherwise keeps itself as the user id. */
function userIdOf(customerId: string, channelId: string): string {
  const prefix = `${channelId}:`;
  return customerId.startsWith(prefix) ? customerId.slice(prefix.length) : customerId;
}

export function customerColumns(customer: CustomerDocument): CustomerColumns {
  const { identity } = customer;
  return {
    channel_id: customer.channelId,
    user_id: userIdOf(customer.id, customer.channelId),
    contact_name: identity.contactName ?? null,
    account_name: identity.accountName ?? null,
    case_title: identity.caseTitle ?? null,
    visitor_number: identity.visitorNumber ?? null,
    latest_work_item_id: customer.latestWorkItemId ?? null,
    rate_window_started_at: customer.rateWindow.startedAt,
    rate_window_count: customer.rateWindow.count,
    ...(customer.recentActivityIds
      ? { recent_activity_ids: JSON.stringify(customer.recentActivityIds) }
      : {}),
  };
}

export function customerOf(row: CustomerRow): CustomerDocument {
  const identity: CustomerIdentity = {
    ...(row.contact_name !== null ? { contactName: row.contact_name } : {}),
    ...(row.account_name !== null ? { accountName: row.account_name } : {}),
    ...(row.case_title !== null ? { caseTitle: row.case_title } : {}),
    ...(row.visitor_number !== null ? { visitorNumber: row.visitor_number } : {}),
  };
  return {
    id: row.id,
    channelId: row.channel_id,
    identity,
    ...(row.latest_work_item_id !== null ? { latestWorkItemId: row.latest_work_item_id } : {}),
    rateWindow: { startedAt: row.rate_window_started_at, count: row.rate_window_count },
    ...(row.recent_activity_ids !== null
      ? { recentActivityIds: activityIdsOf(row.recent_activity_ids) }
      : {}),
  };
}

/** The remembered ids as stored; anything but a list of strings is read as none remembered. */
function activityIdsOf(json: string): readonly string[] {
  const parsed = parseJson(json);
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
}
