/** Whether a new offer plays a sound: on unless this agent turned it off in this browser. */
export class SoundSetting {
  private readonly key: string;

  constructor(
    agentId: string,
    private readonly storage: Storage,
  ) {
    this.key = `relaydesk.sound.${agentId}`;
  }

  get on(): boolean {
    return this.read() !== 'off';
  }

  set(on: boolean): void {
    try {
      this.storage.setItem(this.key, on ? 'on' : 'off');
    } catch {
      // Storage full or blocked: the choice lasts for this page only.
    }
  }

  private read(): string | null {
    try {
      return this.storage.getItem(this.key);
    } catch {
      return null;
    }
  }
}
