import type { Floor } from '../domain/floor';
import type { NoticeTone } from './views';

/** A supervisor's `floor` in chat: the counts, the longest waits and the staff, as the tab's Floor shows them. */
export interface FloorCardView {
  readonly kind: 'floor';
  readonly counts: Floor['counts'];
  readonly longestWaits: Floor['longestWaits'];
  readonly agents: Floor['agents'];
  /** The team's survey answers today; none counted when absent. */
  readonly csatToday?: Floor['csatToday'];
  /** The Active conversations the card offers Monitor, Join and Force close on (the longest Active first, bounded). */
  readonly active?: Floor['conversations'];
  /** One line on what the supervisor's last action on the card did, or why it was refused. */
  readonly notice?: { readonly text: string; readonly tone: NoticeTone };
  /** An action that asks first: Assign over capacity, Force close. */
  readonly confirm?: FloorConfirm;
}

/** What the floor card asks the supervisor to confirm; Cancel shows the floor again. */
export type FloorConfirm =
  | {
      readonly kind: 'assign';
      readonly workItemId: string;
      readonly title: string;
      readonly agentId: string;
      readonly agentName: string;
      /** By how much: "Ada has 3 of 3 conversations; assigning makes 4." */
      readonly text: string;
    }
  | {
      readonly kind: 'forceClose';
      readonly workItemId: string;
      readonly title: string;
      readonly agentName?: string;
    };
