import type { AnyNode, Element, ParentNode } from 'domhandler';
import type { BucketKey } from '../doc-index.js';
import { REVERSE_AXES, type ArithOp, type Expr, type NodeTest, type Step } from './ast.js';
import { compileCall } from './functions.js';
import {
  isElement,
  isOwned,
  isProcessingInstruction,
  parentOf,
  piTarget,
  pushDescendants,
  pushSiblings,
  startsNode,
  stringValue,
  type XNode,
  type XPathDocument,
} from './nodes.js';
import { stringToNumber } from './numbers.js';
import { resolvePrefix, toBool, toNum, toStr, XPathEvalError, type Compiled, type Env, type Value } from './values.js';

/**
 * Turns a syntax tree into closures, once per query: evaluating then costs no tree walk of the
 * expression, and the common shapes (`//name`, `[1]`, `[@a="v"]`) take shortcuts.
 */
export function compile(e: Expr): Compiled {
  switch (e.kind) {
    case 'string': {
      const v = e.value;
      return () => v;
    }
    case 'number': {
      const v = e.value;
      return () => v;
    }
    case 'variable':
      return compileVariable(e.prefix, e.local);
    case 'or': {
      const l = compile(e.left);
      const r = compile(e.right);
      return (env, n, p, s) => toBool(l(env, n, p, s)) || toBool(r(env, n, p, s));
    }
    case 'and': {
      const l = compile(e.left);
      const r = compile(e.right);
      return (env, n, p, s) => toBool(l(env, n, p, s)) && toBool(r(env, n, p, s));
    }
    case 'compare':
      return compileCompare(e.op, e.left, e.right);
    case 'arith':
      return compileArith(e.op, compile(e.left), compile(e.right));
    case 'negate': {
      const o = compile(e.operand);
      return (env, n, p, s) => -toNum(o(env, n, p, s));
    }
    case 'union': {
      const l = compile(e.left);
      const r = compile(e.right);
      return (env, n, p, s) => {
        const a = l(env, n, p, s);
        const b = r(env, n, p, s);
        if (!Array.isArray(a) || !Array.isArray(b)) throw new XPathEvalError(`The operands of "|" must be node-sets in XPath ${JSON.stringify(env.query)}`);
        if (a.length === 0) return b;
        if (b.length === 0) return a;
        return env.doc.sortUnique([...a, ...b]);
      };
    }
    case 'filter': {
      const primary = compile(e.primary);
      const preds = e.predicates.map(compilePredicate);
      return (env, n, p, s) => {
        const v = primary(env, n, p, s);
        if (!Array.isArray(v)) throw new XPathEvalError(`Only a node-set can have a predicate, in XPath ${JSON.stringify(env.query)}`);
        let nodes = v;
        for (const pred of preds) nodes = pred(env, nodes);
        return nodes;
      };
    }
    case 'path':
      return compilePath(e.start, e.absolute, e.steps);
    case 'call':
      return compileCall(e.prefix, e.local, e.args.map(compile));
  }
}

function compileArith(op: ArithOp, l: Compiled, r: Compiled): Compiled {
  switch (op) {
    case '+':
      return (env, n, p, s) => toNum(l(env, n, p, s)) + toNum(r(env, n, p, s));
    case '-':
      return (env, n, p, s) => toNum(l(env, n, p, s)) - toNum(r(env, n, p, s));
    case '*':
      return (env, n, p, s) => toNum(l(env, n, p, s)) * toNum(r(env, n, p, s));
    case 'div':
      return (env, n, p, s) => toNum(l(env, n, p, s)) / toNum(r(env, n, p, s));
    case 'mod':
      // XPath's mod truncates like C's fmod, which is what JS's % does.
      return (env, n, p, s) => toNum(l(env, n, p, s)) % toNum(r(env, n, p, s));
  }
}

function compileVariable(prefix: string | null, local: string): Compiled {
  const name = prefix === null ? local : `${prefix}:${local}`;
  return (env) => {
    const vars = env.variables;
    if (vars === undefined || !Object.hasOwn(vars, name)) {
      throw new XPathEvalError(`Undefined variable $${name} in XPath ${JSON.stringify(env.query)}; pass it: xpath(query, { ${JSON.stringify(name)}: value })`);
    }
    return vars[name]!;
  };
}

type Relation = (a: number, b: number) => boolean;
const RELATIONS: Record<string, Relation> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** XPath 1.0's comparisons (§3.4): node-sets compare if any member does. */
function compileCompare(op: string, le: Expr, re: Expr): Compiled {
  const l = compile(le);
  const r = compile(re);
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

/** A predicate over a node-set in the order positions count (axis order for steps, document order for filters). */
type Predicate = (env: Env, nodes: XNode[]) => XNode[];

function compilePredicate(e: Expr): Predicate {
  if (e.kind === 'number') {
    const k = e.value;
    return (_env, nodes) => (Number.isInteger(k) && k >= 1 && k <= nodes.length ? [nodes[k - 1]!] : []);
  }
  if (e.kind === 'call' && e.prefix === null && e.local === 'last' && e.args.length === 0) {
    return (_env, nodes) => (nodes.length ? [nodes[nodes.length - 1]!] : []);
  }
  const f = compile(e);
  return (env, nodes) => {
    const out: XNode[] = [];
    const size = nodes.length;
    for (let i = 0; i < size; i++) {
      const n = nodes[i]!;
      const v = f(env, n, i + 1, size);
      if (typeof v === 'number' ? v === i + 1 : toBool(v)) out.push(n);
    }
    return out;
  };
}

/** Whether a predicate's value depends on the context position or size, or may be a number (then it is positional). */
function positional(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
    case 'variable':
    case 'arith':
    case 'negate':
      return true;
    case 'string':
      return false;
    case 'or':
    case 'and':
    case 'compare':
      return usesPosition(e.left) || usesPosition(e.right);
    case 'call':
      return !BOOLEAN_FUNCTIONS.has(e.local) || e.prefix !== null || e.args.some(usesPosition);
    case 'union':
    case 'path':
    case 'filter':
      return usesPosition(e);
  }
}

const BOOLEAN_FUNCTIONS = new Set(['not', 'contains', 'starts-with', 'boolean', 'true', 'false', 'lang', 'has-class']);

function usesPosition(e: Expr): boolean {
  switch (e.kind) {
    case 'call':
      return (e.prefix === null && (e.local === 'position' || e.local === 'last')) || e.args.some(usesPosition);
    case 'or':
    case 'and':
    case 'compare':
    case 'arith':
    case 'union':
      return usesPosition(e.left) || usesPosition(e.right);
    case 'negate':
      return usesPosition(e.operand);
    case 'filter':
      return usesPosition(e.primary);
    case 'path':
      return e.start !== null && usesPosition(e.start);
    default:
      return false;
  }
}

/** `descendant-or-self::node()/child::x[p]` is `descendant::x[p]` when no predicate counts positions. */
function simplify(steps: readonly Step[]): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const next = steps[i + 1];
    if (
      s.axis === 'descendant-or-self' && s.test.kind === 'node' && s.predicates.length === 0 &&
      next !== undefined && next.axis === 'child' && !next.predicates.some(positional)
    ) {
      out.push({ axis: 'descendant', test: next.test, predicates: next.predicates });
      i++;
    } else out.push(s);
  }
  return out;
}

function compilePath(start: Expr | null, absolute: boolean, rawSteps: readonly Step[]): Compiled {
  const steps = simplify(rawSteps).map(compileStep);
  const begin = start === null ? null : compile(start);
  return (env, n, p, s) => {
    let nodes: XNode[];
    if (begin !== null) {
      const v = begin(env, n, p, s);
      if (!Array.isArray(v)) throw new XPathEvalError(`A path can only continue a node-set, in XPath ${JSON.stringify(env.query)}`);
      nodes = v;
    } else nodes = [absolute ? env.root : n];
    for (let i = 0; i < steps.length && nodes.length; i++) nodes = steps[i]!(env, nodes);
    return nodes;
  };
}

type CompiledStep = (env: Env, input: XNode[]) => XNode[];

function compileStep(step: Step): CompiledStep {
  const reverse = REVERSE_AXES.has(step.axis);
  const axis = step.axis;
  const test = step.test;
  // Predicates that do not count positions are filters on each node: no list per context node.
  const positionalPredicates = step.predicates.some(positional);
  const preds = positionalPredicates ? step.predicates.map(compilePredicate) : [];
  const filters = positionalPredicates ? [] : step.predicates.map(compile);
  // Steps whose output from nodes in document order stays in order with no repeats.
  const keepsOrder = axis === 'self' || axis === 'attribute' || axis === 'namespace';
  const withinSubtree = axis === 'child' || axis === 'descendant' || axis === 'descendant-or-self';
  // Tests without a prefix do not depend on the query's namespaces: built once, here.
  const staticMatch = needsNamespaces(test) ? null : { html: nodeTest(null, test, axis, false), xml: nodeTest(null, test, axis, true) };
  return (env, input) => {
    const doc = env.doc;
    const match = staticMatch === null ? nodeTest(env, test, axis, doc.xml) : doc.xml ? staticMatch.xml : staticMatch.html;
    const accept: Accept =
      filters.length === 0
        ? (n) => match(n, doc)
        : (n) => {
            if (!match(n, doc)) return false;
            for (let i = 0; i < filters.length; i++) if (!toBool(filters[i]!(env, n, 1, 1))) return false;
            return true;
          };
    let out: XNode[] = [];
    if (positionalPredicates) {
      for (let k = 0; k < input.length; k++) {
        let found: XNode[] = [];
        collect(env, axis, input[k]!, test, accept, found);
        for (const pred of preds) found = pred(env, found);
        if (reverse) found.reverse();
        if (input.length === 1) return found;
        for (let i = 0; i < found.length; i++) out.push(found[i]!);
      }
    } else {
      for (let k = 0; k < input.length; k++) collect(env, axis, input[k]!, test, accept, out);
      if (input.length === 1) {
        if (reverse) out.reverse();
        return out;
      }
    }
    if (keepsOrder || (withinSubtree && disjointElements(env, input)) || doc.isSorted(out)) return out;
    return doc.sortUnique(out);
  };
}

/**
 * Whether `nodes` are indexed elements in document order whose subtrees do not overlap: then
 * steps that stay inside each subtree give their results in document order with no repeats,
 * and no document-wide ordering is needed (building one costs a walk of the whole page).
 */
function disjointElements(env: Env, nodes: readonly XNode[]): boolean {
  const index = env.doc.index();
  let end = -1;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (!isElement(n)) return false;
    const pos = index.positionOf(n);
    if (pos === undefined || pos < end) return false;
    end = index.end[pos]!;
  }
  return true;
}

/** A node test; XML tests read names and namespaces through the document. */
type Match = (n: XNode, doc: XPathDocument) => boolean;

function needsNamespaces(test: NodeTest): boolean {
  return (test.kind === 'name' || test.kind === 'any') && test.prefix !== null;
}

const isAttr: Match = (n) => n.type === 'attribute';
const isNamespace: Match = (n) => n.type === 'namespace';
const isElementMatch: Match = (n) => isElement(n);

/** The node test as a function, for the axis's principal node type (`env` is needed only for a prefix). */
function nodeTest(env: Env | null, test: NodeTest, axis: string, xml: boolean): Match {
  const principal: Match = axis === 'attribute' ? isAttr : axis === 'namespace' ? isNamespace : isElementMatch;
  switch (test.kind) {
    case 'node':
      return () => true;
    case 'text':
      return (n) => (n as AnyNode).type === 'text' || (n as AnyNode).type === 'cdata';
    case 'comment':
      return (n) => (n as AnyNode).type === 'comment';
    case 'pi': {
      const target = test.target;
      return (n) => isProcessingInstruction(n) && (target === null || piTarget(n) === target);
    }
    case 'any': {
      if (test.prefix === null) return principal;
      const uri = resolvePrefix(env!, test.prefix);
      return (n, doc) => principal(n, doc) && doc.namespaceUri(n) === uri;
    }
    case 'name': {
      const local = test.local;
      const uri = test.prefix === null ? null : resolvePrefix(env!, test.prefix);
      if (axis === 'namespace') return (n) => n.type === 'namespace' && uri === null && n.prefix === local;
      if (!xml) {
        // lxml's HTML parser has no namespaces and lower-case names; parse5 keeps SVG's camelCase.
        if (uri !== null) return () => false;
        if (axis === 'attribute') return (n) => n.type === 'attribute' && (n.name === local || n.name.toLowerCase() === local);
        return (n) => isElement(n) && (n.name === local || ((n as Element).namespace !== HTML_NS && n.name.toLowerCase() === local));
      }
      return (n, doc) => principal(n, doc) && doc.localName(n) === local && doc.namespaceUri(n) === uri;
    }
  }
}

const HTML_NS = 'http://www.w3.org/1999/xhtml';

type Accept = (n: XNode) => boolean;

/** Pushes the nodes of `axis` from `n` that `accept` takes, in axis order (reverse axes: nearest first). */
function collect(env: Env, axis: string, n: XNode, test: NodeTest, accept: Accept, out: XNode[]): void {
  switch (axis) {
    case 'child': {
      // The commonest step: test children as they come, no intermediate list.
      const children = (n as ParentNode).children;
      if (children === undefined || isOwned(n)) return;
      for (let i = 0; i < children.length; i++) {
        const c = children[i]!;
        if (startsNode(children, i) && accept(c)) out.push(c);
      }
      return;
    }
    case 'descendant':
    case 'descendant-or-self':
      if (indexedDescendants(env, n, test, axis === 'descendant-or-self', accept, out)) return;
      if (axis === 'descendant-or-self' && accept(n)) out.push(n);
      return filterInto(n, pushDescendants, accept, out);
    case 'self':
      if (accept(n)) out.push(n);
      return;
    case 'parent': {
      const p = parentOf(n);
      if (p !== null && accept(p)) out.push(p);
      return;
    }
    case 'ancestor':
    case 'ancestor-or-self':
      for (let a = axis === 'ancestor' ? parentOf(n) : n; a !== null; a = parentOf(a)) if (accept(a)) out.push(a);
      return;
    case 'attribute':
      if (isElement(n)) for (const a of env.doc.attributes(n)) if (accept(a)) out.push(a);
      return;
    case 'namespace':
      if (isElement(n)) for (const a of env.doc.namespaces(n)) if (accept(a)) out.push(a);
      return;
    case 'following-sibling':
      return filterInto(n, (x, all) => pushSiblings(x, true, all), accept, out);
    case 'preceding-sibling':
      return filterInto(n, (x, all) => pushSiblings(x, false, all), accept, out);
    case 'following':
      return filterInto(n, following, accept, out);
    case 'preceding':
      return filterInto(n, preceding, accept, out);
  }
}

function filterInto(n: XNode, push: (n: XNode, all: XNode[]) => void, accept: Accept, out: XNode[]): void {
  const all: XNode[] = [];
  push(n, all);
  for (let i = 0; i < all.length; i++) if (accept(all[i]!)) out.push(all[i]!);
}

function following(n: XNode, out: XNode[]): void {
  let at: XNode | null = n;
  if (isOwned(n)) {
    at = n.owner;
    pushDescendants(at, out);
  }
  for (; at !== null; at = parentOf(at)) {
    const sibs: XNode[] = [];
    pushSiblings(at, true, sibs);
    for (const s of sibs) {
      out.push(s);
      pushDescendants(s, out);
    }
  }
}

function preceding(n: XNode, out: XNode[]): void {
  let at: XNode | null = isOwned(n) ? n.owner : n;
  for (; at !== null; at = parentOf(at)) {
    const sibs: XNode[] = [];
    pushSiblings(at, false, sibs);
    for (const s of sibs) {
      const sub: XNode[] = [s];
      pushDescendants(s, sub);
      for (let i = sub.length - 1; i >= 0; i--) out.push(sub[i]!);
    }
  }
}

/**
 * Descendant elements by name from the document's index (the same one CSS queries use):
 * only the elements of that name inside the context's subtree are tested. Null when the
 * index cannot answer (a non-element test, or a node outside the indexed tree).
 */
const bucketKeys = new Map<string, readonly BucketKey[]>();

/** The (shared) one-bucket key list for a tag name. */
function bucketKey(name: string): readonly BucketKey[] {
  let k = bucketKeys.get(name);
  if (k === undefined) {
    k = [{ kind: 'tag', value: name }];
    if (bucketKeys.size < 4096) bucketKeys.set(name, k);
  }
  return k;
}

function indexedDescendants(env: Env, n: XNode, test: NodeTest, orSelf: boolean, accept: Accept, out: XNode[]): boolean {
  if (test.kind !== 'name' && test.kind !== 'any') return false;
  if (isOwned(n)) return true; // no descendants
  const a = n as AnyNode;
  const isDocument = a.type === 'root' && a.parent === null;
  if (!isDocument && !isElement(n)) return false;
  const index = env.doc.index();
  const range = index.rangeOf(a, isDocument);
  if (range === null) return false;
  const from = isDocument || orSelf ? range[0] : range[0] + 1;
  // XML names carry their prefix: a prefixed test cannot use the buckets, which are by name as written.
  const key = test.kind === 'name' && (test.prefix === null || !env.doc.xml) ? bucketKey(test.local) : null;
  index.select<XNode>(accept as (el: Element) => boolean, from, range[1], key, out);
  return true;
}
