import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PoolGrowth } from '../../src/selector/pool-growth.js';

/** `n` answers that took `ms` each. */
function answer(growth: PoolGrowth, n: number, ms: number): void {
  for (let i = 0; i < n; i++) growth.answered(ms);
}

describe('PoolGrowth', () => {
  it('starts another thread only once the running ones have been measured', () => {
    const growth = new PoolGrowth(8);
    answer(growth, 31, 1);
    assert.equal(growth.shouldGrow(1), false, '31 answers are not enough for one thread');
    answer(growth, 1, 1);
    assert.equal(growth.shouldGrow(1), true);
    // The measure starts again with two threads: 32 answers are not enough for two.
    answer(growth, 32, 1);
    assert.equal(growth.shouldGrow(2), false);
  });

  it('keeps growing while each thread started adds at least half a thread of capacity', () => {
    const growth = new PoolGrowth(8);
    // Jobs take 1 ms whatever the threads: a machine with the cores for them.
    for (let running = 1; running < 8; running++) {
      answer(growth, 32 * running, 1);
      assert.equal(growth.shouldGrow(running), true, `thread ${running + 1}`);
    }
    answer(growth, 32 * 8, 1);
    assert.equal(growth.shouldGrow(8), false, 'never beyond the maximum');
    assert.equal(growth.stopped, false);
  });

  it('stops for good when the last thread started did not pay (jobs slowed down as much as it added)', () => {
    const growth = new PoolGrowth(8);
    answer(growth, 32, 1);
    assert.equal(growth.shouldGrow(1), true);
    // Two threads on a core that one had: each job takes twice as long, capacity is unchanged.
    answer(growth, 64, 2);
    assert.equal(growth.shouldGrow(2), false);
    assert.equal(growth.stopped, true);
    answer(growth, 1000, 0.1);
    assert.equal(growth.shouldGrow(2), false, 'a stopped pool does not grow again');
  });

  it('judges by capacity: 1.4× with the second thread is not enough, 1.5× is', () => {
    const slow = new PoolGrowth(4);
    answer(slow, 32, 1);
    slow.shouldGrow(1);
    answer(slow, 64, 2 / 1.4);
    assert.equal(slow.shouldGrow(2), false);
    const fast = new PoolGrowth(4);
    answer(fast, 32, 1);
    fast.shouldGrow(1);
    answer(fast, 64, 2 / 1.5);
    assert.equal(fast.shouldGrow(2), true);
  });
});
