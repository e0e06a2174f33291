import { _compileUnsafe, type Options as CssSelectOptions } from 'css-select';
import * as DomUtils from 'domutils';
import { parse as parseCss, SelectorType, type Selector as CssToken } from 'css-what';
import { isTag, type AnyNode, type Element } from 'domhandler';
import { InvalidArgumentError } from '../crawler/errors.js';
import type { BucketKey, DocumentIndex } from './doc-index.js';

/** What a query part extracts from each matched element. */
export type Extract = 'element' | 'text' | 'attr';

/** One comma-separated group of a query, compiled. */
export interface QueryPart {
  /** The compiled element matcher; null when the group is only a pseudo-element (`::text`). */
  readonly match: CompiledMatch | null;
  readonly extract: Extract;
  /** For `::attr(name)`: the attribute name. */
  readonly attr: string;
  /**
   * Extract from the matches and all their descendants (`p ::text`, `p *::text`, `::text`),
   * as parsel's translation `descendant-or-self::*` does; otherwise from the matches only.
   */
  readonly deep: boolean;
  /** Buckets that hold every element the matcher can accept; null: any element may match. */
  readonly keys: readonly BucketKey[] | null;
}

/** A compiled query: one part per comma group, or a single merged part when all groups extract the same way. */
export interface QueryPlan {
  readonly query: string;
  readonly parts: readonly QueryPart[];
}

type CompiledMatch = ReturnType<typeof _compileUnsafe<AnyNode, Element>>;

/**
 * The element a sub-selector's query is scoped to: css-select sees it as having no parent, so
 * `div.outer span` on a quote cannot match through ancestors outside the quote, and `:scope`
 * (which css-select reads as `:root` when compiled without a context) is the quote itself —
 * what parsel's `descendant-or-self::` translation gives. Set only while a query runs.
 */
let boundary: AnyNode | null = null;
const boundedAdapter: NonNullable<CssSelectOptions<AnyNode, Element>['adapter']> = {
  ...DomUtils,
  isTag,
  getParent: (el: AnyNode) => (el === boundary ? null : DomUtils.getParent(el)),
};

const HTML_OPTIONS: CssSelectOptions<AnyNode, Element> = { xmlMode: false, adapter: boundedAdapter };
const XML_OPTIONS: CssSelectOptions<AnyNode, Element> = { xmlMode: true, adapter: boundedAdapter };

/** Compiled plans per query string; bounded because queries may be built from data. */
const CACHE_LIMIT = 1024;
const htmlCache = new Map<string, QueryPlan>();
const xmlCache = new Map<string, QueryPlan>();

/** The compiled plan for `query`, from the cache when it was compiled before. */
export function compileQuery(query: string, xml: boolean): QueryPlan {
  const cache = xml ? xmlCache : htmlCache;
  let plan = cache.get(query);
  if (plan === undefined) {
    plan = buildPlan(query, xml);
    // FIFO eviction is enough: a spider uses a handful of queries, generated ones churn.
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(query, plan);
  }
  return plan;
}

/** The css-select options for a document type (shared objects: css-select normalises them once). */
export function cssOptions(xml: boolean): CssSelectOptions<AnyNode, Element> {
  return xml ? XML_OPTIONS : HTML_OPTIONS;
}

/**
 * Matches `part` within `context` (a document: its descendants; an element: itself and its
 * descendants, parsel's `descendant-or-self::`), in document order.
 */
export function matchPart(part: QueryPart, context: AnyNode, isDocument: boolean, index: DocumentIndex): AnyNode[] {
  if (part.match === null) return [context];
  const range = index.rangeOf(context, isDocument);
  if (range === null) return [];
  boundary = isDocument ? null : context;
  try {
    return index.select(part.match, range[0], range[1], part.keys);
  } finally {
    boundary = null;
  }
}

function invalid(query: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`Invalid CSS query ${JSON.stringify(query)}: ${why}`);
}

function buildPlan(query: string, xml: boolean): QueryPlan {
  if (typeof query !== 'string') {
    throw new InvalidArgumentError(`A CSS query must be a string, got ${query === null ? 'null' : typeof query}`);
  }
  let groups: CssToken[][];
  try {
    groups = parseCss(query);
  } catch (e) {
    throw invalid(query, (e as Error).message);
  }
  if (groups.length === 0 || groups.some((g) => g.length === 0)) throw invalid(query, 'it is empty');
  for (const g of groups) {
    // css-select would read `> span` as `:scope > span`; parsel rejects it, and so do we, saying what works.
    if (COMBINATORS.has(g[0]!.type)) {
      throw invalid(query, 'a selector cannot start with a combinator; to select among this element\'s children write ":scope > …"');
    }
  }

  const specs = groups.map((tokens) => splitPseudoElement(query, tokens, xml));
  const options = cssOptions(xml);
  const compile = (tokens: CssToken[][]): CompiledMatch => {
    try {
      return _compileUnsafe<AnyNode, Element>(tokens, options);
    } catch (e) {
      throw invalid(query, (e as Error).message);
    }
  };

  // When every group extracts the same way, one merged matcher returns the union already
  // de-duplicated and in document order (what XPath's `|` gives parsel).
  const first = specs[0]!;
  const mergeable = specs.every(
    (s) => s.tokens.length > 0 && s.extract === first.extract && s.attr === first.attr && s.deep === first.deep,
  );
  if (mergeable) {
    const keys = specs.map((s) => bucketKey(s.tokens, xml));
    return {
      query,
      parts: [
        {
          match: compile(specs.map((s) => s.tokens)),
          extract: first.extract,
          attr: first.attr,
          deep: first.deep,
          keys: keys.every((k) => k !== null) ? (keys as BucketKey[]) : null,
        },
      ],
    };
  }
  return {
    query,
    parts: specs.map((s) => ({
      match: s.tokens.length ? compile([s.tokens]) : null,
      extract: s.extract,
      attr: s.attr,
      deep: s.deep,
      keys: s.tokens.length ? wrapKey(bucketKey(s.tokens, xml)) : null,
    })),
  };
}

interface GroupSpec {
  tokens: CssToken[];
  extract: Extract;
  attr: string;
  deep: boolean;
}

/** Takes a trailing `::text` / `::attr(name)` off a group and works out parsel's meaning of what is left. */
function splitPseudoElement(query: string, tokens: CssToken[], xml: boolean): GroupSpec {
  const pseudoAt = tokens.findIndex((t) => t.type === SelectorType.PseudoElement);
  if (pseudoAt === -1) return { tokens, extract: 'element', attr: '', deep: false };
  const pe = tokens[pseudoAt] as { name: string; data: string | null };
  if (pseudoAt !== tokens.length - 1) {
    throw invalid(query, `the pseudo-element ::${pe.name} must come last in its selector`);
  }
  let extract: Extract;
  let attr = '';
  if (pe.name === 'text') {
    if (pe.data !== null) throw invalid(query, '::text takes no argument');
    extract = 'text';
  } else if (pe.name === 'attr') {
    attr = (pe.data ?? '').trim();
    if (!attr) throw invalid(query, '::attr() needs an attribute name, e.g. a::attr(href)');
    // HTML attribute names are lower-case in the tree, as in css-select's [attr] matching.
    if (!xml) attr = attr.toLowerCase();
    extract = 'attr';
  } else {
    throw invalid(query, `unsupported pseudo-element ::${pe.name}; use ::text or ::attr(name)`);
  }
  let rest = tokens.slice(0, pseudoAt);
  // `*::text` alone means "all descendant text" in parsel (its XPath collapses `*` to `text()`).
  if (rest.length === 1 && rest[0]!.type === SelectorType.Universal) rest = [];
  if (rest.length === 0) return { tokens: rest, extract, attr, deep: true };
  // `p ::text` and `p *::text` both become `p/descendant-or-self::*/text()` in parsel.
  const last = rest[rest.length - 1]!;
  if (last.type === SelectorType.Descendant) return { tokens: rest.slice(0, -1), extract, attr, deep: true };
  if (
    last.type === SelectorType.Universal &&
    rest.length >= 2 &&
    rest[rest.length - 2]!.type === SelectorType.Descendant
  ) {
    return { tokens: rest.slice(0, -2), extract, attr, deep: true };
  }
  if (rest.some((t) => t.type === SelectorType.PseudoElement)) throw invalid(query, 'only one pseudo-element is allowed');
  return { tokens: rest, extract, attr, deep: false };
}

function wrapKey(k: BucketKey | null): BucketKey[] | null {
  return k === null ? null : [k];
}

const COMBINATORS = new Set<string>([
  SelectorType.Descendant,
  SelectorType.Child,
  SelectorType.Sibling,
  SelectorType.Adjacent,
  SelectorType.Parent,
  SelectorType.ColumnCombinator,
]);

/**
 * The bucket a selector's subject (its rightmost compound) must come from: its id, else a
 * class, else its tag name. Null when the compound names none of them (`*`, `[href]`, `:not(…)`).
 */
function bucketKey(tokens: CssToken[], xml: boolean): BucketKey | null {
  let start = tokens.length;
  while (start > 0 && !COMBINATORS.has(tokens[start - 1]!.type)) start--;
  let tag: BucketKey | null = null;
  let cls: BucketKey | null = null;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === SelectorType.Tag && t.namespace == null) tag = { kind: 'tag', value: xml ? t.name : t.name.toLowerCase() };
    else if (t.type === SelectorType.Attribute && t.namespace == null && !t.ignoreCase) {
      if (t.name === 'id' && t.action === 'equals') return { kind: 'id', value: t.value };
      if (t.name === 'class' && t.action === 'element' && t.value && !/\s/.test(t.value)) cls ??= { kind: 'class', value: t.value };
    }
  }
  return cls ?? tag;
}
