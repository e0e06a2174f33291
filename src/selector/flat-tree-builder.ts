import { html, type Token, type TreeAdapter, type TreeAdapterTypeMap } from 'parse5';
import { parseHtmlWith } from './html-parser.js';
import { COMMENT, DOCTYPE, ELEMENT, FRAGMENT, TEXT, TreeWriter, type EncodedTree } from './tree-codec.js';

/** Every node is a number: its index in the builder's columns (0 is "none"). */
type FlatTypeMap = TreeAdapterTypeMap<number, number, number, number, number, number, number, number, number, number>;

/**
 * A parse5 tree adapter that keeps the tree as columns of numbers and strings instead of
 * objects, for the parse threads: parse5 needs a mutable tree while it parses (foster
 * parenting, the adoption agency, `<template>` contents), but a thread only sends the tree
 * away, flattened. Building domhandler nodes and then walking them to flatten them took
 * ≈10% of a thread's time (bench/README.md, session 5); here a node is a few integers and
 * its strings, and `encode()` writes the same `EncodedTree` that `encodeTree(parseHtml(text))`
 * gives, number for number.
 *
 * What it mirrors of parse5-htmlparser2-tree-adapter, so that the trees are the same: a
 * template's content is a fragment appended as the template's child; the document's mode;
 * the doctype's serialised text and name, public and system ids; attributes as the adapter
 * stores them (an object per element: the last of two attributes that end up with one name
 * wins, keys in object order).
 */
class FlatTreeBuilder implements TreeAdapter<FlatTypeMap> {
  // Columns, by node number. Node 0 stands for "none" in the links.
  readonly #kind: number[] = [0];
  readonly #parent: number[] = [0];
  readonly #first: number[] = [0];
  readonly #last: number[] = [0];
  readonly #next: number[] = [0];
  readonly #prev: number[] = [0];
  readonly #childCount: number[] = [0];
  /** Elements: tag name. Doctype: its name. Others: ''. */
  readonly #name: string[] = [''];
  /** Elements: namespace. Text, comment, doctype: data. Documents: the mode, '' for fragments. */
  readonly #value: string[] = [''];
  /** Elements: their attributes (owned by the builder once adopted into). Others: null. */
  readonly #attrs: (Token.Attribute[] | null)[] = [null];
  /** Doctypes: [public id, system id]. */
  readonly #doctypeIds = new Map<number, [string, string]>();

  #add(kind: number, name: string, value: string, attrs: Token.Attribute[] | null): number {
    const id = this.#kind.length;
    this.#kind.push(kind);
    this.#parent.push(0);
    this.#first.push(0);
    this.#last.push(0);
    this.#next.push(0);
    this.#prev.push(0);
    this.#childCount.push(0);
    this.#name.push(name);
    this.#value.push(value);
    this.#attrs.push(attrs);
    return id;
  }

  // Node construction

  createDocument(): number {
    return this.#add(FRAGMENT, '', html.DOCUMENT_MODE.NO_QUIRKS, null);
  }

  createDocumentFragment(): number {
    return this.#add(FRAGMENT, '', '', null);
  }

  createElement(tagName: string, namespaceURI: html.NS, attrs: Token.Attribute[]): number {
    return this.#add(ELEMENT, tagName, namespaceURI, attrs);
  }

  createCommentNode(data: string): number {
    return this.#add(COMMENT, '', data, null);
  }

  createTextNode(value: string): number {
    return this.#add(TEXT, '', value, null);
  }

  // Tree mutation

  appendChild(parent: number, node: number): void {
    const prev = this.#last[parent]!;
    if (prev !== 0) {
      this.#next[prev] = node;
      this.#prev[node] = prev;
    } else {
      this.#first[parent] = node;
    }
    this.#last[parent] = node;
    this.#parent[node] = parent;
    this.#childCount[parent]!++;
  }

  insertBefore(parent: number, node: number, reference: number): void {
    const prev = this.#prev[reference]!;
    if (prev !== 0) {
      this.#next[prev] = node;
      this.#prev[node] = prev;
    } else {
      this.#first[parent] = node;
    }
    this.#next[node] = reference;
    this.#prev[reference] = node;
    this.#parent[node] = parent;
    this.#childCount[parent]!++;
  }

  setTemplateContent(template: number, content: number): void {
    this.appendChild(template, content);
  }

  getTemplateContent(template: number): number {
    return this.#first[template]!;
  }

  setDocumentType(document: number, name: string, publicId: string, systemId: string): void {
    let doctype = 0;
    for (let c = this.#first[document]!; c !== 0; c = this.#next[c]!) {
      if (this.#kind[c] === DOCTYPE) {
        doctype = c;
        break;
      }
    }
    const data = doctypeText(name, publicId, systemId);
    if (doctype === 0) {
      doctype = this.#add(DOCTYPE, name, data, null);
      this.appendChild(document, doctype);
    } else {
      this.#name[doctype] = name;
      this.#value[doctype] = data;
    }
    this.#doctypeIds.set(doctype, [publicId, systemId]);
  }

  setDocumentMode(document: number, mode: html.DOCUMENT_MODE): void {
    this.#value[document] = mode;
  }

  getDocumentMode(document: number): html.DOCUMENT_MODE {
    return this.#value[document] as html.DOCUMENT_MODE;
  }

  detachNode(node: number): void {
    const parent = this.#parent[node]!;
    if (parent === 0) return;
    const prev = this.#prev[node]!;
    const next = this.#next[node]!;
    if (prev !== 0) this.#next[prev] = next;
    else this.#first[parent] = next;
    if (next !== 0) this.#prev[next] = prev;
    else this.#last[parent] = prev;
    this.#prev[node] = 0;
    this.#next[node] = 0;
    this.#parent[node] = 0;
    this.#childCount[parent]!--;
  }

  insertText(parent: number, text: string): void {
    const last = this.#last[parent]!;
    if (last !== 0 && this.#kind[last] === TEXT) this.#value[last] += text;
    else this.appendChild(parent, this.createTextNode(text));
  }

  insertTextBefore(parent: number, text: string, reference: number): void {
    const prev = this.#prev[reference]!;
    if (prev !== 0 && this.#kind[prev] === TEXT) this.#value[prev] += text;
    else this.insertBefore(parent, this.createTextNode(text), reference);
  }

  adoptAttributes(recipient: number, attrs: Token.Attribute[]): void {
    const own = this.#attrs[recipient]!;
    let merged: Token.Attribute[] | null = null;
    for (const a of attrs) {
      if (own.some((o) => o.name === a.name) || merged?.some((o) => o.name === a.name)) continue;
      // A copy: parse5 may share a token's attribute list between elements (the adoption agency's clones).
      (merged ??= [...own]).push(a);
    }
    if (merged !== null) this.#attrs[recipient] = merged;
  }

  // Tree traversing

  getFirstChild(node: number): number | null {
    return this.#first[node] || null;
  }

  getChildNodes(node: number): number[] {
    const out: number[] = [];
    for (let c = this.#first[node]!; c !== 0; c = this.#next[c]!) out.push(c);
    return out;
  }

  getParentNode(node: number): number | null {
    return this.#parent[node] || null;
  }

  getAttrList(element: number): Token.Attribute[] {
    return this.#attrs[element]!;
  }

  // Node data

  getTagName(element: number): string {
    return this.#name[element]!;
  }

  getNamespaceURI(element: number): html.NS {
    return this.#value[element] as html.NS;
  }

  getTextNodeContent(node: number): string {
    return this.#value[node]!;
  }

  getCommentNodeContent(node: number): string {
    return this.#value[node]!;
  }

  getDocumentTypeNodeName(node: number): string {
    return this.#name[node]!;
  }

  getDocumentTypeNodePublicId(node: number): string {
    return this.#doctypeIds.get(node)?.[0] ?? '';
  }

  getDocumentTypeNodeSystemId(node: number): string {
    return this.#doctypeIds.get(node)?.[1] ?? '';
  }

  // Node types

  isTextNode(node: number): node is number {
    return this.#kind[node] === TEXT;
  }

  isCommentNode(node: number): node is number {
    return this.#kind[node] === COMMENT;
  }

  isDocumentTypeNode(node: number): node is number {
    return this.#kind[node] === DOCTYPE;
  }

  isElementNode(node: number): node is number {
    return this.#kind[node] === ELEMENT;
  }

  // Source code locations are not asked for (`sourceCodeLocationInfo` is off).

  setNodeSourceCodeLocation(): void {}

  getNodeSourceCodeLocation(): undefined {
    return undefined;
  }

  updateNodeSourceCodeLocation(): void {}

  /**
   * The tree under `root` in tree-codec's encoding, in the pre-order `encodeTree` walks a
   * domhandler tree, so that names and strings get the same numbers too. Iterative (parent
   * links), so a page nested 100,000 deep does not overflow the stack.
   */
  encode(root: number): EncodedTree {
    const w = new TreeWriter();
    const kind = this.#kind;
    const first = this.#first;
    const next = this.#next;
    const parent = this.#parent;
    let node = root;
    while (node !== 0) {
      const k = kind[node]!;
      if (k === ELEMENT) {
        w.put(ELEMENT);
        w.put(w.name(this.#name[node]!));
        w.put(w.name(this.#value[node]!));
        writeAttributes(w, this.#attrs[node]!);
        w.put(this.#childCount[node]!);
      } else if (k === TEXT || k === COMMENT) {
        w.put(k);
        w.put(w.str(this.#value[node]!));
      } else if (k === DOCTYPE) {
        const [publicId, systemId] = this.#doctypeIds.get(node)!;
        w.put(DOCTYPE);
        w.put(w.str(this.#value[node]!));
        w.put(w.name(this.#name[node]!));
        w.put(w.name(publicId));
        w.put(w.name(systemId));
      } else {
        const mode = this.#value[node]!;
        w.put(FRAGMENT);
        w.put(mode === '' ? w.name(undefined) : w.name(mode));
        w.put(this.#childCount[node]!);
      }
      // Next in pre-order: the first child, else the next sibling of the nearest node that has one.
      if (first[node] !== 0) {
        node = first[node]!;
        continue;
      }
      while (node !== root && next[node] === 0) node = parent[node]!;
      node = node === root ? 0 : next[node]!;
    }
    return w.finish();
  }
}

/**
 * An element's attributes as parse5-htmlparser2-tree-adapter stores them: one object key per
 * name (the last value wins; array-index names first, ascending, as objects order keys).
 * Almost every element has distinct, non-numeric names and is written in list order.
 */
function writeAttributes(w: TreeWriter, attrs: Token.Attribute[]): void {
  const n = attrs.length;
  let plain = true;
  for (let i = 0; i < n && plain; i++) {
    const name = attrs[i]!.name;
    const c = name.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) plain = false;
    for (let j = 0; j < i && plain; j++) if (attrs[j]!.name === name) plain = false;
  }
  if (plain) {
    w.put(n);
    for (let i = 0; i < n; i++) writeAttribute(w, attrs[i]!.name, attrs[i]!);
    return;
  }
  const byName: Record<string, Token.Attribute> = Object.create(null);
  for (const a of attrs) byName[a.name] = a;
  const names = Object.keys(byName);
  w.put(names.length);
  for (const name of names) writeAttribute(w, name, byName[name]!);
}

function writeAttribute(w: TreeWriter, name: string, a: Token.Attribute): void {
  w.put(w.name(name));
  w.put(w.str(a.value));
  w.put(w.name(a.namespace));
  w.put(w.name(a.prefix));
}

/** The doctype's text as parse5-htmlparser2-tree-adapter writes it (`!DOCTYPE html PUBLIC "…" "…"`). */
function doctypeText(name: string, publicId: string, systemId: string): string {
  let s = '!DOCTYPE ';
  if (name) s += name;
  if (publicId) s += ` PUBLIC ${quoteId(publicId)}`;
  else if (systemId) s += ' SYSTEM';
  if (systemId) s += ` ${quoteId(systemId)}`;
  return s;
}

function quoteId(id: string): string {
  const quote = id.includes('"') ? "'" : '"';
  return quote + id + quote;
}

/**
 * Parses HTML as `parseHtml` does (parse5, scripting off) straight into tree-codec's encoding:
 * `parseHtmlEncoded(text)` equals `encodeTree(parseHtml(text))` without building the
 * domhandler tree in between.
 */
export function parseHtmlEncoded(text: string): EncodedTree {
  const builder = new FlatTreeBuilder();
  const doc = parseHtmlWith<FlatTypeMap>(text, builder);
  return builder.encode(doc);
}
