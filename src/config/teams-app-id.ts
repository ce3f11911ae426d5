import { createHash } from 'node:crypto';

/** The Teams app id when neither TEAMS_APP_ID nor CLIENT_ID (MicrosoftAppId) is set (local development only). */
export const DEV_TEAMS_APP_ID = '6f3c2a1e-5b7d-4c9e-8a0f-2d4b6e8c0a13';

// The UUID namespace Relaydesk derives Teams app ids in (a random v4, fixed forever).
const TEAMS_APP_ID_NAMESPACE = 'c1f4e0d2-8b3a-4f6e-9d27-5a8b0c3e7f19';

/**
 * The Teams app id for a bot registration: a name-based (version 5) UUID of the lowercased app id (CLIENT_ID),
 * so every package built for one bot updates the same Teams app; DEV_TEAMS_APP_ID when the bot id is empty.
 */
export function deriveTeamsAppId(microsoftAppId: string): string {
  if (microsoftAppId === '') return DEV_TEAMS_APP_ID;
  const hash = createHash('sha1')
    .update(Buffer.from(TEAMS_APP_ID_NAMESPACE.replace(/-/g, ''), 'hex'))
    .update(microsoftAppId.toLowerCase(), 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6); // version 5
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8); // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
