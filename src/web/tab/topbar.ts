import { h } from './dom';
import type { LiveStatus } from './live-events';
import type { SoundSetting } from './sound-setting';

const LIVE_TEXT: Readonly<Record<LiveStatus, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** The bar above the workspace: who is signed in, the offer sound switch, whether the tab is live, Sign out. */
export class Topbar {
  readonly element: HTMLElement;
  private readonly agentName: HTMLElement;
  private readonly liveStatus: HTMLElement;
  private readonly soundSlot: HTMLElement;

  /** `tools`: buttons beside the agent's name (Quick replies). */
  constructor(signOut: (() => void) | undefined, tools: readonly HTMLElement[] = []) {
    this.agentName = h('span', { class: 'agent-name' });
    this.liveStatus = h('span', { class: 'live-status', 'data-status': 'connecting' }, LIVE_TEXT.connecting);
    this.soundSlot = h('span', { class: 'sound-slot' });
    this.element = h(
      'header',
      { class: 'topbar' },
      h('h1', { class: 'brand' }, 'Relaydesk'),
      this.agentName,
      ...tools,
      this.soundSlot,
      this.liveStatus,
      signOut
        ? h('button', { type: 'button', class: 'button subtle small', onclick: signOut }, 'Sign out')
        : null,
    );
  }

  setAgent(text: string): void {
    if (this.agentName.textContent !== text) this.agentName.textContent = text;
  }

  setLive(status: LiveStatus): void {
    this.liveStatus.textContent = LIVE_TEXT[status];
    this.liveStatus.dataset['status'] = status;
  }

  /** The switch for the signed-in agent's offer sound (kept per agent in this browser); drawn once. */
  showSoundSwitch(sound: SoundSetting): void {
    if (this.soundSlot.firstChild) return;
    const button = h('button', {
      type: 'button',
      class: 'button subtle small sound-toggle',
      // A fixed name with aria-pressed; the visible words say the state.
      'aria-label': 'Offer sound',
      onclick: () => {
        sound.set(!sound.on);
        show();
      },
    });
    const show = () => {
      button.setAttribute('aria-pressed', String(sound.on));
      button.textContent = sound.on ? 'Sound on' : 'Sound off';
    };
    show();
    this.soundSlot.replaceChildren(button);
  }
}
