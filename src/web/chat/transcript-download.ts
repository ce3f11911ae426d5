import { saveFile } from '../tab/save-file';
import type { Entry } from './transcript';
import { transcriptFile } from './transcript-file';

/** Download transcript: built from what the page shows (the conversation's own lines only), saved by the browser. */
export function saveTranscript(entries: readonly Entry[], conversationId: string | undefined): void {
  const file = transcriptFile(entries, { conversationId, now: new Date() });
  if (file) saveFile(new Blob([file.text], { type: 'text/plain;charset=utf-8' }), file.fileName);
}
