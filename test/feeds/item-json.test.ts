import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemToJson, jsonReplacer, type DatetimeFormat } from '../../src/feeds/exporters/values.js';

/** What itemToJson must write: JSON.stringify through the feeds' replacer, always. */
function viaReplacer(item: object, indent: number, format: DatetimeFormat): string {
  return JSON.stringify(item, jsonReplacer(format), indent > 0 ? indent : undefined);
}

class Price {
  constructor(readonly amount: number) {}
}

// Plain items (the fast path) and items with something the replacer changes at any depth.
const ITEMS: Array<Record<string, unknown>> = [
  { url: 'http://shop.test/product/1', sku: 'SKU-1', name: 'Lamp "Ü"\n', price: 19.5, inStock: true },
  { n: NaN, inf: -Infinity, zero: -0, nothing: null, empty: '', list: [1, 'two', [3, [null]], { deep: { deeper: true } }] },
  Object.assign(Object.create(null), { nullProto: 1 }),
  { missing: undefined },
  { nested: { list: [1, undefined, 3] } },
  { sparse: [1, , 3] }, // eslint-disable-line no-sparse-arrays
  { when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) },
  { deep: { er: { still: [{ when: new Date(Number.NaN) }] } } },
  { big: 12345678901234567890n },
  { map: new Map([['a', 1]]), set: new Set([1, 2]) },
  { price: new Price(3) },
  { custom: { toJSON: () => 'as text' } },
  { fn: () => 1, sym: Symbol('s') },
  { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: 'very deep' } } } } } } } } } },
  { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: undefined } } } } } } } } } },
];

describe('itemToJson', () => {
  it('writes every item as JSON.stringify through the feeds’ replacer does, in both datetime formats and with indent', () => {
    for (const format of ['iso', 'scrapy'] as const) {
      for (const indent of [0, 2]) {
        for (const item of ITEMS) assert.equal(itemToJson(item, null, indent, format), viaReplacer(item, indent, format), `${format}, indent ${indent}: ${String(Object.keys(item))}`);
      }
    }
  });

  it('projects to `fields` first, in their order', () => {
    const item = { b: 2, a: undefined, c: 'x' };
    assert.equal(itemToJson(item, ['c', 'a', 'b', 'absent'], 0), '{"c":"x","a":null,"b":2}');
  });
});
