import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Headers } from '../../../src/crawler/http/headers.js';

describe('Headers', () => {
  it('looks names up case-insensitively and keeps the first spelling', () => {
    const h = new Headers({ 'Content-Type': 'text/html', 'set-cookie': ['a=1', 'b=2'] });
    h.append('SET-COOKIE', 'c=3');
    assert.equal(h.get('content-type'), 'text/html');
    assert.equal(h.get('CONTENT-TYPE'), 'text/html');
    assert.deepEqual(h.getAll('Set-Cookie'), ['a=1', 'b=2', 'c=3']);
    assert.equal(h.get('missing'), null);
    assert.deepEqual(h.getAll('missing'), []);
    assert.ok(h.has('Set-cookie') && !h.has('x'));
    assert.equal(h.size, 2);
    assert.deepEqual(h.toObject(), { 'Content-Type': 'text/html', 'set-cookie': ['a=1', 'b=2', 'c=3'] });
  });

  it('iterates one pair per value, grouped by name in the order names first came', () => {
    const h = new Headers([
      ['A', '1'],
      ['B', '2'],
      ['a', '3'],
    ]);
    assert.deepEqual([...h], [['A', '1'], ['A', '3'], ['B', '2']]);
    assert.deepEqual(h.toJSON(), { A: ['1', '3'], B: '2' });
  });

  it('set() replaces every value of a name where it first was; delete() removes them all', () => {
    const h = new Headers([
      ['Accept', 'a'],
      ['X', '1'],
      ['accept', 'b'],
      ['Y', '2'],
    ]);
    h.set('ACCEPT', ['c', 'd']);
    assert.deepEqual([...h], [['ACCEPT', 'c'], ['ACCEPT', 'd'], ['X', '1'], ['Y', '2']]);
    h.set('Z', 'z');
    assert.equal(h.get('z'), 'z');
    h.delete('accept');
    assert.deepEqual([...h], [['X', '1'], ['Y', '2'], ['Z', 'z']]);
    h.delete('nothing');
    assert.equal(h.size, 3);
  });

  it('setDefault() sets only an absent name; a value equal to a name is not mistaken for it', () => {
    const h = new Headers({ Referer: 'user-agent' });
    h.setDefault('User-Agent', 'ua');
    h.setDefault('referer', 'other');
    assert.equal(h.get('user-agent'), 'ua');
    assert.equal(h.get('Referer'), 'user-agent');
    h.set('user-agent', 'ua2');
    assert.deepEqual(h.toObject(), { Referer: 'user-agent', 'user-agent': 'ua2' });
  });

  it('copies are independent; undefined and null values are skipped; numbers become strings', () => {
    const a = new Headers({ 'Content-Length': 12, Skip: undefined, Null: null });
    const b = new Headers(a);
    b.append('content-length', '13');
    b.set('X', 'x');
    assert.deepEqual(a.toObject(), { 'Content-Length': '12' });
    assert.deepEqual(b.toObject(), { 'Content-Length': ['12', '13'], X: 'x' });
  });
});
