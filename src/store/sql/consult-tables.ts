/** The notes and consult tables of schema.ts (0016, 0018), kept apart so schema.ts stays readable. Epoch ms are numbers. */
type Millis = number;

/** Who consults on a conversation (from 0018): one row per consultant while the consult lasts. */
export interface ConsultantsTable {
  work_item_id: string;
  agent_key: string;
  agent_name: string;
  invited_at: Millis;
  /** 1 once added to the conversation (they may write to the customer). */
  added: number;
}

/** The private consult thread of a conversation (from 0018): agents only, kept after it ends. */
export interface ConsultNotesTable {
  id: string;
  work_item_id: string;
  author_id: string;
  author_name: string;
  at: Millis;
  text: string;
}

/** Internal notes on a conversation: never sent to the customer, kept after it ends (from 0016). */
export interface NotesTable {
  id: string;
  work_item_id: string;
  author_id: string;
  author_name: string;
  at: Millis;
  text: string;
}
