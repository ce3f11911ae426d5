/** Work for one key runs strictly one after another (in call order); different keys run concurrently. */
export interface TurnQueue {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export class KeyedQueue implements TurnQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    // The tail never rejects, so one failure does not block the key.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
