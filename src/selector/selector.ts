import type { AnyNode, Document, Element } from 'domhandler';
import { InvalidArgumentError } from '../crawler/errors.js';
import {
  attrOf,
  outermost,
  parseHtml,
  parseXml,
  pushChildTexts,
  pushDescendantAttrs,
  pushDescendantTexts,
  serialize,
  type DocumentType,
} from './document.js';
import { DocumentIndex } from './doc-index.js';
import { compileQuery, matchPart, type QueryPart } from './query.js';
import { extractRegex, type ReOptions } from './regex.js';
import { SelectorList } from './selector-list.js';

/** How to build a root Selector: from markup text (parsed lazily, once) or an already parsed node. */
export interface SelectorInit {
  /** The markup. Parsed on the first query, not before. */
  text?: string;
  /** An already parsed domhandler node (e.g. from another parser) to query instead of `text`. */
  root?: AnyNode;
  /** @default 'html' */
  type?: DocumentType;
  /** The document's URL, for resolving relative links. */
  baseUrl?: string;
}

/** What one parsed document shares with all the Selectors made from it. */
class DocumentState {
  readonly type: DocumentType;
  readonly xml: boolean;
  readonly baseUrl: string | undefined;
  #text: string | undefined;
  #root: AnyNode | undefined;
  #index: DocumentIndex | undefined;

  constructor(type: DocumentType, baseUrl: string | undefined, text: string | undefined, root: AnyNode | undefined) {
    this.type = type;
    this.xml = type === 'xml';
    this.baseUrl = baseUrl;
    this.#text = text;
    this.#root = root;
  }

  get parsed(): boolean {
    return this.#root !== undefined;
  }

  get root(): AnyNode {
    if (this.#root === undefined) {
      this.#root = this.xml ? parseXml(this.#text ?? '') : parseHtml(this.#text ?? '');
      this.#text = undefined; // the tree holds what we need; let the string go
    }
    return this.#root;
  }

  /** The element index for fast queries, built on the first query. */
  get index(): DocumentIndex {
    if (this.#index === undefined) {
      let top = this.root;
      while (top.parent) top = top.parent; // a Selector built on a sub-node indexes its whole tree
      this.#index = new DocumentIndex(top, this.xml);
    }
    return this.#index;
  }
}

const EMPTY_ATTRIB: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A node of a parsed HTML/XML document, or a string extracted from one (`::text`,
 * `::attr()`), with parsel's API: `css()`, `get()`, `getall()`, `re()`, `reFirst()`, `attrib`.
 *
 * ```ts
 * const sel = new Selector({ text: '<ul><li><a href="/a">A</a></li></ul>' });
 * sel.css('li a::attr(href)').get();   // '/a'
 * sel.css('li').css('a::text').getall(); // ['A']
 * ```
 */
export class Selector {
  readonly #doc: DocumentState;
  /** The node, or null for the document root (parsed lazily) and for string results. */
  #node: AnyNode | null;
  /** The string, for `::text` / `::attr()` results; null for nodes. */
  readonly #value: string | null;

  constructor(init: SelectorInit);
  /** @internal Results share their document; no option parsing per result. */
  constructor(init: null, doc: DocumentState, node: AnyNode | null, value: string | null);
  constructor(init: SelectorInit | null, doc?: DocumentState, node?: AnyNode | null, value?: string | null) {
    if (init === null) {
      this.#doc = doc!;
      this.#node = node ?? null;
      this.#value = value ?? null;
      return;
    }
    const type = init.type ?? 'html';
    if (type !== 'html' && type !== 'xml') {
      throw new InvalidArgumentError(`Selector type must be "html" or "xml", got ${JSON.stringify(type)}`);
    }
    if (init.text === undefined && init.root === undefined) {
      throw new InvalidArgumentError('A Selector needs `text` (markup to parse) or `root` (a parsed node)');
    }
    if (init.text !== undefined && typeof init.text !== 'string') {
      throw new InvalidArgumentError(`Selector text must be a string, got ${typeof init.text}`);
    }
    this.#doc = new DocumentState(type, init.baseUrl, init.text, init.root);
    this.#node = init.root ?? null;
    this.#value = null;
  }

  /** 'html' or 'xml'. */
  get type(): DocumentType {
    return this.#doc.type;
  }

  /** The URL the document came from, when known. */
  get baseUrl(): string | undefined {
    return this.#doc.baseUrl;
  }

  /** The domhandler node (the Document for a root selector), or the string for `::text`/`::attr()` results. */
  get root(): AnyNode | string {
    return this.#value ?? this.#nodeOrRoot();
  }

  #nodeOrRoot(): AnyNode {
    return (this.#node ??= this.#doc.root);
  }

  /**
   * Selects with a CSS query (css-select syntax plus parsel's `::text` and `::attr(name)`).
   * On an element the query matches the element itself and its descendants, as in parsel.
   * A string result has nothing to select: the list is empty.
   * @throws InvalidArgumentError naming the query when it is malformed.
   */
  css(query: string): SelectorList {
    const plan = compileQuery(query, this.#doc.xml);
    const out = new SelectorList();
    if (this.#value !== null) return out;
    const context = this.#nodeOrRoot();
    const isDocument = context.type === 'root' && context.parent === null;
    const parts = plan.parts;
    if (parts.length === 1) {
      this.#runPart(parts[0]!, context, isDocument, out, null);
      return out;
    }
    // Groups that extract differently (`h1::text, h2`): union in document order, like XPath's `|`.
    const entries: MergeEntry[] = [];
    for (const part of parts) {
      const owners: AnyNode[] = [];
      const list = this.#runPart(part, context, isDocument, new SelectorList(), owners);
      for (let i = 0; i < list.length; i++) entries.push({ owner: owners[i]!, sel: list[i]!, n: entries.length });
    }
    return mergeInDocumentOrder(entries, out);
  }

  /** Runs one query part; `owners` (when given) receives the node each result came from. */
  #runPart(part: QueryPart, context: AnyNode, isDocument: boolean, out: SelectorList, owners: AnyNode[] | null): SelectorList {
    const doc = this.#doc;
    const matched = matchPart(part, context, isDocument, doc.index);
    if (part.extract === 'element') {
      for (let i = 0; i < matched.length; i++) out.push(new Selector(null, doc, matched[i]!, null));
      if (owners) owners.push(...matched);
      return out;
    }
    const values: string[] = [];
    const roots = part.deep ? outermost(matched) : matched;
    for (let i = 0; i < roots.length; i++) {
      const before = values.length;
      const n = roots[i]!;
      if (part.extract === 'text') {
        if (part.deep) pushDescendantTexts(n, values);
        else pushChildTexts(n, values);
      } else if (part.deep) pushDescendantAttrs(n, part.attr, values);
      else {
        const v = attrOf(n, part.attr);
        if (v !== undefined) values.push(v);
      }
      if (owners) for (let k = before; k < values.length; k++) owners.push(n);
    }
    for (let i = 0; i < values.length; i++) out.push(new Selector(null, doc, null, values[i]!));
    return out;
  }

  /**
   * The outer markup of an element (the whole document for a root selector), or the string of
   * a `::text`/`::attr()` result.
   */
  get(): string {
    if (this.#value !== null) return this.#value;
    const node = this.#nodeOrRoot();
    if (node.type === 'text' || node.type === 'comment') return node.data;
    return serialize(node, this.#doc.type);
  }

  /** `[this.get()]`, for symmetry with SelectorList. */
  getall(): string[] {
    return [this.get()];
  }

  /** The element's attributes (a copy); `{}` for strings and non-elements. */
  get attrib(): Record<string, string> {
    const attribs = this.#value === null ? (this.#nodeOrRoot() as Element).attribs : undefined;
    return attribs ? { ...attribs } : { ...EMPTY_ATTRIB };
  }

  /**
   * Applies `regex` to `get()`: a named group `extract` gives its value (first match only);
   * otherwise each match gives its whole text, its one group, or all its groups.
   */
  re(regex: RegExp | string, options?: ReOptions): string[] {
    return extractRegex(regex, this.get(), options);
  }

  /** The first result of `re()`, or `defaultValue`. */
  reFirst(regex: RegExp | string): string | undefined;
  reFirst(regex: RegExp | string, defaultValue: string, options?: ReOptions): string;
  reFirst(regex: RegExp | string, defaultValue?: string, options?: ReOptions): string | undefined {
    const r = extractRegex(regex, this.get(), options);
    return r.length ? r[0] : defaultValue;
  }

  /** Whether this is a string result (`::text`/`::attr()`) rather than a node. */
  get isString(): boolean {
    return this.#value !== null;
  }

  toString(): string {
    const data = this.get();
    return `<Selector data=${JSON.stringify(data.length > 60 ? data.slice(0, 57) + '...' : data)}>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

interface MergeEntry {
  owner: AnyNode;
  sel: Selector;
  n: number;
}

/** Sorts results by their owner node's document position (stable), dropping repeated elements. */
function mergeInDocumentOrder(entries: MergeEntry[], out: SelectorList): SelectorList {
  if (entries.length === 0) return out;
  const order = documentOrder(entries[0]!.owner);
  entries.sort((a, b) => order.get(a.owner)! - order.get(b.owner)! || a.n - b.n);
  const seen = new Set<AnyNode>();
  for (const e of entries) {
    if (!e.sel.isString) {
      if (seen.has(e.owner)) continue;
      seen.add(e.owner);
    }
    out.push(e.sel);
  }
  return out;
}

function documentOrder(any: AnyNode): Map<AnyNode, number> {
  const order = new Map<AnyNode, number>();
  let top: AnyNode = any;
  while (top.parent) top = top.parent;
  let i = 0;
  const walk = (node: AnyNode) => {
    order.set(node, i++);
    const children = (node as Document).children;
    if (children) for (const c of children) walk(c);
  };
  walk(top);
  return order;
}
