import type { AnyNode } from 'domhandler';
import { compile } from './compile.js';
import { EXSLT_REGEX_NS, EXSLT_SETS_NS } from './exslt.js';
import { stringValue, XPathDocument, type XNode } from './nodes.js';
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

/**
 * Evaluates `query` with `context` as the context node. `/` is the document node above
 * `context`'s tree.
 */
export function evaluateXPath(
  query: string,
  context: AnyNode,
  doc: XPathDocument,
  variables: Readonly<Record<string, XPathVariable>> | undefined,
  namespaces: Readonly<Record<string, string>>,
): Value {
  const c = compiled(query);
  if (variables !== undefined) checkVariables(variables);
  let root = context;
  while (root.parent !== null) root = root.parent;
  return c({ doc, root, variables, namespaces, query }, context, 1, 1);
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

/**
 * parsel's view of a result item: elements (and comments, processing instructions) stay nodes
 * (null here); text and attribute nodes become their strings.
 */
export function nodeResultText(n: XNode): string | null {
  switch (n.type) {
    case 'attribute':
      return n.value;
    case 'namespace':
      return `('${n.prefix}', '${n.uri}')`;
    case 'text':
    case 'cdata':
      return stringValue(n);
    default:
      return null;
  }
}

/** A string, number or boolean result as parsel prints it: a number as a Python float (`count()` → `'3.0'`), a boolean as `'1'`/`'0'`. */
export function scalarText(v: string | number | boolean): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return pythonFloatRepr(v);
  return v ? '1' : '0';
}
