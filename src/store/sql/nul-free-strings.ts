import {
  OperationNodeTransformer,
  PrimitiveValueListNode,
  ValueNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

/** What a NUL becomes: the replacement character, so the text still shows that something was there. */
const REPLACEMENT = '\uFFFD';

function clean(value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000')
    ? value.replaceAll('\u0000', REPLACEMENT)
    : value;
}

class NulFreeTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = clean(node.value);
    return value === node.value ? super.transformValue(node) : ValueNode.create(value);
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return node.values.some((value) => clean(value) !== value)
      ? PrimitiveValueListNode.create(node.values.map(clean))
      : super.transformPrimitiveValueList(node);
  }
}

/**
 * PostgreSQL's text columns cannot hold U+0000 (SQLite's can), and a customer can type one: every string bound to
 * a statement has its NULs replaced, on both backends alike, so hostile text is stored the same everywhere.
 */
export class NulFreeStrings implements KyselyPlugin {
  private readonly transformer = new NulFreeTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
