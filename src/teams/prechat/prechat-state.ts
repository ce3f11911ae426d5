import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';

/**
 * A customer's survey in progress. `revision` counts saves: a save must still find the revision its turn
 * read, so two turns that read the same state never both win (botbuilder's BotState writes with eTag '*').
 */
export interface PrechatState {
  readonly revision: number;
  readonly dialogState?: DialogState;
}

/** Where survey states are kept; the app wires a store on the prechat_states table. */
export interface PrechatStates {
  load(customerId: string): Promise<PrechatState | undefined>;
  /**
   * Stores `dialogState` (none: the survey is finished) as revision `revision + 1`, only while the stored
   * revision is still `revision` (0: nothing stored); false when another turn saved first.
   */
  save(customerId: string, revision: number, dialogState: DialogState | undefined): Promise<boolean>;
}

interface LoadedState {
  readonly customerId: string;
  readonly revision: number;
  dialogState: DialogState | undefined;
}

const LOADED = Symbol('relaydesk.prechat-state');

/**
 * The dialog state accessor the survey's DialogSet uses: `load` reads the customer's state at turn start, the
 * dialogs read and change it in turn state, and `save` writes it back at turn end, conditional on the revision.
 */
export class StoredDialogState implements StatePropertyAccessor<DialogState> {
  constructor(private readonly states: PrechatStates) {}

  async load(context: TurnContext, customerId: string): Promise<void> {
    const stored = await this.states.load(customerId);
    const loaded: LoadedState = {
      customerId,
      revision: stored?.revision ?? 0,
      dialogState: stored?.dialogState,
    };
    context.turnState.set(LOADED, loaded);
  }

  /** Whether the loaded state has a dialog under way (the survey was begun and not finished). */
  inProgress(context: TurnContext): boolean {
    return (this.loaded(context).dialogState?.dialogStack.length ?? 0) > 0;
  }

  get(context: TurnContext): Promise<DialogState | undefined>;
  get(context: TurnContext, defaultValue: DialogState): Promise<DialogState>;
  get(context: TurnContext, defaultValue?: DialogState): Promise<DialogState | undefined> {
    const loaded = this.loaded(context);
    if (loaded.dialogState === undefined && defaultValue !== undefined) {
      loaded.dialogState = structuredClone(defaultValue);
    }
    return Promise.resolve(loaded.dialogState);
  }

  set(context: TurnContext, value: DialogState): Promise<void> {
    this.loaded(context).dialogState = value;
    return Promise.resolve();
  }

  delete(context: TurnContext): Promise<void> {
    this.loaded(context).dialogState = undefined;
    return Promise.resolve();
  }

  /**
   * Writes the turn's state unless another turn saved since `load`; false means this turn lost and its
   * outcome must be thrown away. A finished survey is saved without dialog state.
   */
  async save(context: TurnContext): Promise<boolean> {
    const loaded = this.loaded(context);
    const stack = loaded.dialogState?.dialogStack ?? [];
    // A JSON round trip turns the dialogs' working objects into the plain data the store keeps.
    const dialogState =
      stack.length > 0 ? (JSON.parse(JSON.stringify({ dialogStack: stack })) as DialogState) : undefined;
    return this.states.save(loaded.customerId, loaded.revision, dialogState);
  }

  private loaded(context: TurnContext): LoadedState {
    const loaded = context.turnState.get<LoadedState | undefined>(LOADED);
    if (!loaded) throw new Error('StoredDialogState.load() must run before the dialogs use the state.');
    return loaded;
  }
}
