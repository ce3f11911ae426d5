import { h } from './dom';

/** Files the API hands over (a transcript, a CSV): fetched with the sign-in token, saved through a Blob URL. */

/** What a view needs to offer a download: the path of the API's file, and a name should the server give none. */
export interface FileDownloads {
  download(path: string, fallbackName: string): Promise<void>;
}

/** The file name of a `Content-Disposition: attachment; filename="…"` answer. */
export function fileNameOf(disposition: string | null): string | undefined {
  const match = /filename="([^"]+)"/.exec(disposition ?? '');
  return match?.[1];
}

/** How long a Blob URL outlives its click: FileSaver.js's 40 s, ample for any browser to have read it. */
const REVOKE_AFTER_MS = 40_000;

/** Hands the browser a file to save, as a link with `download` would (no link can carry a Bearer token). */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
