import type { AnyNode, Element, ParentNode } from 'domhandler';
import type { BucketKey } from '../doc-index.js';
import type { NodeTest } from './ast.js';
import {
  isElement,
  isOwned,
  isProcessingInstruction,
  parentOf,
  piTarget,
  pushDescendants,
  pushSiblings,
  startsNode,
  type XNode,
  type XPathDocument,
} from './nodes.js';
import { resolvePrefix, type Env } from './values.js';

/** The axes of XPath 1.0 over the document model of nodes.ts, and node tests. */

/**
 * Whether `nodes` are indexed elements in document order whose subtrees do not overlap: then
 * steps that stay inside each subtree give their results in document order with no repeats,
 * and no document-wide ordering is needed (building one costs a walk of the whole page).
 */
export function disjointElements(env: Env, nodes: readonly XNode[]): boolean {
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
export type Match = (n: XNode, doc: XPathDocument) => boolean;

export function needsNamespaces(test: NodeTest): boolean {
  return (test.kind === 'name' || test.kind === 'any') && test.prefix !== null;
}

const isAttr: Match = (n) => n.type === 'attribute';
const isNamespace: Match = (n) => n.type === 'namespace';
const isElementMatch: Match = (n) => isElement(n);

/** The node test as a function, for the axis's principal node type (`env` is needed only for a prefix). */
export function nodeTest(env: Env | null, test: NodeTest, axis: string, xml: boolean): Match {
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

export type Accept = (n: XNode) => boolean;

/** Pushes the nodes of `axis` from `n` that `accept` takes, in axis order (reverse axes: nearest first). */
export function collect(env: Env, axis: string, n: XNode, test: NodeTest, accept: Accept, out: XNode[]): void {
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
