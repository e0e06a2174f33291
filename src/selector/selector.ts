import { Element, type AnyNode, type Document } from 'domhandler';
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
import { DEFAULT_NAMESPACES, evaluateXPath, nodeResultText, scalarText, XPathDocument, type XPathVariable } from './xpath/evaluate.js';
import { removeNamespaces } from './xpath/remove-namespaces.js';

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
  /** XPath prefixes to bind, on top of parsel's `re` and `set`. */
  namespaces?: Record<string, string>;
}

/** What one parsed document shares with all the Selectors made from it. */
class DocumentState {
  readonly type: DocumentType;
  readonly xml: boolean;
  readonly baseUrl: string | undefined;
  #text: string | undefined;
  #root: AnyNode | undefined;
  #index: DocumentIndex | undefined;
  #xpath: XPathDocument | undefined;

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

  /** What XPath needs beyond the tree (names, namespaces, document order), built on the first XPath query. */
  get xpath(): XPathDocument {
    return (this.#xpath ??= new XPathDocument(this.xml, () => this.index));
  }

  /** Forgets what was derived from element and attribute names, after they were changed in place. */
  namesChanged(): void {
    this.#index = undefined;
    this.#xpath = undefined;
  }
}

/** Options for `xpath()` beyond variables. */
export interface XPathOptions {
  /** Prefixes for this query only, on top of the selector's (`registerNamespace`). */
  namespaces?: Record<string, string>;
}

const EMPTY_ATTRIB: Readonly<Record<string, string>> = Object.freeze({});
/** An empty document to check a query against (for string results), made on first use. */
let emptyDocument: { root: Document; xpath: XPathDocument } | undefined;
function emptyXPathDocument(): { root: Document; xpath: XPathDocument } {
  if (emptyDocument === undefined) {
    const root = parseXml('');
    emptyDocument = { root, xpath: new XPathDocument(true, () => new DocumentIndex(root, true)) };
  }
  return emptyDocument;
}

/** The first element child of a document (lxml's root), or null for a document with none. */
function documentElement(doc: AnyNode): AnyNode | null {
  for (const c of (doc as Document).children) if (c.type === 'tag' || c.type === 'script' || c.type === 'style') return c;
  return null;
}

/**
 * An XML element as lxml serializes it: carrying the `xmlns` declarations of its ancestors, so
 * that its markup stands alone. Returns `el` itself when nothing is inherited.
 */
function withNamespacesInScope(el: Element): Element {
  let inherited: Record<string, string> | null = null;
  for (let p = el.parent; p !== null && p.type === 'tag'; p = p.parent) {
    for (const [name, value] of Object.entries((p as Element).attribs)) {
      if ((name === 'xmlns' || name.startsWith('xmlns:')) && el.attribs[name] === undefined && !(inherited && name in inherited)) {
        (inherited ??= {})[name] = value;
      }
    }
  }
  return inherited === null ? el : new Element(el.name, { ...inherited, ...el.attribs }, el.children);
}

function checkNamespaces(ns: Record<string, string>): Record<string, string> {
  if (typeof ns !== 'object' || ns === null) throw new InvalidArgumentError(`XPath namespaces must be an object of prefix → URI, got ${ns === null ? 'null' : typeof ns}`);
  for (const [prefix, uri] of Object.entries(ns)) {
    if (!/^[A-Za-z_][\w.-]*$/.test(prefix)) throw new InvalidArgumentError(`Invalid XPath namespace prefix ${JSON.stringify(prefix)}: use a name like "atom"`);
    if (typeof uri !== 'string') throw new InvalidArgumentError(`The namespace URI for prefix "${prefix}" must be a string, got ${typeof uri}`);
  }
  return ns;
}

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
  /** XPath prefixes (shared with the selector this one came from until `registerNamespace` copies them). */
  #namespaces: Readonly<Record<string, string>> = DEFAULT_NAMESPACES;

  constructor(init: SelectorInit);
  /** @internal Results share their document; no option parsing per result. */
  constructor(init: null, doc: DocumentState, node: AnyNode | null, value: string | null, namespaces?: Readonly<Record<string, string>>);
  constructor(
    init: SelectorInit | null,
    doc?: DocumentState,
    node?: AnyNode | null,
    value?: string | null,
    namespaces?: Readonly<Record<string, string>>,
  ) {
    if (init === null) {
      this.#doc = doc!;
      this.#node = node ?? null;
      this.#value = value ?? null;
      if (namespaces !== undefined) this.#namespaces = namespaces;
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
    if (init.namespaces !== undefined) this.#namespaces = { ...DEFAULT_NAMESPACES, ...checkNamespaces(init.namespaces) };
  }

  /** 'html' or 'xml'. */
  get type(): DocumentType {
    return this.#doc.type;
  }

  /** The XPath prefixes this selector knows: parsel's defaults (`re`, `set`) and those registered. */
  get namespaces(): Readonly<Record<string, string>> {
    return this.#namespaces;
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

  /**
   * Selects with an XPath 1.0 query, over the same parsed tree as `css()`. The context node is
   * this element (for a document: its root element, as in parsel); `//` starts from the
   * document, `.//` from this element. Elements stay selectors; text and attribute nodes,
   * strings, numbers (`'3.0'`) and booleans (`'1'`/`'0'`) become string results, as in parsel.
   * Functions: XPath 1.0's, parsel's `has-class()`, EXSLT `re:test`/`re:match`/`re:replace`
   * and `set:*`.
   *
   * ```ts
   * sel.xpath('//a[@id=$id]/@href', { id: 'next' }).get();
   * sel.xpath('//div[has-class("quote")]//span[re:test(., "^by ", "i")]/text()').getall();
   * ```
   * @throws XPathSyntaxError when the query is malformed; XPathEvalError when it names an
   * unknown function, prefix or variable.
   */
  xpath(query: string, variables?: Record<string, XPathVariable>, options?: XPathOptions): SelectorList {
    const out = new SelectorList();
    const ns = this.#namespaces;
    const namespaces = options?.namespaces === undefined ? ns : { ...ns, ...checkNamespaces(options.namespaces) };
    let context: AnyNode | null = this.#value === null ? this.#nodeOrRoot() : null;
    // parsel's root selector is the root element, so `xpath('body')` works on a page.
    if (context !== null && context.type === 'root' && context.parent === null) context = documentElement(context);
    if (context === null) {
      // Still reject a malformed query, as for a node: a typo must not pass silently on strings.
      const empty = emptyXPathDocument();
      evaluateXPath(query, empty.root, empty.xpath, variables, namespaces);
      return out;
    }
    const doc = this.#doc;
    const value = evaluateXPath(query, context, doc.xpath, variables, namespaces);
    if (!Array.isArray(value)) {
      out.push(new Selector(null, doc, null, scalarText(value), ns));
      return out;
    }
    for (let i = 0; i < value.length; i++) {
      const n = value[i]!;
      const text = nodeResultText(n);
      if (text !== null) out.push(new Selector(null, doc, null, text, ns));
      // lxml never returns the document node itself (`/`, `..` from the root element).
      else if ((n as AnyNode).type !== 'root') out.push(new Selector(null, doc, n as AnyNode, null, ns));
    }
    return out;
  }

  /** Binds an XPath prefix for this selector's later `xpath()` calls (and the selectors they return). */
  registerNamespace(prefix: string, uri: string): void {
    this.#namespaces = { ...this.#namespaces, ...checkNamespaces({ [prefix]: uri }) };
  }

  /**
   * Takes the namespaces off every element and attribute name under this selector (XML
   * documents), so that `//item` matches `<item xmlns="…">`, as parsel's `remove_namespaces()`.
   * The tree is changed in place: selectors sharing it see the plain names too.
   */
  removeNamespaces(): void {
    if (this.#value !== null || !this.#doc.xml) return;
    removeNamespaces(this.#nodeOrRoot());
    this.#doc.namesChanged();
  }

  /** Runs one query part; `owners` (when given) receives the node each result came from. */
  #runPart(part: QueryPart, context: AnyNode, isDocument: boolean, out: SelectorList, owners: AnyNode[] | null): SelectorList {
    const doc = this.#doc;
    const matched = matchPart(part, context, isDocument, doc.index);
    if (part.extract === 'element') {
      for (let i = 0; i < matched.length; i++) out.push(new Selector(null, doc, matched[i]!, null, this.#namespaces));
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
    for (let i = 0; i < values.length; i++) out.push(new Selector(null, doc, null, values[i]!, this.#namespaces));
    return out;
  }

  /**
   * The outer markup of an element (the whole document for a root selector), or the string of
   * a `::text`/`::attr()` result.
   */
  get(): string {
    if (this.#value !== null) return this.#value;
    const node = this.#nodeOrRoot();
    if (node.type === 'text') return node.data;
    if (node.type === 'directive' && node.data.startsWith('?')) return node.data.endsWith('?') ? `<${node.data}>` : `<${node.data}?>`;
    if (this.#doc.xml && node.type === 'tag') return serialize(withNamespacesInScope(node), 'xml');
    return serialize(node, this.#doc.type);
  }

  /** parsel's old name for `get()`. */
  extract(): string {
    return this.get();
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
