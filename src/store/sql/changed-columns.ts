/**
 * The columns of `next` whose value differs from the row as it was read: an update sets only those, so SQLite does
 * not rewrite the index entries of columns that did not change (it updates the indexes of every column an UPDATE
 * names). A value read back in another form (a boolean as 0/1) only counts as changed, which writes it again.
 */
export function changedColumns<T extends object>(before: object, next: T): Partial<T> {
  const read = before as Record<string, unknown>;
  const changed: Partial<T> = {};
  for (const key of Object.keys(next) as (keyof T & string)[]) {
    if (read[key] !== next[key]) changed[key] = next[key];
  }
  return changed;
}
