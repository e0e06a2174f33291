import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSafeName } from '../../src/server/names.js';
import { compareNatural, sortVersions } from '../../src/server/version-order.js';

describe('version order', () => {
  it('uses PEP 440 when every version parses', () => {
    assert.deepEqual(sortVersions(['1.10', '1.9', '1.0.post1', '1.0', '1.0rc1', '1.0a1', '2!0.1', '1.0.dev1']), ['1.0.dev1', '1.0a1', '1.0rc1', '1.0', '1.0.post1', '1.9', '1.10', '2!0.1']);
  });
  it('falls back to natural order: r10 after r9, 1.10 after 1.9', () => {
    assert.deepEqual(sortVersions(['r10', 'r9', 'r100', 'r2']), ['r2', 'r9', 'r10', 'r100']);
    assert.deepEqual(sortVersions(['1.10-x', '1.9-x', 'b0582849', '2024-01-02']), ['b0582849', '1.9-x', '1.10-x', '2024-01-02']);
    assert.ok(compareNatural('1.10', '1.9') > 0);
  });
  it('keeps versions as given', () => {
    assert.deepEqual(sortVersions(['1.0', '1.0.0', 'v1']), ['1.0', '1.0.0', 'v1']);
  });
  it('accepts safe names only', () => {
    for (const ok of ['demo', 'r23', '1.0+local', 'a_b-c.d', '6487ec79947edab326d6db28a2d86511e8247444']) assert.ok(isSafeName(ok), ok);
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', '-x', '.hidden', 'a b', 'x'.repeat(129), 'a\0b']) assert.ok(!isSafeName(bad), bad);
  });
});
