import { Document, type AnyNode, type Element } from 'domhandler';
import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';
import type { CallbackResult } from '../crawler/http/request.js';
import type { Response } from '../crawler/http/response.js';
import { Spider } from '../crawler/spider.js';
import { parseXml, walkElements } from '../selector/document.js';
import { Selector } from '../selector/selector.js';
import { iterateOutput, type SpiderOutput } from './output.js';

/**
 * How an XMLFeedSpider reads the feed, as in Scrapy: 'iternodes' gives each `itertag` element
 * as a document of its own; 'xml' and 'html' parse the whole body (as XML or HTML) and select
 * `//itertag` with XPath.
 */
export type FeedIterator = 'iternodes' | 'xml' | 'html';

/**
 * A spider for XML feeds (RSS, Atom, product feeds), like Scrapy's XMLFeedSpider: each element
 * named `itertag` goes to `parseNode(response, node)` as a Selector, whose output (items,
 * requests) goes through `processResults`.
 *
 * `itertag` is an element name (`item`, `entry`) or, with a prefix, a namespaced one
 * (`g:item`): with 'iternodes', a prefix listed in `namespaces` matches by namespace URI,
 * whatever prefix the feed itself uses; with 'xml' and 'html' it is an XPath step after `//`
 * (`div[@class="card"]`). Each node's selector has the `namespaces` prefixes registered, so
 * `node.xpath('g:price/text()')` works; with 'iternodes' the node is a document of its own, so
 * `node.xpath('//title')` stays inside it, as in Scrapy.
 *
 * ```ts
 * class News extends XMLFeedSpider {
 *   name = 'news';
 *   startUrls = ['https://news.example/rss.xml'];
 *   itertag = 'item';
 *   parseNode(response: Response, node: Selector) {
 *     return { title: node.xpath('title/text()').get(), link: node.css('link::text').get() };
 *   }
 * }
 * ```
 */
export class XMLFeedSpider extends Spider {
  /** @default 'iternodes' (XML) */
  iterator: FeedIterator = 'iternodes';
  /** The element each node is. @default 'item' */
  itertag = 'item';
  /** `[prefix, uri]` pairs for prefixed `itertag`s. */
  namespaces: readonly (readonly [string, string])[] = [];

  /** Reads the feed and runs `parseNode` on each node. Do not override: override `parseNode`. */
  override parse(response: Response, _kwargs?: Record<string, any>): CallbackResult {
    const adapted = this.adaptResponse(response);
    return this.parseNodes(adapted, this.feedNodes(adapted));
  }

  /** Changes the response before it is read (e.g. fixes a broken feed). Default: unchanged. */
  adaptResponse(response: Response): Response {
    return response;
  }

  /** Post-processes the output of each `parseNode` call. Default: unchanged. */
  processResults(_response: Response, results: AsyncIterable<unknown>): AsyncIterable<unknown> {
    return results;
  }

  /** Called for each node of the feed: return (or yield) items and requests. */
  parseNode(response: Response, _node: Selector): SpiderOutput {
    throw new TscrapyError(`${this.constructor.name}.parseNode is not defined; add a parseNode(response, node) method (got ${response.url})`);
  }

  /** Runs `parseNode` over `nodes`, in order. */
  async *parseNodes(response: Response, nodes: Iterable<Selector>): AsyncGenerator<unknown, void, undefined> {
    for (const node of nodes) {
      yield* this.processResults(response, iterateOutput(this.parseNode(response, node)));
    }
  }

  /** The nodes of the feed, as Selectors, in document order. */
  protected feedNodes(response: Response): Selector[] {
    const namespaces = Object.fromEntries(this.namespaces);
    if (this.iterator === 'html' || this.iterator === 'xml') {
      const tag = this.itertag;
      if (this.iterator === 'html' && CSS_LOOKING.test(tag)) {
        throw new InvalidArgumentError(
          `${this.constructor.name}.itertag ${JSON.stringify(tag)} looks like CSS; itertag is an element name or an XPath step, ` +
            `as in Scrapy (e.g. 'div[@class="card"]' or 'div[has-class("card")]')`,
        );
      }
      const sel = new Selector({ text: response.text, type: this.iterator, baseUrl: response.url, namespaces });
      return [...sel.xpath(`//${tag}`)].filter((s) => !s.isString);
    }
    if (this.iterator !== 'iternodes') {
      throw new InvalidArgumentError(`${this.constructor.name}.iterator must be 'iternodes', 'xml' or 'html', got ${JSON.stringify(this.iterator)}`);
    }
    const doc = parseXml(response.text);
    const match = this.#matcher();
    const matched: Element[] = [];
    walkElements(doc, (el) => {
      if (match(el)) matched.push(el);
    });
    return matched.map((el) => new Selector({ root: standalone(el), type: 'xml', baseUrl: response.url, namespaces }));
  }

  /** A test for `itertag`: by namespace URI when its prefix is declared in `namespaces`, else by name. */
  #matcher(): (el: Element) => boolean {
    const tag = this.itertag;
    const colon = tag.indexOf(':');
    if (colon < 0) return (el) => el.name === tag;
    const prefix = tag.slice(0, colon);
    const local = tag.slice(colon + 1);
    const uri = this.namespaces.find(([p]) => p === prefix)?.[1];
    if (uri === undefined) return (el) => el.name === tag;
    return (el) => localName(el.name) === local && namespaceUri(el) === uri;
  }
}

/** `div.card`, `div#id`, `ul > li`, `a b`: CSS, which the html iterator's XPath would match nothing with. */
const CSS_LOOKING = /^[A-Za-z][\w-]*[.#]|[>~+]|^[A-Za-z][\w-]*\s+[A-Za-z]/;

/**
 * A copy of `el` as the root element of a document of its own, carrying the namespace
 * declarations in scope, as Scrapy's `xmliter` gives each node.
 */
function standalone(el: Element): Element {
  const copy = el.cloneNode(true);
  for (let p = el.parent; p !== null && p.type === 'tag'; p = p.parent) {
    for (const [name, value] of Object.entries((p as Element).attribs)) {
      if ((name === 'xmlns' || name.startsWith('xmlns:')) && copy.attribs[name] === undefined) copy.attribs[name] = value;
    }
  }
  const doc = new Document([copy]);
  copy.parent = doc;
  return copy;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** The namespace URI of an element, from the nearest `xmlns`/`xmlns:prefix` declaration above it. */
function namespaceUri(el: Element): string | undefined {
  const colon = el.name.indexOf(':');
  const attr = colon >= 0 ? `xmlns:${el.name.slice(0, colon)}` : 'xmlns';
  for (let n: AnyNode | null = el; n; n = n.parent as AnyNode | null) {
    const value = (n as Element).attribs?.[attr];
    if (value !== undefined) return value;
  }
  return undefined;
}
