import type { AnyNode, Element } from 'domhandler';

/**
 * A bucket a selector's rightmost compound is sure to draw from: elements with this tag name,
 * class or id. Browsers key their selector matching the same way.
 */
export type BucketKey = { kind: 'tag' | 'class' | 'id'; value: string };

const HTML_WHITESPACE = /[ \t\n\f\r]+/;

/**
 * Every element of one document in document order, with subtree ranges and buckets by tag
 * (built in one pass, on the first query) and by class and id (built on first use). A
 * query then tests only the elements of its bucket that lie inside the context's range,
 * instead of walking the whole tree once per query.
 */
export class DocumentIndex {
  /** Elements in document order (HTML: not those inside `<template>`, which css-select skips too). */
  readonly elements: Element[] = [];
  /** For element i, the index after its last descendant: its subtree is [i, end[i]). */
  readonly end: number[] = [];
  readonly #position = new Map<AnyNode, number>();
  readonly #byTag = new Map<string, number[]>();
  #byClass: Map<string, number[]> | undefined;
  #byId: Map<string, number[]> | undefined;
  readonly #lowerCaseNames: boolean;

  constructor(root: AnyNode, xml: boolean) {
    this.#lowerCaseNames = !xml;
    // Iterative walk: a hostile page nested 100,000 deep must not overflow the stack.
    const nodes: AnyNode[] = [root];
    const open: number[] = []; // element indices whose subtree is being walked
    const closeAt: number[] = []; // nodes.length at which each open element's subtree ends
    while (nodes.length) {
      while (closeAt.length && nodes.length <= closeAt[closeAt.length - 1]!) {
        closeAt.pop();
        this.end[open.pop()!] = this.elements.length;
      }
      const node = nodes.pop()!;
      const children = (node as Element).children;
      const isElement = node.type === 'tag' || node.type === 'script' || node.type === 'style';
      if (isElement) {
        const el = node as Element;
        const i = this.elements.length;
        this.elements.push(el);
        this.end.push(i + 1);
        this.#position.set(el, i);
        const name = this.#lowerCaseNames ? el.name.toLowerCase() : el.name;
        const bucket = this.#byTag.get(name);
        if (bucket === undefined) this.#byTag.set(name, [i]);
        else bucket.push(i);
        if (!xml && el.name === 'template') continue; // css-select does not look inside templates
        if (children.length) {
          open.push(i);
          closeAt.push(nodes.length);
        }
      }
      if (children !== undefined) for (let k = children.length - 1; k >= 0; k--) nodes.push(children[k]!);
    }
    while (open.length) this.end[open.pop()!] = this.elements.length;
  }

  /** The index range [from, to) that a context node's query may return: its subtree (itself included when an element). */
  rangeOf(context: AnyNode, isDocument: boolean): [number, number] | null {
    if (isDocument) return [0, this.elements.length];
    const i = this.#position.get(context);
    if (i === undefined) return null; // inside a <template>, or not from this document
    return [i, this.end[i]!];
  }

  /** The document-order index of an element (undefined: not indexed, e.g. inside a `<template>`). */
  positionOf(el: AnyNode): number | undefined {
    return this.#position.get(el);
  }

  /** The sorted element indices of a bucket (shared array: do not modify). */
  bucket(key: BucketKey): readonly number[] {
    if (key.kind === 'tag') return this.#byTag.get(this.#lowerCaseNames ? key.value.toLowerCase() : key.value) ?? EMPTY;
    if (key.kind === 'class') return (this.#byClass ??= this.#buildAttrIndex('class', true)).get(key.value) ?? EMPTY;
    return (this.#byId ??= this.#buildAttrIndex('id', false)).get(key.value) ?? EMPTY;
  }

  #buildAttrIndex(attr: string, split: boolean): Map<string, number[]> {
    const map = new Map<string, number[]>();
    const add = (value: string, i: number) => {
      const b = map.get(value);
      if (b === undefined) map.set(value, [i]);
      else if (b[b.length - 1] !== i) b.push(i); // class="a a" counts once
    };
    for (let i = 0; i < this.elements.length; i++) {
      const v = this.elements[i]!.attribs[attr];
      if (typeof v !== 'string' || v === '') continue;
      if (!split) add(v, i);
      else if (!HTML_WHITESPACE.test(v)) add(v, i);
      else for (const c of v.split(HTML_WHITESPACE)) if (c) add(c, i);
    }
    return map;
  }

  /**
   * Elements in [from, to) that `match` accepts, drawn from the union of `keys`' buckets (or
   * from every element when `keys` is null), in document order, pushed onto `out`.
   */
  select<T = Element>(match: (el: Element) => boolean, from: number, to: number, keys: readonly BucketKey[] | null, out: (Element | T)[] = []): (Element | T)[] {
    const els = this.elements;
    if (keys === null) {
      for (let i = from; i < to; i++) if (match(els[i]!)) out.push(els[i]!);
      return out;
    }
    const candidates = keys.length === 1 ? this.bucket(keys[0]!) : mergeSorted(keys.map((k) => this.bucket(k)));
    for (let k = lowerBound(candidates, from); k < candidates.length; k++) {
      const i = candidates[k]!;
      if (i >= to) break;
      if (match(els[i]!)) out.push(els[i]!);
    }
    return out;
  }
}

const EMPTY: readonly number[] = Object.freeze([]);

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeSorted(lists: (readonly number[])[]): number[] {
  const all: number[] = [];
  for (const l of lists) for (const x of l) all.push(x);
  all.sort((a, b) => a - b);
  let w = 0;
  for (let r = 0; r < all.length; r++) if (r === 0 || all[r] !== all[r - 1]) all[w++] = all[r]!;
  all.length = w;
  return all;
}
