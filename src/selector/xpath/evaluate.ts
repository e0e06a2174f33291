import type { AnyNode } from 'domhandler';
import { compile } from './compile.js';
import { EXSLT_REGEX_NS, EXSLT_SETS_NS } from './exslt.js';
import { AttrNode, NamespaceNode, stringValue, XPathDocument, type XNode } from './nodes.js';
import { pythonFloatRepr } from './numbers.js';
import { parseXPath } from './parser.js';
import { XPathEvalError, type Compiled, type Value, type XPathVariable } from './values.js';

export { XPathDocument };
export { XPathSyntaxError } from './parser.js';
export { XPathEvalError, type XPathVariable } from './values.js';

/** The prefixes every Selector knows, as in parsel: EXSLT regular expressions and sets. */
export const DEFAULT_NAMESPACES: Readonly<Record<string, string>> = Object.freeze({ re: EXSLT_REGEX_NS, set: EXSLT_SETS_NS });

const CACHE_LIMIT = 1024;
const cache = new Map<string, Compiled>();

/** The compiled query, from the cache when it was compiled before. @throws XPathSyntaxError, XPathEvalError (unknown function) */
function compiled(query: string): Compiled {
  let c = cache.get(query);
  if (c === undefined) {
    c = compile(parseXPath(query));
    // FIFO eviction is enough: a spider uses a handful of queries, generated ones churn.
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(query, c);
  }
  return c;
}

/**
 * Compiles `query` (and keeps it for later), so that a malformed query or an unknown function
 * is reported where a component is configured rather than on the first page.
 * @throws XPathSyntaxError, XPathEvalError
 */
export function checkXPath(query: string): void {
  compiled(query);
}

export interface EvaluateOptions {
  readonly doc: XPathDocument;
  readonly variables?: Readonly<Record<string, XPathVariable>> | undefined;
  readonly namespaces: Readonly<Record<string, string>>;
}

/**
 * Evaluates `query` with `context` as the context node. `/` is the document node above
 * `context`'s tree.
 */
export function evaluateXPath(query: string, context: AnyNode, options: EvaluateOptions): Value {
  const c = compiled(query);
  if (options.variables !== undefined) checkVariables(options.variables);
  let root = context;
  while (root.parent !== null) root = root.parent;
  return c({ doc: options.doc, root, variables: options.variables, namespaces: options.namespaces, query }, context, 1, 1);
}

function checkVariables(vars: Readonly<Record<string, unknown>>): void {
  if (typeof vars !== 'object' || vars === null) {
    throw new XPathEvalError(`XPath variables must be an object like { id: 'x' }, got ${vars === null ? 'null' : typeof vars}`);
  }
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new XPathEvalError(`XPath variable $${k} must be a string, number or boolean, got ${v === null ? 'null' : typeof v}`);
    }
  }
}

/** One item of a query's result as parsel gives it: a node to select from, or a string. */
export type ResultItem = { node: AnyNode; text?: undefined } | { node?: undefined; text: string };

/**
 * parsel's view of a result: elements (and comments, processing instructions, the document)
 * stay nodes; text and attribute nodes become their strings; a number prints as a Python float
 * (`count()` → `'3.0'`), a boolean as `'1'`/`'0'`.
 */
export function resultItems(v: Value): ResultItem[] {
  if (typeof v === 'string') return [{ text: v }];
  if (typeof v === 'number') return [{ text: pythonFloatRepr(v) }];
  if (typeof v === 'boolean') return [{ text: v ? '1' : '0' }];
  const out: ResultItem[] = [];
  // lxml never returns the document node itself (`/`, `..` from the root element): it is dropped.
  for (const n of v) if ((n as AnyNode).type !== 'root') out.push(item(n));
  return out;
}

function item(n: XNode): ResultItem {
  if (n instanceof AttrNode) return { text: n.value };
  if (n instanceof NamespaceNode) return { text: `('${n.prefix}', '${n.uri}')` };
  const a = n as AnyNode;
  if (a.type === 'text' || a.type === 'cdata') return { text: stringValue(a) };
  return { node: a };
}
