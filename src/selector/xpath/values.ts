import { InvalidArgumentError } from '../../crawler/errors.js';
import type { AnyNode } from 'domhandler';
import { XML_NAMESPACE, type XNode, type XPathDocument } from './nodes.js';
import { stringValue } from './nodes.js';
import { stringToNumber, xpathNumberToString } from './numbers.js';

/** An XPath value: a node-set (an array in document order, no repeats), a string, a number or a boolean. */
export type Value = XNode[] | string | number | boolean;

/** A variable's value as a caller passes it: `$id` in `xpath('//a[@id=$id]', { id: 'x' })`. */
export type XPathVariable = string | number | boolean;

/** A query that is well-formed but cannot be evaluated: unknown function or prefix, undefined variable, wrong argument type. */
export class XPathEvalError extends InvalidArgumentError {
  override readonly code = 'TSC_ERR_XPATH_EVAL';
}

/** What a compiled expression sees besides its context node, position and size. */
export interface Env {
  readonly doc: XPathDocument;
  /** The document node `/` starts from. */
  readonly root: AnyNode;
  readonly variables: Readonly<Record<string, XPathVariable>> | undefined;
  readonly namespaces: Readonly<Record<string, string>>;
  readonly query: string;
}

/** A compiled expression. `pos` and `size` are the context position and size (1-based). */
export type Compiled = (env: Env, node: XNode, pos: number, size: number) => Value;

export function isNodeSet(v: Value): v is XNode[] {
  return Array.isArray(v);
}

export function toStr(v: Value): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length ? stringValue(v[0]!) : '';
  if (typeof v === 'number') return xpathNumberToString(v);
  return v ? 'true' : 'false';
}

export function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return stringToNumber(toStr(v));
}

export function toBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return v.length > 0;
}

/** The namespace URI bound to `prefix`, or an error naming the prefix and how to declare it. */
export function resolvePrefix(env: Env, prefix: string): string {
  if (prefix === 'xml') return XML_NAMESPACE; // bound in every XPath context
  const uri = env.namespaces[prefix];
  if (typeof uri !== 'string' || !Object.hasOwn(env.namespaces, prefix)) {
    throw new XPathEvalError(
      `Undefined namespace prefix "${prefix}" in XPath ${JSON.stringify(env.query)}; ` +
        `declare it with selector.registerNamespace('${prefix}', uri) or xpath(query, vars, { namespaces: { ${prefix}: uri } })`,
    );
  }
  return uri;
}

/** A library function: called with its compiled arguments, so it decides what to evaluate. */
export type XPathFunction = (env: Env, node: XNode, pos: number, size: number, args: readonly Compiled[]) => Value;

export interface FunctionDef {
  readonly fn: XPathFunction;
  readonly min: number;
  readonly max: number;
}

export function defineFunction(min: number, max: number, fn: XPathFunction): FunctionDef {
  return { fn, min, max };
}

export function nodeSetArg(env: Env, v: Value, name: string): XNode[] {
  if (!Array.isArray(v)) throw new XPathEvalError(`${name}() needs a node-set argument, in XPath ${JSON.stringify(env.query)}`);
  return v;
}
