/** The kinds of document the desk stores; every key starts with one of them. */
export const documentKinds = [
  'agent',
  'workitem',
  'queue',
  'counter',
  'customer',
  'contact',
  'index',
  'card',
  'reference',
  'outbox',
] as const;

export type DocumentKind = (typeof documentKinds)[number];

/** A key that would collide or be unreadable (blank id, unknown kind). */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';

  constructor(
    message: string,
    readonly kind: string,
    readonly id: string,
  ) {
    super(message);
  }
}

function isDocumentKind(kind: string): kind is DocumentKind {
  return (documentKinds as readonly string[]).includes(kind);
}

/** The one place store keys are built, so every backend sees the same `${kind}/${id}` layout. */
export function storeKey(kind: DocumentKind, id: string): string {
  // Callers may pass untyped input (parsed card data), so the union is checked at runtime too.
  if (!isDocumentKind(kind)) {
    throw new InvalidKeyError(`Unknown document kind "${String(kind)}"`, String(kind), id);
  }
  if (typeof id !== 'string' || id.trim() === '') {
    throw new InvalidKeyError(`A ${kind} id must not be empty or blank`, kind, String(id));
  }
  return `${kind}/${id}`;
}
