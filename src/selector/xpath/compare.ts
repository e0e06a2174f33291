import type { CompareOp, Expr } from './ast.js';
import { isElement, stringValue } from './nodes.js';
import { stringToNumber } from './numbers.js';
import { toBool, toNum, type Compiled, type Value } from './values.js';

type Relation = (a: number, b: number) => boolean;
const RELATIONS: Record<string, Relation> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** XPath 1.0's comparisons (§3.4): node-sets compare if any member does. `l`/`r` are `le`/`re` compiled. */
export function compileCompare(op: CompareOp, le: Expr, re: Expr, l: Compiled, r: Compiled): Compiled {
  const fast = attributeEqualsLiteral(op, le, re);
  if (fast) return fast;
  if (op === '=') return (env, n, p, s) => equals(l(env, n, p, s), r(env, n, p, s));
  if (op === '!=') return (env, n, p, s) => notEquals(l(env, n, p, s), r(env, n, p, s));
  const rel = RELATIONS[op]!;
  return (env, n, p, s) => relational(rel, l(env, n, p, s), r(env, n, p, s));
}

/** `@name = "literal"` (either side): reads the attribute instead of building a node-set. */
function attributeEqualsLiteral(op: string, le: Expr, re: Expr): Compiled | null {
  if (op !== '=') return null;
  const [path, lit] = le.kind === 'string' ? [re, le] : [le, re];
  if (lit.kind !== 'string' || path.kind !== 'path' || path.start !== null || path.absolute || path.steps.length !== 1) return null;
  const step = path.steps[0]!;
  if (step.axis !== 'attribute' || step.predicates.length || step.test.kind !== 'name' || step.test.prefix !== null) return null;
  const name = step.test.local;
  const value = lit.value;
  return (env, n) => {
    if (!isElement(n)) return false;
    if (env.doc.xml) {
      const a = env.doc.attributes(n).find((x) => x.name === name);
      return a !== undefined && a.value === value;
    }
    const v = n.attribs[name];
    return typeof v === 'string' && v === value;
  };
}

function equals(a: Value, b: Value): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return compareSets(a, b, false);
  if (typeof a === 'boolean' || typeof b === 'boolean') return toBool(a) === toBool(b);
  if (typeof a === 'number' || typeof b === 'number') return toNum(a) === toNum(b);
  return a === b;
}

/** `!=` is not the negation of `=` when node-sets are involved: it holds if some pair differs. */
function notEquals(a: Value, b: Value): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return compareSets(a, b, true);
  return !equals(a, b);
}

function compareSets(a: Value, b: Value, negate: boolean): boolean {
  if (!Array.isArray(a)) return compareSets(b, a, negate);
  const test = (x: boolean) => x !== negate;
  if (Array.isArray(b)) {
    if (a.length === 0 || b.length === 0) return false;
    const bs = new Set(b.map(stringValue));
    if (!negate) return a.some((n) => bs.has(stringValue(n)));
    return a.some((n) => { const sv = stringValue(n); return b.some((m) => stringValue(m) !== sv); });
  }
  if (typeof b === 'boolean') return test(toBool(a) === b);
  if (typeof b === 'number') return a.some((n) => test(stringToNumber(stringValue(n)) === b));
  return a.some((n) => test(stringValue(n) === b));
}

function relational(rel: Relation, a: Value, b: Value): boolean {
  if (Array.isArray(a)) {
    if (Array.isArray(b)) {
      const bn = b.map((m) => stringToNumber(stringValue(m)));
      return a.some((n) => { const x = stringToNumber(stringValue(n)); return bn.some((y) => rel(x, y)); });
    }
    if (typeof b === 'boolean') return rel(toBool(a) ? 1 : 0, b ? 1 : 0);
    const y = toNum(b);
    return a.some((n) => rel(stringToNumber(stringValue(n)), y));
  }
  if (Array.isArray(b)) {
    if (typeof a === 'boolean') return rel(a ? 1 : 0, toBool(b) ? 1 : 0);
    const x = toNum(a);
    return b.some((n) => rel(x, stringToNumber(stringValue(n))));
  }
  return rel(toNum(a), toNum(b));
}
