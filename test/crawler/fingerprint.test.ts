import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalizeUrl, requestFingerprint } from '../../src/crawler/fingerprint.js';
import { Request } from '../../src/crawler/http/request.js';

const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');

describe('requestFingerprint', () => {
  it('is SHA-1 of method, canonical URL and body: a format JOBDIR and Redis keep across runs', () => {
    assert.equal(requestFingerprint(new Request('https://e.com/p?b=2&a=1#top')), sha1('GET\nhttps://e.com/p?a=1&b=2\n'));
    assert.equal(requestFingerprint(new Request('https://E.com/x')), sha1('GET\nhttps://e.com/x\n'));
    assert.equal(requestFingerprint(new Request('https://e.com/x', { method: 'POST', body: 'a=1' })), sha1('POST\nhttps://e.com/x\na=1'));
  });

  it('treats fragments and parameter order as the same page, and other URLs as others', () => {
    const fp = (u: string) => requestFingerprint(new Request(u));
    assert.equal(fp('https://e.com/p?x=1#a'), fp('https://e.com/p?x=1'));
    assert.equal(fp('https://e.com:443/p?b=1&a=2'), fp('https://e.com/p?a=2&b=1'));
    assert.notEqual(fp('https://e.com/p?x=1'), fp('https://e.com/p?x=2'));
    assert.notEqual(fp('https://e.com/p'), fp('http://e.com/p'));
  });
});

describe('canonicalizeUrl', () => {
  it('normalises any URL the way the URL parser does, sorting parameters and dropping the fragment', () => {
    assert.equal(canonicalizeUrl('HTTP://Example.COM:80/a/../b?z=1&a=2#f'), 'http://example.com/b?a=2&z=1');
    assert.equal(canonicalizeUrl('http://example.com/caf\u00e9'), 'http://example.com/caf%C3%A9');
    assert.equal(canonicalizeUrl('http://example.com/#keep', true), 'http://example.com/#keep');
    assert.equal(canonicalizeUrl('not a url'), 'not a url');
  });
});
