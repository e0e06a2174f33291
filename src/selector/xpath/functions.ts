import type { AnyNode, Element } from 'domhandler';
import { EXSLT_REGEX_FUNCTIONS, EXSLT_REGEX_NS, EXSLT_SET_FUNCTIONS, EXSLT_SETS_NS } from './exslt.js';
import { isElement, stringValue, type XNode } from './nodes.js';
import {
  defineFunction as def,
  nodeSetArg,
  resolvePrefix,
  toBool,
  toNum,
  toStr,
  XPathEvalError,
  type Compiled,
  type Env,
  type FunctionDef,
  type Value,
} from './values.js';

/** The node a name function looks at: the first of its node-set argument, or the context node. */
function nameSubject(env: Env, node: XNode, pos: number, size: number, args: readonly Compiled[], name: string): XNode | null {
  if (args.length === 0) return node;
  const set = nodeSetArg(env, args[0]!(env, node, pos, size), name);
  return set.length ? set[0]! : null;
}

const HAS_SURROGATES = /[\uD800-\uDFFF]/;

/** Characters as XPath (and libxml2) counts them: code points, not UTF-16 units. */
function chars(s: string): string[] | string {
  return HAS_SURROGATES.test(s) ? Array.from(s) : s;
}

const XPATH_SPACE = /[\x20\x09\x0a\x0d]+/g;
const HTML5_SPACE = /[\t\n\f\r ]+/g;

/** XPath 1.0's core function library, plus parsel's `has-class()`. */
const CORE: Record<string, FunctionDef> = {
  last: def(0, 0, (_e, _n, _p, size) => size),
  position: def(0, 0, (_e, _n, pos) => pos),
  count: def(1, 1, (env, n, p, s, a) => nodeSetArg(env, a[0]!(env, n, p, s), 'count').length),
  id: def(1, 1, (env, n, p, s, a) => idFunction(env, a[0]!(env, n, p, s))),
  'local-name': def(0, 1, (env, n, p, s, a) => {
    const x = nameSubject(env, n, p, s, a, 'local-name');
    return x === null ? '' : env.doc.localName(x);
  }),
  'namespace-uri': def(0, 1, (env, n, p, s, a) => {
    const x = nameSubject(env, n, p, s, a, 'namespace-uri');
    return x === null ? '' : (env.doc.namespaceUri(x) ?? '');
  }),
  name: def(0, 1, (env, n, p, s, a) => {
    const x = nameSubject(env, n, p, s, a, 'name');
    return x === null ? '' : env.doc.qualifiedName(x);
  }),
  string: def(0, 1, (env, n, p, s, a) => (a.length ? toStr(a[0]!(env, n, p, s)) : stringValue(n))),
  concat: def(2, Infinity, (env, n, p, s, a) => {
    let out = '';
    for (const f of a) out += toStr(f(env, n, p, s));
    return out;
  }),
  'starts-with': def(2, 2, (env, n, p, s, a) => toStr(a[0]!(env, n, p, s)).startsWith(toStr(a[1]!(env, n, p, s)))),
  contains: def(2, 2, (env, n, p, s, a) => toStr(a[0]!(env, n, p, s)).includes(toStr(a[1]!(env, n, p, s)))),
  'substring-before': def(2, 2, (env, n, p, s, a) => {
    const str = toStr(a[0]!(env, n, p, s));
    const i = str.indexOf(toStr(a[1]!(env, n, p, s)));
    return i < 0 ? '' : str.slice(0, i);
  }),
  'substring-after': def(2, 2, (env, n, p, s, a) => {
    const str = toStr(a[0]!(env, n, p, s));
    const sub = toStr(a[1]!(env, n, p, s));
    const i = str.indexOf(sub);
    return i < 0 ? '' : str.slice(i + sub.length);
  }),
  substring: def(2, 3, (env, n, p, s, a) => {
    const str = chars(toStr(a[0]!(env, n, p, s)));
    const start = xpathRound(toNum(a[1]!(env, n, p, s)));
    const end = a.length > 2 ? start + xpathRound(toNum(a[2]!(env, n, p, s))) : Infinity;
    let out = '';
    // Positions are 1-based; comparisons with NaN are false, so NaN gives ''.
    for (let i = 0; i < str.length; i++) if (i + 1 >= start && i + 1 < end) out += str[i];
    return out;
  }),
  'string-length': def(0, 1, (env, n, p, s, a) => chars(a.length ? toStr(a[0]!(env, n, p, s)) : stringValue(n)).length),
  'normalize-space': def(0, 1, (env, n, p, s, a) =>
    (a.length ? toStr(a[0]!(env, n, p, s)) : stringValue(n)).replace(XPATH_SPACE, ' ').replace(/^ | $/g, ''),
  ),
  translate: def(3, 3, (env, n, p, s, a) => {
    const str = chars(toStr(a[0]!(env, n, p, s)));
    const from = chars(toStr(a[1]!(env, n, p, s)));
    const to = chars(toStr(a[2]!(env, n, p, s)));
    const map = new Map<string, string>();
    for (let i = 0; i < from.length; i++) if (!map.has(from[i]!)) map.set(from[i]!, i < to.length ? to[i]! : '');
    let out = '';
    for (let i = 0; i < str.length; i++) {
      const c = str[i]!;
      const m = map.get(c);
      out += m === undefined ? c : m;
    }
    return out;
  }),
  boolean: def(1, 1, (env, n, p, s, a) => toBool(a[0]!(env, n, p, s))),
  not: def(1, 1, (env, n, p, s, a) => !toBool(a[0]!(env, n, p, s))),
  true: def(0, 0, () => true),
  false: def(0, 0, () => false),
  lang: def(1, 1, (env, n, p, s, a) => lang(n, toStr(a[0]!(env, n, p, s)))),
  number: def(0, 1, (env, n, p, s, a) => toNum(a.length ? a[0]!(env, n, p, s) : stringValue(n))),
  sum: def(1, 1, (env, n, p, s, a) => {
    let total = 0;
    for (const x of nodeSetArg(env, a[0]!(env, n, p, s), 'sum')) total += toNum(stringValue(x));
    return total;
  }),
  floor: def(1, 1, (env, n, p, s, a) => Math.floor(toNum(a[0]!(env, n, p, s)))),
  ceiling: def(1, 1, (env, n, p, s, a) => Math.ceil(toNum(a[0]!(env, n, p, s)))),
  round: def(1, 1, (env, n, p, s, a) => xpathRound(toNum(a[0]!(env, n, p, s)))),
  'has-class': def(1, Infinity, hasClass),
};

/** XPath's round(): halves go towards +Infinity (Math.round does the same, -0 included). */
function xpathRound(x: number): number {
  return Math.round(x);
}

/** parsel's `has-class("a", "b")`: the context element's class attribute holds every name given. */
function hasClass(env: Env, node: XNode, pos: number, size: number, args: readonly Compiled[]): boolean {
  const classes = args.map((f) => {
    const v = f(env, node, pos, size);
    if (typeof v !== 'string') throw new XPathEvalError(`has-class arguments must be strings, in XPath ${JSON.stringify(env.query)}`);
    return v;
  });
  if (!isElement(node)) return false;
  const cls = node.attribs['class'];
  if (cls === undefined) return false;
  const padded = ` ${cls} `.replace(HTML5_SPACE, ' ');
  return classes.every((c) => padded.includes(` ${c} `));
}

/** XPath's id(): elements whose ID is one of the whitespace-separated tokens (HTML: the `id` attribute; XML: `xml:id`). */
function idFunction(env: Env, v: Value): XNode[] {
  const tokens = new Set<string>();
  const add = (s: string) => {
    for (const t of s.split(XPATH_SPACE)) if (t) tokens.add(t);
  };
  if (Array.isArray(v)) for (const x of v) add(stringValue(x));
  else add(toStr(v));
  if (tokens.size === 0) return [];
  const attr = env.doc.xml ? 'xml:id' : 'id';
  const out: XNode[] = [];
  const seen = new Set<string>();
  for (const el of env.doc.index().elements) {
    const id = el.attribs[attr];
    if (id !== undefined && tokens.has(id) && !seen.has(id)) {
      seen.add(id); // the first element with an ID owns it
      out.push(el);
    }
  }
  return out;
}

/** XPath's lang(): the nearest `xml:lang` is the language or a sub-language of it. */
function lang(node: XNode, want: string): boolean {
  for (let n: AnyNode | null = (isElement(node) ? node : (node as AnyNode).parent) as AnyNode | null; n !== null; n = n.parent as AnyNode | null) {
    if (!isElement(n)) continue;
    const v = (n as Element).attribs['xml:lang'];
    if (v === undefined) continue;
    const have = v.toLowerCase();
    const w = want.toLowerCase();
    return have === w || have.startsWith(w + '-');
  }
  return false;
}

const EXTENSIONS: ReadonlyMap<string, Record<string, FunctionDef>> = new Map([
  [EXSLT_REGEX_NS, EXSLT_REGEX_FUNCTIONS],
  [EXSLT_SETS_NS, EXSLT_SET_FUNCTIONS],
]);

/** A function call: core functions are checked now (name, argument count); prefixed ones when the namespaces are known. */
export function compileCall(prefix: string | null, local: string, args: Compiled[]): Compiled {
  if (prefix === null) {
    const d = CORE[local];
    if (d === undefined || !Object.hasOwn(CORE, local)) throw new XPathEvalError(`Unknown XPath function ${local}()`);
    checkArity(local, d, args.length);
    const fn = d.fn;
    return (env, n, p, s) => fn(env, n, p, s, args);
  }
  return (env, n, p, s) => {
    const uri = resolvePrefix(env, prefix);
    const d = EXTENSIONS.get(uri)?.[local];
    if (d === undefined) throw new XPathEvalError(`Unknown XPath function ${prefix}:${local}() (namespace ${uri}), in XPath ${JSON.stringify(env.query)}`);
    checkArity(`${prefix}:${local}`, d, args.length);
    return d.fn(env, n, p, s, args);
  };
}

function checkArity(name: string, d: FunctionDef, n: number): void {
  if (n >= d.min && n <= d.max) return;
  const want = d.min === d.max ? `${d.min}` : d.max === Infinity ? `at least ${d.min}` : `${d.min} to ${d.max}`;
  throw new XPathEvalError(`XPath function ${name}() takes ${want} argument${want === '1' ? '' : 's'}, got ${n}`);
}

