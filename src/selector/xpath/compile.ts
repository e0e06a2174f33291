import { REVERSE_AXES, type ArithOp, type Expr, type Step } from './ast.js';
import { collect, disjointElements, needsNamespaces, nodeTest, type Accept } from './axes.js';
import { compileCompare } from './compare.js';
import { compileCall } from './functions.js';
import type { XNode } from './nodes.js';
import { toBool, toNum, XPathEvalError, type Compiled, type Env } from './values.js';

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
      return compileCompare(e.op, e.left, e.right, compile(e.left), compile(e.right));
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
