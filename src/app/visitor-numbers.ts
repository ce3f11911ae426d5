import { storeKey } from '../store/keys';
import type { DocumentStore } from './ports';

interface Counter {
  value: number;
}

export const VISITOR_COUNTER_KEY = storeKey('counter', 'visitor');

/** Numbers for "Visitor N": 1, 2, 3 … per deployment, never reused, kept in the store so they survive restarts. */
export async function nextVisitorNumber(store: DocumentStore): Promise<number> {
  const counter = await store.update<Counter>(VISITOR_COUNTER_KEY, (current) => ({
    value: (current?.value ?? 0) + 1,
  }));
  if (!counter) throw new Error('The visitor counter was not written.');
  return counter.value;
}
