import type { Kysely } from 'kysely';
import type { Logger } from '../../app/ports';
import type {
  ArchiveChange,
  ArchivedConversation,
  ArchivedToken,
  WebchatArchive,
} from '../../web/webchat/webchat-archive';
import type { SqlDatabase } from './open-database';
import type { Database } from './schema';
import { importWebchatFile, webchatFileBeside } from './webchat-file-import';

type Trx = Kysely<Database>;

type MutableConversation = Omit<ArchivedConversation, 'activities' | 'tokens'> & {
  activities: ArchivedConversation['activities'][number][];
  tokens: ArchivedToken[];
};

/**
 * The local Direct Line channel's archive on the desk's tables (webchat_conversations, webchat_activities,
 * webchat_tokens), so web chats outlive a restart on SQLite and PostgreSQL alike. The channel is its only writer.
 */
export class SqlWebchatArchive implements WebchatArchive {
  constructor(private readonly database: SqlDatabase) {}

  load(now: number, idleMs: number): Promise<ArchivedConversation[]> {
    return this.database.transaction(async (trx) => {
      await forgetEnded(trx, now, idleMs);
      const conversations = new Map<string, MutableConversation>();
      const rows = await trx
        .selectFrom('webchat_conversations')
        .selectAll()
        .orderBy('last_used_at')
        .orderBy('id')
        .execute();
      for (const row of rows) {
        conversations.set(row.id, {
          id: row.id,
          userId: row.user_id,
          lastUsedAt: row.last_used_at,
          nextSeq: row.next_seq,
          activities: [],
          tokens: [],
        });
      }
      const activities = await trx
        .selectFrom('webchat_activities')
        .selectAll()
        .orderBy('conversation_id')
        .orderBy('seq')
        .execute();
      for (const row of activities) {
        conversations.get(row.conversation_id)?.activities.push({
          seq: row.seq,
          activityId: row.activity_id,
          relaydeskId: row.relaydesk_id ?? undefined,
          json: row.json,
          bytes: row.bytes,
        });
      }
      const tokens = await trx
        .selectFrom('webchat_tokens')
        .selectAll()
        .orderBy('conversation_id')
        .orderBy('issued_order')
        .execute();
      for (const row of tokens) {
        conversations.get(row.conversation_id)?.tokens.push({
          tokenId: row.token_id,
          digest: Buffer.from(row.digest, 'hex'),
          expiresAt: row.expires_at,
          issuedOrder: row.issued_order,
        });
      }
      return [...conversations.values()];
    });
  }

  async apply(changes: readonly ArchiveChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.database.transaction(async (trx) => {
      for (const change of changes) await applyOne(trx, change);
    });
  }
}

/**
 * The archive of a desk with WEBCHAT=local, on its database. A STORE=sqlite desk first takes in the `webchat.db`
 * an earlier release kept beside its file; when that fails the desk starts anyway, the file is left where it is
 * and tried again at the next start.
 */
export async function openWebchatArchive(
  database: SqlDatabase,
  settings: { readonly store: string; readonly sqlitePath: string },
  logger: Logger,
): Promise<SqlWebchatArchive> {
  if (settings.store === 'sqlite' && settings.sqlitePath !== ':memory:') {
    const path = webchatFileBeside(settings.sqlitePath);
    try {
      const imported = await importWebchatFile(database, path);
      if (imported) logger.info({ path, ...imported }, 'web chat file imported into the database');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ path, reason }, 'web chat file not imported; its chats are not restored');
    }
  }
  return new SqlWebchatArchive(database);
}

/** Deletes the conversations idle `idleMs` by `now`, the rows left without a conversation, and expired tokens. */
async function forgetEnded(trx: Trx, now: number, idleMs: number): Promise<void> {
  await trx
    .deleteFrom('webchat_conversations')
    .where('last_used_at', '<=', now - idleMs)
    .execute();
  const live = trx.selectFrom('webchat_conversations').select('id');
  await trx.deleteFrom('webchat_activities').where('conversation_id', 'not in', live).execute();
  await trx
    .deleteFrom('webchat_tokens')
    .where((eb) => eb.or([eb('conversation_id', 'not in', live), eb('expires_at', '<=', now)]))
    .execute();
}

async function applyOne(trx: Trx, change: ArchiveChange): Promise<void> {
  switch (change.kind) {
    case 'conversation-opened':
      await trx
        .insertInto('webchat_conversations')
        .values({
          id: change.conversationId,
          user_id: change.userId,
          last_used_at: change.lastUsedAt,
          next_seq: change.nextSeq,
        })
        .execute();
      return;
    case 'conversation-used':
      await trx
        .updateTable('webchat_conversations')
        .set({ last_used_at: change.lastUsedAt })
        .where('id', '=', change.conversationId)
        .execute();
      return;
    case 'conversation-ended':
      await endConversation(trx, change.conversationId);
      return;
    case 'activity-added':
      await addActivity(trx, change);
      return;
    case 'activity-removed':
      await trx
        .deleteFrom('webchat_activities')
        .where('conversation_id', '=', change.conversationId)
        .where('seq', '=', change.seq)
        .execute();
      return;
    case 'token-issued':
      await trx
        .insertInto('webchat_tokens')
        .values({
          token_id: change.token.tokenId,
          conversation_id: change.conversationId,
          digest: change.token.digest.toString('hex'),
          expires_at: change.token.expiresAt,
          issued_order: change.token.issuedOrder,
        })
        .execute();
      return;
    case 'token-dropped':
      await trx.deleteFrom('webchat_tokens').where('token_id', '=', change.tokenId).execute();
      return;
    default:
      throw new Error(`Unknown archive change ${String(change satisfies never)}`);
  }
}

async function endConversation(trx: Trx, conversationId: string): Promise<void> {
  await trx.deleteFrom('webchat_activities').where('conversation_id', '=', conversationId).execute();
  await trx.deleteFrom('webchat_tokens').where('conversation_id', '=', conversationId).execute();
  await trx.deleteFrom('webchat_conversations').where('id', '=', conversationId).execute();
}

async function addActivity(
  trx: Trx,
  change: Extract<ArchiveChange, { kind: 'activity-added' }>,
): Promise<void> {
  const { conversationId, activity, nextSeq } = change;
  await trx
    .insertInto('webchat_activities')
    .values({
      conversation_id: conversationId,
      seq: activity.seq,
      activity_id: activity.activityId,
      relaydesk_id: activity.relaydeskId ?? null,
      json: activity.json,
      bytes: activity.bytes,
    })
    .execute();
  await trx
    .updateTable('webchat_conversations')
    .set({ next_seq: nextSeq })
    .where('id', '=', conversationId)
    .execute();
}
