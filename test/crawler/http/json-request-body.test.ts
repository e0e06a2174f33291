import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestFingerprint } from '../../../src/crawler/fingerprint.js';
import { JsonRequest } from '../../../src/crawler/http/json-request.js';
import { pythonJsonDumps } from '../../../src/crawler/http/python-json.js';

// Expected texts printed by CPython 3's json.dumps(data, sort_keys=True), which is what Scrapy's
// JsonRequest sends by default (scrapy/http/request/json_request.py: dumps_kwargs sort_keys=True).
const DATA = { q: 'shoes', page: 2, tags: ['a', 'é', '😀', '\x7f\n'], nested: { b: 1, a: null }, B: true };
const SCRAPY_BODY = '{"B": true, "nested": {"a": null, "b": 1}, "page": 2, "q": "shoes", "tags": ["a", "\\u00e9", "\\ud83d\\ude00", "\\u007f\\n"]}';

describe('JsonRequest body written like Scrapy', () => {
  it('sorts keys, uses ", " and ": " separators and escapes non-ASCII, byte for byte', () => {
    assert.equal(new JsonRequest('https://api.test/q', { data: DATA }).text, SCRAPY_BODY);
  });

  it('gives one fingerprint whatever the key order of the data', () => {
    const a = new JsonRequest('https://api.test/q', { data: { a: 1, b: 2 } });
    const b = new JsonRequest('https://api.test/q', { data: { b: 2, a: 1 } });
    assert.equal(requestFingerprint(a), requestFingerprint(b));
  });

  it('follows dumpsKwargs when a spider asks otherwise, and keeps them in replace()', () => {
    const compact = { sortKeys: false, separators: [',', ':'], ensureAscii: false } as const;
    const r = new JsonRequest('https://api.test/q', { data: { b: 'é', a: [1, 2] }, dumpsKwargs: compact });
    assert.equal(r.text, JSON.stringify({ b: 'é', a: [1, 2] }));
    assert.equal(r.replace({ data: { z: 1, y: 2 } }).text, '{"z":1,"y":2}');
    assert.equal(new JsonRequest('https://api.test/q', { data: { b: 1, a: 2 } }).replace({ data: { d: 1, c: 2 } }).text, '{"c": 2, "d": 1}');
  });

  it('treats values without a JSON form as JSON.stringify does', () => {
    const date = new Date(Date.UTC(2024, 0, 2));
    assert.equal(pythonJsonDumps({ f: () => 1, u: undefined, d: date, arr: [undefined, NaN] }), '{"arr": [null, null], "d": "2024-01-02T00:00:00.000Z"}');
    assert.equal(pythonJsonDumps(undefined), undefined);
    assert.equal(pythonJsonDumps('x'), '"x"');
  });
});
