import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError, SerializationError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import type { Response } from '../../../src/crawler/http/response.js';
import { Spider } from '../../../src/crawler/spider.js';

class S extends Spider {
  override name = 's';
  parseItem(_r: Response) {}
  onError() {}
}

describe('Request', () => {
  it('normalises the URL and rejects relative or malformed ones with a hint', () => {
    assert.equal(new Request('HTTP://Example.COM/a b').url, 'http://example.com/a%20b');
    assert.throws(() => new Request('example.com/x'), (e: Error) => e instanceof InvalidArgumentError && /did you mean "https:\/\/example.com\/x"/.test(e.message));
    assert.throws(() => new Request('/relative'), /must be absolute/);
    assert.throws(() => new Request('http://[bad'), /not a valid URL/);
  });

  it('round-trips through JSON with callbacks by method name', () => {
    const spider = new S();
    const r = new Request('https://example.com/p?q=1', {
      method: 'post',
      body: 'a=1',
      headers: { 'X-Test': 'yes' },
      meta: { depth: 2, tags: ['a'] },
      priority: 5,
      dontFilter: true,
      callback: spider.parseItem,
      errback: spider.onError,
      cbKwargs: { page: 3 },
    });
    const json = JSON.parse(JSON.stringify(r.toJSON(spider)));
    assert.equal(json.callback, 'parseItem');
    assert.equal(json.errback, 'onError');
    const back = Request.fromJSON(json, spider);
    assert.equal(back.url, r.url);
    assert.equal(back.method, 'POST');
    assert.equal(back.text, 'a=1');
    assert.equal(back.headers.get('x-test'), 'yes');
    assert.deepEqual(back.meta, { depth: 2, tags: ['a'] });
    assert.equal(back.priority, 5);
    assert.equal(back.dontFilter, true);
    assert.equal(back.callback, spider.parseItem);
    assert.deepEqual(back.cbKwargs, { page: 3 });
  });

  it('keeps binary bodies intact through base64', () => {
    const body = new Uint8Array([0, 255, 254, 1]);
    const json = new Request('https://e.com/', { body }).toJSON();
    assert.equal(json.bodyEncoding, 'base64');
    assert.deepEqual([...Request.fromJSON(json).body!], [0, 255, 254, 1]);
  });

  it('names the request and the key of what cannot be serialized', () => {
    const spider = new S();
    const withMap = new Request('https://e.com/a', { meta: { cache: new Map() } });
    assert.throws(() => withMap.toJSON(spider), (e: Error) => e instanceof SerializationError && /https:\/\/e.com\/a: meta.cache is a Map/.test(e.message));
    const withFn = new Request('https://e.com/b', { cbKwargs: { nested: { fn: () => 1 } } });
    assert.throws(() => withFn.toJSON(spider), /cbKwargs.nested.fn is a function/);
    const lambda = new Request('https://e.com/c', { callback: () => undefined });
    assert.throws(() => lambda.toJSON(spider), /callback is not a method of the spider/);
    const json = new Request('https://e.com/d', { callback: 'missing' }).toJSON(spider);
    assert.throws(() => Request.fromJSON(json, spider), /the spider has no method of that name/);
  });

  it('replace() copies and changes', () => {
    const r = new Request('https://e.com/', { meta: { a: 1 }, priority: 1 });
    const r2 = r.replace({ url: 'https://e.com/2', priority: 3 });
    assert.equal(r2.url, 'https://e.com/2');
    assert.equal(r2.priority, 3);
    assert.deepEqual(r2.meta, { a: 1 });
    assert.notEqual(r2.meta, r.meta);
  });
});
