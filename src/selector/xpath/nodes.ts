import type { AnyNode, Element, ParentNode } from 'domhandler';
import type { DocumentIndex } from '../doc-index.js';

/**
 * The XPath data model over the domhandler tree the CSS queries use: elements, text (a run of
 * adjacent text and CDATA nodes is one text node, as in lxml), comments, processing
 * instructions, and attribute and namespace nodes made on demand (once per element, so a node
 * is always the same object).
 */

/** An attribute of an element. */
export class AttrNode {
  /** Tells it from domhandler's nodes with one property read (cheaper than `instanceof` on hot paths). */
  readonly type = 'attribute';
  constructor(
    readonly owner: Element,
    readonly name: string,
    readonly value: string,
    readonly index: number,
  ) {}
}

/** A namespace in scope on an element. */
export class NamespaceNode {
  readonly type = 'namespace';
  constructor(
    readonly owner: Element,
    readonly prefix: string,
    readonly uri: string,
    readonly index: number,
  ) {}
}

export type XNode = AnyNode | AttrNode | NamespaceNode;

/** Whether `n` is an attribute or namespace node (which have an owner element, not a parent). */
export function isOwned(n: XNode): n is AttrNode | NamespaceNode {
  const t = n.type;
  return t === 'attribute' || t === 'namespace';
}

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

export function isElement(n: XNode): n is Element {
  const t = (n as AnyNode).type;
  return t === 'tag' || t === 'script' || t === 'style';
}

function isTextLike(n: AnyNode): boolean {
  return n.type === 'text' || n.type === 'cdata';
}

/** A processing instruction (htmlparser2 keeps the XML declaration and doctypes as directives too: not nodes in XPath). */
export function isProcessingInstruction(n: XNode): boolean {
  const a = n as AnyNode;
  if (a.type !== 'directive') return false;
  const name = (a as unknown as { name: string }).name;
  return name.charCodeAt(0) === 63 /* ? */ && name.toLowerCase() !== '?xml';
}

/** Whether a domhandler node is a node of the XPath tree (doctypes, the XML declaration and template fragments are not). */
function isVisible(n: AnyNode): boolean {
  const t = n.type;
  if (t === 'directive') return isProcessingInstruction(n);
  return t !== 'root';
}

/** The node a child or sibling of the XPath tree stands for: a run of text/CDATA is its first node. */
export function startsNode(children: readonly AnyNode[], i: number): boolean {
  const c = children[i]!;
  if (c.type === 'tag') return true;
  if (!isVisible(c)) return false;
  if (isTextLike(c)) {
    // Text outside the root element (htmlparser2 keeps the newline after `<?xml …?>`) is no node in XML.
    if (c.parent !== null && c.parent.type === 'root' && c.parent.parent === null) return false;
    return i === 0 || !isTextLike(children[i - 1]!);
  }
  return true;
}

/** Pushes the XPath descendants of `n` in document order (iterative: deep pages must not overflow the stack). */
export function pushDescendants(n: XNode, out: XNode[]): void {
  if (isOwned(n)) return;
  const stack: AnyNode[] = [];
  const top = (n as ParentNode).children;
  if (top === undefined) return;
  for (let i = top.length - 1; i >= 0; i--) if (startsNode(top, i)) stack.push(top[i]!);
  while (stack.length) {
    const c = stack.pop()!;
    out.push(c);
    const children = (c as ParentNode).children;
    if (children !== undefined && !isTextLike(c)) {
      for (let i = children.length - 1; i >= 0; i--) if (startsNode(children, i)) stack.push(children[i]!);
    }
  }
}

/** The XPath parent: an attribute's element, a node's parent (null for the document). */
export function parentOf(n: XNode): XNode | null {
  if (isOwned(n)) return n.owner;
  return (n as AnyNode).parent as AnyNode | null;
}

/** Pushes the siblings after (`forward`) or before `n`, nearest first. */
export function pushSiblings(n: XNode, forward: boolean, out: XNode[]): void {
  if (isOwned(n)) return;
  const parent = (n as AnyNode).parent;
  if (parent === null) return;
  const children = parent.children;
  const at = children.indexOf(n as AnyNode as never);
  if (forward) {
    for (let i = at + 1; i < children.length; i++) if (startsNode(children, i)) out.push(children[i]!);
  } else {
    for (let i = at - 1; i >= 0; i--) if (startsNode(children, i)) out.push(children[i]!);
  }
}

/** The string-value of a node: all descendant text for elements and documents. */
export function stringValue(n: XNode): string {
  if (n.type === 'attribute') return n.value;
  if (n.type === 'namespace') return n.uri;
  const a = n as AnyNode;
  switch (a.type) {
    case 'text':
    case 'cdata':
      return textRun(a);
    case 'comment':
      return a.data;
    case 'directive':
      return piData(a as unknown as { name: string; data: string });
    default: {
      const parts: string[] = [];
      collectText(a, parts);
      return parts.length === 1 ? parts[0]! : parts.join('');
    }
  }
}

/** The text of a run of adjacent text and CDATA siblings starting at `first`. */
function textRun(first: AnyNode): string {
  let s = textOf(first);
  for (let n = first.next; n !== null && isTextLike(n); n = n.next) s += textOf(n);
  return s;
}

function textOf(n: AnyNode): string {
  if (n.type === 'text') return n.data;
  const parts: string[] = [];
  collectText(n, parts);
  return parts.join('');
}

function collectText(n: AnyNode, out: string[]): void {
  const stack: AnyNode[] = [n];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.type === 'text') {
      out.push(c.data);
      continue;
    }
    if (c.type === 'comment' || c.type === 'directive') continue;
    const children = (c as ParentNode).children;
    if (children !== undefined) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

/** A processing instruction's data: what follows its target, without the closing `?`. */
function piData(pi: { name: string; data: string }): string {
  const body = pi.data.endsWith('?') ? pi.data.slice(0, -1) : pi.data;
  return body.slice(pi.name.length).trim();
}

/** A processing instruction's target (without the `?`). */
export function piTarget(n: XNode): string {
  return (n as unknown as { name: string }).name.slice(1);
}

/**
 * One document as XPath sees it: name rules (HTML: no namespaces, names as lxml's HTML parser
 * gives them; XML: namespaces from `xmlns` declarations), attribute and namespace nodes, and
 * document order. Everything is computed on first use and kept.
 */
export class XPathDocument {
  readonly #attrs = new WeakMap<Element, AttrNode[]>();
  readonly #namespaces = new WeakMap<Element, NamespaceNode[]>();
  readonly #elementNs = new WeakMap<Element, string | null>();
  #order = new WeakMap<object, number>();
  #nextOrder = 0;

  constructor(
    readonly xml: boolean,
    readonly index: () => DocumentIndex,
  ) {}

  /** The attribute nodes of `el` (XML: not the `xmlns` declarations). */
  attributes(el: Element): AttrNode[] {
    let list = this.#attrs.get(el);
    if (list === undefined) {
      list = [];
      const attribs = el.attribs;
      for (const name in attribs) {
        if (this.xml && (name === 'xmlns' || name.startsWith('xmlns:'))) continue;
        list.push(new AttrNode(el, name, attribs[name]!, list.length));
      }
      this.#attrs.set(el, list);
    }
    return list;
  }

  /**
   * The namespace nodes of `el`: `xml` (always, as in lxml), then the declarations in scope
   * (XML only; nearest wins), in libxml2's order: the reverse of nearest-first declaration order.
   */
  namespaces(el: Element): NamespaceNode[] {
    let list = this.#namespaces.get(el);
    if (list === undefined) {
      const declared: [string, string][] = [];
      if (this.xml) {
        const seen = new Set<string>();
        for (let n: AnyNode | null = el; n !== null && isElement(n); n = n.parent as AnyNode | null) {
          const attribs = (n as Element).attribs;
          for (const name in attribs) {
            if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
            const prefix = name === 'xmlns' ? '' : name.slice(6);
            if (seen.has(prefix)) continue;
            seen.add(prefix);
            if (attribs[name] !== '') declared.push([prefix, attribs[name]!]);
          }
        }
      }
      declared.push(['xml', XML_NAMESPACE]);
      declared.reverse();
      list = declared.map(([prefix, uri], i) => new NamespaceNode(el, prefix, uri, i));
      this.#namespaces.set(el, list);
    }
    return list;
  }

  /** The namespace URI of an element or attribute (null: none; HTML names never have one, as with lxml's HTML parser). */
  namespaceUri(n: XNode): string | null {
    if (!this.xml) return null;
    if (n.type === 'attribute') {
      const colon = n.name.indexOf(':');
      if (colon < 0) return null;
      return this.#lookup(n.owner, n.name.slice(0, colon));
    }
    if (!isElement(n)) return null;
    let uri = this.#elementNs.get(n);
    if (uri === undefined) {
      const colon = n.name.indexOf(':');
      uri = this.#lookup(n, colon < 0 ? '' : n.name.slice(0, colon));
      this.#elementNs.set(n, uri);
    }
    return uri;
  }

  #lookup(el: Element, prefix: string): string | null {
    if (prefix === 'xml') return XML_NAMESPACE;
    const attr = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
    for (let n: AnyNode | null = el; n !== null && isElement(n); n = n.parent as AnyNode | null) {
      const v = (n as Element).attribs[attr];
      if (v !== undefined) return v === '' ? null : v;
    }
    return null;
  }

  /** The local part of an element's, attribute's or namespace node's name, or a PI's target. */
  localName(n: XNode): string {
    if (n.type === 'namespace') return n.prefix;
    if (n.type === 'attribute') return this.xml ? afterColon(n.name) : n.name;
    if (isElement(n)) return this.xml ? afterColon(n.name) : n.name;
    if (isProcessingInstruction(n)) return piTarget(n);
    return '';
  }

  /** The qualified name as written (`name()`). */
  qualifiedName(n: XNode): string {
    if (n.type === 'namespace') return n.prefix;
    if (n.type === 'attribute') return n.name;
    if (isElement(n)) return n.name;
    if (isProcessingInstruction(n)) return piTarget(n);
    return '';
  }

  /** A number that sorts nodes in document order (attributes after their element's namespaces, before its children). */
  orderOf(n: XNode): number {
    if (isOwned(n)) {
      const owner = this.orderOf(n.owner);
      const nsCount = this.namespaces(n.owner).length;
      const total = nsCount + this.attributes(n.owner).length + 1;
      const k = n.type === 'namespace' ? n.index + 1 : nsCount + n.index + 1;
      return owner + k / (total + 1);
    }
    let o = this.#order.get(n);
    if (o === undefined) {
      let top = n as AnyNode;
      while (top.parent !== null) top = top.parent as AnyNode;
      this.#number(top);
      o = this.#order.get(n)!;
    }
    return o;
  }

  /** Numbers a whole tree in preorder, after every tree numbered before. */
  #number(top: AnyNode): void {
    const stack: AnyNode[] = [top];
    while (stack.length) {
      const c = stack.pop()!;
      this.#order.set(c, this.#nextOrder++);
      const children = (c as ParentNode).children;
      if (children !== undefined) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }

  /** Sorts `nodes` in document order and drops repeats (in place). */
  sortUnique(nodes: XNode[]): XNode[] {
    if (nodes.length < 2) return nodes;
    const keyed = nodes.map((n) => ({ n, o: this.orderOf(n) }));
    keyed.sort((a, b) => a.o - b.o);
    let w = 0;
    for (let r = 0; r < keyed.length; r++) {
      if (r > 0 && keyed[r]!.n === keyed[r - 1]!.n) continue;
      nodes[w++] = keyed[r]!.n;
    }
    nodes.length = w;
    return nodes;
  }

  /** Whether `nodes` is already strictly in document order. */
  isSorted(nodes: readonly XNode[]): boolean {
    let prev = -1;
    for (let i = 0; i < nodes.length; i++) {
      const o = this.orderOf(nodes[i]!);
      if (o <= prev) return false;
      prev = o;
    }
    return true;
  }
}

function afterColon(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}
