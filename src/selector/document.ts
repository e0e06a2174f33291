import render from 'dom-serializer';
import type { AnyNode, Document, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import { parseHtmlWith } from './html-parser.js';

/** The markup language of a document: decides the parser, case rules and serialisation. */
export type DocumentType = 'html' | 'xml';

/**
 * Parses HTML the way browsers do (parse5, WHATWG tree construction) into domhandler nodes.
 * Scripting is off so `<noscript>` content is markup (links and images in it are found),
 * as with lxml, which parsel uses.
 */
export function parseHtml(text: string): Document {
  return parseHtmlWith(text, adapter);
}

/**
 * Parses XML with htmlparser2's XML mode: case-sensitive names, CDATA sections, self-closing
 * tags. No DTD is read and no custom entity is expanded, so XML bombs cannot expand.
 */
export function parseXml(text: string): Document {
  return parseDocument(text, { xmlMode: true });
}

const HTML_RENDER = { encodeEntities: 'utf8' } as const;
const XML_RENDER = { xmlMode: true, encodeEntities: 'utf8' } as const;

/** Outer markup of a node (for a document: all of it). */
export function serialize(node: AnyNode, type: DocumentType): string {
  return render(node, type === 'xml' ? XML_RENDER : HTML_RENDER);
}

/**
 * parse5 appends each piece of text to its node with `+=` (it cuts text at entities, NULs, CRs
 * and a `<` that starts no tag; stock parse5 also at every space, which html-parser.ts's fast
 * path does not do in body text), so text data can be ropes that every later read walks again:
 * reading a 70-paragraph page's texts twice cost 0.38 ms instead of 8 µs with stock parse5.
 * `charCodeAt` makes V8 flatten the rope in place, once, for everyone holding the string.
 * (Joining the pieces in a custom tree adapter was measured too: it made parsing 2.5× slower.)
 */
function flat(s: string): string {
  if (s.length > 12) s.charCodeAt(0);
  return s;
}

/** Direct text children of `el` (CDATA sections count as text, as in XPath's `text()`). */
export function pushChildTexts(el: AnyNode, out: string[]): void {
  const children = (el as Element).children;
  if (children === undefined) return;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.type === 'text') out.push(flat(c.data));
    else if (c.type === 'cdata') pushChildTexts(c, out);
  }
}

/** Every text node under `node`, in document order. */
export function pushDescendantTexts(node: AnyNode, out: string[]): void {
  const children = (node as Element).children;
  if (children === undefined) return;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.type === 'text') out.push(flat(c.data));
    else if ((c as Element).children !== undefined) pushDescendantTexts(c, out);
  }
}

/** The value of attribute `name` on `node` when it is an element that has it. */
export function attrOf(node: AnyNode, name: string): string | undefined {
  const attribs = (node as Element).attribs;
  if (attribs === undefined) return undefined;
  const v = attribs[name];
  // attribs may be a plain object: never hand back inherited members like "constructor".
  return typeof v === 'string' ? v : undefined;
}

/** Pushes attribute `name` of `node` and of every element under it, in document order. */
export function pushDescendantAttrs(node: AnyNode, name: string, out: string[]): void {
  const v = attrOf(node, name);
  if (v !== undefined) out.push(v);
  const children = (node as Element).children;
  if (children === undefined) return;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.type === 'tag' || c.type === 'script' || c.type === 'style') pushDescendantAttrs(c, name, out);
    else if (c.type === 'root') pushDescendantAttrs(c, name, out);
  }
}

/**
 * Drops nodes that sit inside an earlier node of the list. `nodes` must be in document
 * order (css-select's output is), which makes one pass enough: a node can only be inside
 * the last node kept.
 */
export function outermost(nodes: AnyNode[]): AnyNode[] {
  if (nodes.length < 2) return nodes;
  const out: AnyNode[] = [nodes[0]!];
  let last = nodes[0]!;
  for (let i = 1; i < nodes.length; i++) {
    const n = nodes[i]!;
    let inside = false;
    for (let p = n.parent; p !== null; p = p.parent) {
      if (p === last) {
        inside = true;
        break;
      }
    }
    if (!inside) {
      out.push(n);
      last = n;
    }
  }
  return out;
}

/** Text content of a node: all its text concatenated (XPath's `string()`). */
export function textContent(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  const parts: string[] = [];
  pushDescendantTexts(node, parts);
  return parts.length === 1 ? parts[0]! : parts.join('');
}

/** Calls `visit` for `root` (when it is an element) and every element under it, in document order. */
export function walkElements(root: AnyNode, visit: (el: Element) => void): void {
  if (root.type === 'tag' || root.type === 'script' || root.type === 'style') visit(root as Element);
  const children = (root as Element).children;
  if (children === undefined) return;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if ((c as Element).children !== undefined) walkElements(c, visit);
  }
}
