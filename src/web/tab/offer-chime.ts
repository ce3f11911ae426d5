/**
 * A short two-note chime for a new offer, made with a WebAudio oscillator (no audio file to load). Browsers
 * keep audio silent until the page had a user gesture, so unlock() is called on the first one.
 */
export class OfferChime {
  private context: AudioContext | undefined;

  unlock(): void {
    void this.audio()
      ?.resume()
      .catch(() => undefined);
  }

  play(): void {
    const context = this.audio();
    if (!context) return;
    void context.resume().catch(() => undefined);
    const start = context.currentTime;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.setValueAtTime(880, start);
    oscillator.frequency.setValueAtTime(660, start + 0.14);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.35);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.36);
  }

  private audio(): AudioContext | undefined {
    if (this.context) return this.context;
    if (typeof AudioContext === 'undefined') return undefined;
    try {
      this.context = new AudioContext();
    } catch {
      return undefined;
    }
    return this.context;
  }
}
