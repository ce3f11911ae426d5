/** What the desk knows about who is writing; an authenticated customer has at least one name. */
export interface CustomerIdentity {
  contactName?: string | undefined;
  accountName?: string | undefined;
  caseTitle?: string | undefined;
  /** Given to unauthenticated customers from a per-deployment counter. */
  visitorNumber?: number | undefined;
}

export function visitorTitle(visitorNumber: number): string {
  if (!Number.isSafeInteger(visitorNumber) || visitorNumber < 1) {
    throw new RangeError(`A visitor number is a positive integer, got ${visitorNumber}.`);
  }
  return `Visitor ${visitorNumber}`;
}

/** Contact name, else account name, else case title; otherwise "Visitor N". */
export function sessionTitle(customer: CustomerIdentity): string {
  const named = [customer.contactName, customer.accountName, customer.caseTitle]
    .map((name) => name?.trim())
    .find((name): name is string => Boolean(name));
  if (named) return named;
  if (customer.visitorNumber === undefined) {
    throw new RangeError('A customer without a name needs a visitor number.');
  }
  return visitorTitle(customer.visitorNumber);
}

export function isAuthenticated(customer: CustomerIdentity): boolean {
  return [customer.contactName, customer.accountName, customer.caseTitle].some((name) =>
    Boolean(name?.trim()),
  );
}
