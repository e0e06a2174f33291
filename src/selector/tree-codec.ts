import { Comment, Document, Element, ProcessingInstruction, Text, type AnyNode, type ParentNode } from 'domhandler';

/**
 * A parsed HTML document flattened for `postMessage`: structure and small names as integers,
 * text and attribute values as one list of strings. Rebuilding the tree from it costs a few
 * percent of parsing it (≈35 µs against ≈700 µs for a 20 KB page), which is what lets the
 * crawl parse on a worker thread and query on the main one.
 */
export interface EncodedTree {
  /** A pre-order walk: each node's kind, its fields, then (for parents) its child count. */
  ops: Int32Array;
  /** Text, comment and attribute-value strings, referred to by index. */
  strings: string[];
  /** Tag names, attribute names, namespaces, prefixes and doctype fields, referred to by index. */
  names: string[];
}

/** Node kinds in `EncodedTree.ops`. */
export const ELEMENT = 1;
export const TEXT = 2;
export const COMMENT = 3;
export const DOCTYPE = 4;
/** A document or a `<template>`'s content. */
export const FRAGMENT = 5;
// Name references for the values parse5's tree adapter leaves undefined or null.
const UNDEFINED = -1;
const NULL = -2;

type Extras = Record<string, unknown>;

/** Writes an `EncodedTree`: integers in a growing buffer, names numbered once each, strings in order. */
export class TreeWriter {
  #ops = new Int32Array(1024);
  #n = 0;
  readonly #strings: string[] = [];
  readonly #names: string[] = [];
  readonly #nameIds = new Map<string, number>();

  put(v: number): void {
    if (this.#n === this.#ops.length) {
      const grown = new Int32Array(this.#n * 2);
      grown.set(this.#ops);
      this.#ops = grown;
    }
    this.#ops[this.#n++] = v;
  }

  /** The number of a name (a tag, attribute, namespace…), numbering it on first sight. */
  name(s: unknown): number {
    if (s === undefined) return UNDEFINED;
    if (s === null) return NULL;
    const key = String(s);
    let id = this.#nameIds.get(key);
    if (id === undefined) {
      id = this.#names.length;
      this.#names.push(key);
      this.#nameIds.set(key, id);
    }
    return id;
  }

  /** The number of a text, comment or attribute-value string (each gets its own). */
  str(s: string | null | undefined): number {
    if (s === undefined) return UNDEFINED;
    if (s === null) return NULL;
    this.#strings.push(s);
    return this.#strings.length - 1;
  }

  finish(): EncodedTree {
    return { ops: this.#ops.slice(0, this.#n), strings: this.#strings, names: this.#names };
  }
}

/**
 * Flattens a tree built by parse5 with its htmlparser2 tree adapter (documents, fragments such
 * as `<template>` content, elements, text, comments, the doctype), keeping the fields the
 * adapter sets: namespaces, attribute namespaces and prefixes, the document mode. (The parse
 * threads build the encoding while parsing instead: flat-tree-builder.ts.)
 * @throws TypeError for a node type that parser never produces.
 */
export function encodeTree(root: Document): EncodedTree {
  const w = new TreeWriter();
  // Iterative: a page nested 100,000 deep must not overflow the stack.
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const extras = node as unknown as Extras;
    let children: readonly AnyNode[] | null = null;
    switch (node.type) {
      case 'tag':
      case 'script':
      case 'style': {
        const el = node as Element;
        w.put(ELEMENT);
        w.put(w.name(el.name));
        w.put(w.name(el.namespace));
        const attribs = el.attribs;
        const ns = extras['x-attribsNamespace'] as Extras | undefined;
        const prefix = extras['x-attribsPrefix'] as Extras | undefined;
        const keys = Object.keys(attribs);
        w.put(keys.length);
        for (const k of keys) {
          w.put(w.name(k));
          w.put(w.str(attribs[k]));
          w.put(w.name(ns?.[k]));
          w.put(w.name(prefix?.[k]));
        }
        children = el.children;
        break;
      }
      case 'text':
        w.put(TEXT);
        w.put(w.str((node as Text).data));
        break;
      case 'comment':
        w.put(COMMENT);
        w.put(w.str((node as Comment).data));
        break;
      case 'directive':
        w.put(DOCTYPE);
        w.put(w.str((node as ProcessingInstruction).data));
        w.put(w.name(extras['x-name']));
        w.put(w.name(extras['x-publicId']));
        w.put(w.name(extras['x-systemId']));
        break;
      case 'root':
        w.put(FRAGMENT);
        w.put(w.name(extras['x-mode']));
        children = (node as Document).children;
        break;
      default:
        throw new TypeError(`encodeTree: unexpected ${node.type} node`);
    }
    if (children !== null) {
      w.put(children.length);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return w.finish();
}

/** Rebuilds the tree `encodeTree` flattened: the same node classes and fields, linked. */
export function decodeTree(tree: EncodedTree): Document {
  const { ops, strings, names } = tree;
  let p = 0;
  const name = (id: number): string | null | undefined => (id === UNDEFINED ? undefined : id === NULL ? null : names[id]);
  const str = (id: number): string | null | undefined => (id === UNDEFINED ? undefined : id === NULL ? null : strings[id]);
  // Open parents with the number of children each still expects.
  const parents: ParentNode[] = [];
  const remaining: number[] = [];
  let root: Document | null = null;
  while (p < ops.length) {
    const kind = ops[p++]!;
    let node: AnyNode;
    let childCount = -1;
    if (kind === ELEMENT) {
      const tag = names[ops[p++]!]!;
      const namespace = name(ops[p++]!);
      const count = ops[p++]!;
      const attribs: Record<string, string> = Object.create(null);
      const ns: Extras = Object.create(null);
      const prefix: Extras = Object.create(null);
      for (let i = 0; i < count; i++) {
        const k = names[ops[p++]!]!;
        attribs[k] = str(ops[p++]!) as string;
        ns[k] = name(ops[p++]!);
        prefix[k] = name(ops[p++]!);
      }
      const el = new Element(tag, attribs, []);
      el.namespace = namespace as string;
      (el as unknown as Extras)['x-attribsNamespace'] = ns;
      (el as unknown as Extras)['x-attribsPrefix'] = prefix;
      node = el;
      childCount = ops[p++]!;
    } else if (kind === TEXT) {
      node = new Text(str(ops[p++]!) as string);
    } else if (kind === COMMENT) {
      node = new Comment(str(ops[p++]!) as string);
    } else if (kind === DOCTYPE) {
      const pi = new ProcessingInstruction('!doctype', str(ops[p++]!) as string);
      const extras = pi as unknown as Extras;
      extras['x-name'] = name(ops[p++]!);
      extras['x-publicId'] = name(ops[p++]!);
      extras['x-systemId'] = name(ops[p++]!);
      node = pi;
    } else if (kind === FRAGMENT) {
      const doc = new Document([]);
      const mode = name(ops[p++]!);
      if (mode !== undefined) (doc as unknown as Extras)['x-mode'] = mode;
      node = doc;
      childCount = ops[p++]!;
    } else {
      throw new TypeError(`decodeTree: unknown node kind ${kind} at ${p - 1}`);
    }
    if (p > ops.length) throw new TypeError('decodeTree: the tree is truncated');
    const top = parents.length - 1;
    if (top >= 0) {
      const parent = parents[top]!;
      const siblings = parent.children;
      const prev = siblings[siblings.length - 1];
      if (prev !== undefined) {
        prev.next = node;
        node.prev = prev;
      }
      siblings.push(node);
      node.parent = parent;
      remaining[top]!--;
    } else if (root === null && kind === FRAGMENT) {
      root = node as Document;
    } else {
      throw new TypeError('decodeTree: the tree must be a single document');
    }
    if (childCount > 0) {
      parents.push(node as ParentNode);
      remaining.push(childCount);
    }
    while (parents.length > 0 && remaining[remaining.length - 1] === 0) {
      parents.pop();
      remaining.pop();
    }
  }
  if (root === null || parents.length > 0) throw new TypeError('decodeTree: the tree is truncated');
  return root;
}
