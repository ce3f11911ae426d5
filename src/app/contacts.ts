import type { CustomerIdentity } from '../domain/session-title';
import type { ContactDirectory } from './repositories';

/** A known customer: the channel identity that proves who they are, and their CRM names. */
export interface ContactRecord {
  readonly channelId: string;
  readonly userId: string;
  readonly contactName?: string | undefined;
  readonly accountName?: string | undefined;
  readonly caseTitle?: string | undefined;
}

/** A customer is `channelId:userId` everywhere; their contact record is keyed the same way. */
export function customerIdOf(channelId: string, userId: string): string {
  return `${channelId}:${userId}`;
}

function identityOf(record: ContactRecord): CustomerIdentity {
  const pick = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const contactName = pick(record.contactName);
  const accountName = pick(record.accountName);
  const caseTitle = pick(record.caseTitle);
  return {
    ...(contactName ? { contactName } : {}),
    ...(accountName ? { accountName } : {}),
    ...(caseTitle ? { caseTitle } : {}),
  };
}

/** Validates one raw record from the seed file; returns a reason when it cannot be used. */
export function parseContactRecord(raw: unknown): ContactRecord | string {
  if (typeof raw !== 'object' || raw === null) return 'not an object';
  const record = raw as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? record[key] : undefined);
  const channelId = text('channelId')?.trim();
  const userId = text('userId')?.trim();
  if (!channelId || !userId) return 'channelId and userId are required';
  const parsed: ContactRecord = {
    channelId,
    userId,
    contactName: text('contactName'),
    accountName: text('accountName'),
    caseTitle: text('caseTitle'),
  };
  if (Object.keys(identityOf(parsed)).length === 0)
    return 'a contact needs a contact name, account name or case title';
  return parsed;
}

/** Loads the contacts directory into the store; a contact already there is replaced. */
export function seedContacts(
  directory: ContactDirectory,
  records: readonly ContactRecord[],
): Promise<number> {
  return directory.seed(
    records.map((record) => ({
      customerId: customerIdOf(record.channelId, record.userId),
      channelId: record.channelId,
      userId: record.userId,
      identity: identityOf(record),
    })),
  );
}

/** The CRM identity for a channel user, when the directory knows them. */
export function findContact(
  directory: ContactDirectory,
  customerId: string,
): Promise<CustomerIdentity | undefined> {
  return directory.find(customerId);
}
