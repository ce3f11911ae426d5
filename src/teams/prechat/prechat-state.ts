import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { DocumentStore } from '../../app/ports';
import { storeKey } from '../../store/keys';

/**
 * A customer's survey in progress. `revision` counts saves: a save must still find the revision its turn
 * read, so two turns that read the same state never both win (botbuilder's BotState writes with eTag '*').
 */
export interface PrechatStateDocument {
  readonly revision: number;
  readonly dialogState?: DialogState;
}

interface LoadedState {
  readonly key: string;
  readonly revision: number;
  dialogState: DialogState | undefined;
}

const LOADED = Symbol('relaydesk.prechat-state');

export function prechatStateKey(customerId: string): string {
  return storeKey('customer', `prechat:${customerId}`);
}

/**
 * The dialog state accessor the survey's DialogSet uses, over our StateStore: `load` reads the customer's
 * state at turn start, the dialogs read and change it in turn state, and `save` writes it back at turn end
 * with compare-and-swap on the revision.
 */
export class StoredDialogState implements StatePropertyAccessor<DialogState> {
  constructor(private readonly store: DocumentStore) {}

  async load(context: TurnContext, customerId: string): Promise<void> {
    const key = prechatStateKey(customerId);
    const stored = (await this.store.get<PrechatStateDocument>(key))?.value;
    const loaded: LoadedState = { key, revision: stored?.revision ?? 0, dialogState: stored?.dialogState };
    context.turnState.set(LOADED, loaded);
  }

  /** Whether the loaded state has a dialog under way (the survey was begun and not finished). */
  inProgress(context: TurnContext): boolean {
    return (this.loaded(context).dialogState?.dialogStack.length ?? 0) > 0;
  }

  get(context: TurnContext): Promise<DialogState | undefined>;
  get(context: TurnContext, defaultValue: DialogState): Promise<DialogState>;
  async get(context: TurnContext, defaultValue?: DialogState): Promise<DialogState | undefined> {
    const loaded = this.loaded(context);
    if (loaded.dialogState === undefined && defaultValue !== undefined) {
      loaded.dialogState = structuredClone(defaultValue);
    }
    return loaded.dialogState;
  }

  async set(context: TurnContext, value: DialogState): Promise<void> {
    this.loaded(context).dialogState = value;
  }

  async delete(context: TurnContext): Promise<void> {
    this.loaded(context).dialogState = undefined;
  }

  /**
   * Writes the turn's state unless another turn saved since `load`; false means this turn lost and its
   * outcome must be thrown away. A finished survey is saved without dialog state.
   */
  async save(context: TurnContext): Promise<boolean> {
    const loaded = this.loaded(context);
    const stack = loaded.dialogState?.dialogStack ?? [];
    // A JSON round trip turns the dialogs' working objects into the plain document every backend stores.
    const dialogState =
      stack.length > 0 ? (JSON.parse(JSON.stringify({ dialogStack: stack })) as DialogState) : undefined;
    let saved = false;
    await this.store.update<PrechatStateDocument>(loaded.key, (current) => {
      saved = (current?.revision ?? 0) === loaded.revision;
      if (!saved) return current;
      return { revision: loaded.revision + 1, ...(dialogState ? { dialogState } : {}) };
    });
    return saved;
  }

  private loaded(context: TurnContext): LoadedState {
    const loaded = context.turnState.get(LOADED) as LoadedState | undefined;
    if (!loaded) throw new Error('StoredDialogState.load() must run before the dialogs use the state.');
    return loaded;
  }
}
