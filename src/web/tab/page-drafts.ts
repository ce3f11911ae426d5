import type { DraftSaver } from './draft-saver';
import type { DraftStorage } from './kept-drafts';

/** The browser page's side of keeping drafts (draft-saver.ts and kept-drafts.ts stay free of the DOM). */

/** The browser's sessionStorage, or undefined where the page may not use it (a sandboxed frame throws). */
export function browserSessionStorage(): DraftStorage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** A reload or a closed tab must not lose what was typed in the last 400 ms: it is sent as the page hides. */
export function sendDraftsWhenThePageHides(saver: DraftSaver): void {
  window.addEventListener('pagehide', () => saver.sendAllNow({ keepalive: true }));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saver.sendAllNow({ keepalive: true });
  });
}
