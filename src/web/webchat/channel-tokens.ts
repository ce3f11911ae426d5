import { createHash, timingSafeEqual } from 'node:crypto';

export const TOKEN_ID_BYTES = 12;
export const TOKEN_SECRET_BYTES = 32;
/** `<token id>.<secret>`, both base64url: the id finds the record, the secret is compared in constant time. */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export function digestOf(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A token's id and secret, or undefined when it is not shaped as the channel issues them. */
export function partsOf(token: string): { readonly tokenId: string; readonly secret: string } | undefined {
  const shape = TOKEN_SHAPE.exec(token);
  const tokenId = shape?.[1];
  const secret = shape?.[2];
  return tokenId === undefined || secret === undefined ? undefined : { tokenId, secret };
}

/** Whether `secret` is the one whose digest was kept, compared in constant time. */
export function secretMatches(secret: string, digest: Buffer): boolean {
  return timingSafeEqual(digestOf(secret), digest);
}
