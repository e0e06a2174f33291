/** The syntax tree of an XPath 1.0 expression, as the parser builds it and the evaluator walks it. */

export type Axis =
  | 'ancestor'
  | 'ancestor-or-self'
  | 'attribute'
  | 'child'
  | 'descendant'
  | 'descendant-or-self'
  | 'following'
  | 'following-sibling'
  | 'namespace'
  | 'parent'
  | 'preceding'
  | 'preceding-sibling'
  | 'self';

/** Axes whose proximity positions count backwards from the context node. */
export const REVERSE_AXES: ReadonlySet<Axis> = new Set<Axis>(['ancestor', 'ancestor-or-self', 'preceding', 'preceding-sibling']);

/** A node test: a name (`a`, `ns:a`, `ns:*`, `*`) or a node type (`text()`, `node()`, …). */
export type NodeTest =
  | { readonly kind: 'name'; readonly prefix: string | null; readonly local: string }
  | { readonly kind: 'any'; readonly prefix: string | null }
  | { readonly kind: 'node' }
  | { readonly kind: 'text' }
  | { readonly kind: 'comment' }
  | { readonly kind: 'pi'; readonly target: string | null };

export interface Step {
  readonly axis: Axis;
  readonly test: NodeTest;
  readonly predicates: readonly Expr[];
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | 'div' | 'mod';

export type Expr =
  | { readonly kind: 'or' | 'and'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'arith'; readonly op: ArithOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'negate'; readonly operand: Expr }
  | { readonly kind: 'union'; readonly left: Expr; readonly right: Expr }
  /** A location path; `start` is a filter expression it continues (`$x/a`), or null (then `absolute` says whether it starts at the root). */
  | { readonly kind: 'path'; readonly start: Expr | null; readonly absolute: boolean; readonly steps: readonly Step[] }
  | { readonly kind: 'filter'; readonly primary: Expr; readonly predicates: readonly Expr[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'variable'; readonly prefix: string | null; readonly local: string }
  | { readonly kind: 'call'; readonly prefix: string | null; readonly local: string; readonly args: readonly Expr[] };
