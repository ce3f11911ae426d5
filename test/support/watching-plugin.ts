import type { KyselyPlugin, RootOperationNode } from 'kysely';

/** A Kysely plugin that only records the kind of each query it is shown (Kysely shows it every tree it runs). */
export function watching(): KyselyPlugin & { readonly seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    transformQuery: ({ node }: { node: RootOperationNode }) => {
      seen.push(node.kind);
      return node;
    },
    transformResult: ({ result }) => Promise.resolve(result),
  };
}
