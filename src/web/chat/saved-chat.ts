import type { ConversationStarted } from '../webchat/directline-contract';
import { isObject, parseJson } from '../../shared/json';

/**
 * What a reload, or another tab of the page, needs to go on with the same conversation: kept in localStorage,
 * which every tab of this origin shares.
 */
export interface SavedChat {
  readonly conversationId: string;
  readonly token: string;
  /** When the token was issued and when it expires, in the page's clock (ms). */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly maxTextChars: number;
}

export const SAVED_CHAT_KEY = 'relaydesk.chat';
export const SAVED_NAME_KEY = 'relaydesk.chat.name';
/** Used until the server has said otherwise (MAX_TEXT_CHARS' default). */
export const DEFAULT_MAX_TEXT_CHARS = 4000;

export function savedChatFrom(started: ConversationStarted, now: number): SavedChat {
  return {
    conversationId: started.conversationId,
    token: started.token,
    issuedAt: now,
    expiresAt: now + started.expires_in * 1000,
    maxTextChars: validMax(started.maxTextChars) ?? DEFAULT_MAX_TEXT_CHARS,
  };
}

/** Reads a saved chat back; anything malformed, or a token already expired, is no saved chat. */
export function parseSavedChat(text: string | null, now: number): SavedChat | undefined {
  const record = parseJson(text);
  if (!isObject(record)) return undefined;
  const { conversationId, token, issuedAt, expiresAt } = record;
  if (typeof conversationId !== 'string' || conversationId === '') return undefined;
  if (typeof token !== 'string' || token === '') return undefined;
  if (typeof issuedAt !== 'number' || typeof expiresAt !== 'number' || !(expiresAt > now)) return undefined;
  const maxTextChars = validMax(record['maxTextChars']) ?? DEFAULT_MAX_TEXT_CHARS;
  return { conversationId, token, issuedAt, expiresAt, maxTextChars };
}

/** Past half its life a token is refreshed, as Direct Line clients do. */
export function needsRefresh(chat: SavedChat, now: number): boolean {
  return now >= chat.issuedAt + (chat.expiresAt - chat.issuedAt) / 2;
}

function validMax(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** The part of the Web Storage API the page uses (localStorage in the browser). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The saved chat and display name, shared by the page's tabs. */
export class SavedChatStore {
  constructor(private readonly storage: KeyValueStorage) {}

  /** The saved chat; one that is malformed or expired is removed. */
  read(now: number): SavedChat | undefined {
    const chat = parseSavedChat(this.storage.getItem(SAVED_CHAT_KEY), now);
    if (!chat) this.storage.removeItem(SAVED_CHAT_KEY);
    return chat;
  }

  write(chat: SavedChat): void {
    this.storage.setItem(SAVED_CHAT_KEY, JSON.stringify(chat));
  }

  /** Forgets this conversation, unless another tab has saved a different one since. */
  forget(conversationId: string): void {
    const saved = parseSavedChat(this.storage.getItem(SAVED_CHAT_KEY), Number.NEGATIVE_INFINITY);
    if (!saved || saved.conversationId === conversationId) this.storage.removeItem(SAVED_CHAT_KEY);
  }

  readName(): string {
    return this.storage.getItem(SAVED_NAME_KEY) ?? '';
  }

  writeName(name: string): void {
    this.storage.setItem(SAVED_NAME_KEY, name);
  }
}
