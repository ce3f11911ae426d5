import { receiveCustomerMessage } from '../../src/app/customers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findContact, parseContactRecord, seedContacts } from '../../src/app/contacts';
import type { ContactRecord } from '../../src/app/contacts';
import { createDesk } from './desk-harness';

const kenny: ContactRecord = {
  channelId: 'emulator',
  userId: 'kenny',
  contactName: 'Kenny Smith',
  accountName: 'Contoso',
  caseTitle: 'Router',
};

async function titleOfFirstItem(harness: ReturnType<typeof createDesk>, customerId: string) {
  const outcome = await receiveCustomerMessage(harness.ports, {
    customerId,
    channelId: 'emulator',
    text: 'hello',
  });
  const id = 'workItemId' in outcome ? outcome.workItemId : '';
  return (await harness.workItem(id))?.item.title;
}

describe('contacts directory', () => {
  it('makes a matching customer authenticated: the session title is the contact name', async () => {
    const harness = createDesk();
    await seedContacts(harness.ports.contacts, [kenny]);
    expect(await titleOfFirstItem(harness, 'emulator:kenny')).toBe('Kenny Smith');
  });

  it('falls back to the account name, then the case title', async () => {
    const harness = createDesk();
    await seedContacts(harness.ports.contacts, [
      { channelId: 'emulator', userId: 'acc', accountName: 'Fabrikam', caseTitle: 'Refund' },
      { channelId: 'emulator', userId: 'case', contactName: ' ', caseTitle: 'Refund' },
    ]);
    expect(await titleOfFirstItem(harness, 'emulator:acc')).toBe('Fabrikam');
    expect(await titleOfFirstItem(harness, 'emulator:case')).toBe('Refund');
  });

  it('leaves everyone else a visitor, and matches on channel and user id together', async () => {
    const harness = createDesk();
    await seedContacts(harness.ports.contacts, [kenny]);
    expect(await titleOfFirstItem(harness, 'webchat:kenny')).toBe('Visitor 1');
    expect(await findContact(harness.ports.contacts, 'emulator:someone')).toBeUndefined();
  });

  it('refuses records without a channel identity or without any name', () => {
    expect(parseContactRecord({ userId: 'x', contactName: 'A' })).toBe('channelId and userId are required');
    expect(parseContactRecord({ channelId: 'sms', userId: 'x', contactName: '' })).toMatch(
      /needs a contact name/,
    );
    expect(parseContactRecord('nope')).toBe('not an object');
  });

  it('ships a sample directory whose every record is usable', () => {
    const raw: unknown = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'contacts', 'contacts.json'), 'utf8'),
    );
    expect(Array.isArray(raw)).toBe(true);
    for (const record of raw as unknown[]) expect(typeof parseContactRecord(record)).toBe('object');
  });
});
