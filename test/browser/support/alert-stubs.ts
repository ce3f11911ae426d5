import type { Page } from 'playwright-core';

/** What the stubbed browser APIs saw in the page: permission prompts, desktop notifications, chimes played. */
export interface AlertRecord {
  readonly permissionAsks: number;
  readonly notifications: readonly { readonly title: string; readonly body: string }[];
  readonly chimes: number;
}

/**
 * Replaces the Notification API (permission 'default' until asked, then granted) and WebAudio's AudioContext
 * with recorders, before any page script runs: headless Chromium can neither show a notification nor play
 * a sound, and the test wants to know that the tab tried, and when.
 */
export async function stubAlerts(page: Page): Promise<void> {
  await page.addInitScript(`(() => {
    const record = { permissionAsks: 0, notifications: [], chimes: 0 };
    window.__alerts = record;
    class FakeNotification {
      static permission = 'default';
      static requestPermission() {
        record.permissionAsks += 1;
        FakeNotification.permission = 'granted';
        return Promise.resolve('granted');
      }
      constructor(title, options) {
        record.notifications.push({ title, body: (options && options.body) || '' });
      }
      close() {}
    }
    const param = () => ({ setValueAtTime() {}, exponentialRampToValueAtTime() {}, linearRampToValueAtTime() {} });
    class FakeAudioContext {
      constructor() { this.currentTime = 0; this.destination = {}; this.state = 'running'; }
      resume() { return Promise.resolve(); }
      createGain() { return { gain: param(), connect: (next) => next }; }
      createOscillator() {
        return { type: 'sine', frequency: param(), connect: (next) => next, start() { record.chimes += 1; }, stop() {} };
      }
    }
    Object.defineProperty(window, 'Notification', { configurable: true, writable: true, value: FakeNotification });
    Object.defineProperty(window, 'AudioContext', { configurable: true, writable: true, value: FakeAudioContext });
  })();`);
}

export function alertRecord(page: Page): Promise<AlertRecord> {
  return page.evaluate<AlertRecord>('JSON.parse(JSON.stringify(window.__alerts))');
}
