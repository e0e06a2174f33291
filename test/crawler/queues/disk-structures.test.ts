import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jobdirPaths } from '../../../src/crawler/jobdir/layout.js';
import { Logger, MemorySink } from '../../../src/crawler/logger.js';
import { DiskStore } from '../../../src/crawler/queues/disk/disk-store.js';
import { FingerprintSet } from '../../../src/crawler/queues/disk/fingerprint-set.js';
import { IdDeque } from '../../../src/crawler/queues/disk/id-deque.js';
import { RecordTable } from '../../../src/crawler/queues/disk/record-table.js';

/** A small deterministic generator (xorshift32). */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

describe('JOBDIR in-memory structures', () => {
  it('IdDeque matches an array across block boundaries, from both ends', () => {
    const dq = new IdDeque();
    const model: number[] = [];
    const r = rng(7);
    let next = 1;
    for (let step = 0; step < 200_000; step++) {
      const op = r() % 10;
      if (op < 6) {
        // Bursts of pushes, so the deque crosses many 16,384-id blocks.
        for (let k = r() % 50; k >= 0; k--) {
          dq.push(next);
          model.push(next++);
        }
      } else if (op < 8) assert.equal(dq.popBack(), model.pop());
      else assert.equal(dq.popFront(), model.shift());
      assert.equal(dq.length, model.length);
    }
    dq.filter((id) => id % 3 !== 0);
    const kept = model.filter((id) => id % 3 !== 0);
    assert.equal(dq.length, kept.length);
    for (const id of kept) assert.equal(dq.popFront(), id);
    assert.equal(dq.popFront(), undefined);
    assert.equal(dq.popBack(), undefined);
    dq.push(42);
    assert.equal(dq.popBack(), 42);
  });

  it('FingerprintSet finds what it holds and nothing else, through many sub-table growths', () => {
    const set = new FingerprintSet();
    const r = rng(11);
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < 300_000; i++) pairs.push([r(), r()]);
    for (const [hi, lo] of pairs) assert.equal(set.add(hi, lo), true);
    assert.equal(set.size, pairs.length);
    for (const [hi, lo] of pairs) assert.equal(set.add(hi, lo), false);
    assert.equal(set.add(0, 0), true);
    assert.equal(set.add(0, 0), false);
    assert.equal(set.size, pairs.length + 1);
  });

  it('RecordTable finds the segment of each id from the first id of each segment', () => {
    const t = new RecordTable();
    // Segments 3, 4 (no pushes: acks only) and 5..7; ids 1..100 spread over 3, 5, 6, 7.
    const segOf = (id: number) => (id <= 30 ? 3 : id <= 60 ? 5 : id <= 61 ? 6 : 7);
    for (let id = 1; id <= 100; id++) t.set(id, segOf(id), 8 + id * 10);
    for (let id = 1; id <= 100; id++) {
      assert.equal(t.segment(id), segOf(id));
      assert.equal(t.offset(id), 8 + id * 10);
    }
    for (let id = 1; id <= 30; id++) assert.equal(t.delete(id, 101), 3);
    assert.equal(t.delete(5, 101), -1);
    assert.equal(t.has(5), false);
    t.dropSegmentsThrough(4);
    for (let id = 31; id <= 100; id++) assert.equal(t.segment(id), segOf(id));
    assert.equal(t.count, 70);
  });

  it('DiskStore reads back records longer than one read-ahead, from the buffer and from the files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tscrapy-diskstruct-'));
    try {
      const logger = new Logger('t', 100, new MemorySink());
      const paths = jobdirPaths(join(root, 'job'));
      const store = new DiskStore({ paths, logger, lifo: false, commitDelayMs: 1, segmentBytes: 64 * 1024 });
      store.open();
      const texts = Array.from({ length: 40 }, (_, i) => JSON.stringify({ url: `http://x/${i}`, body: 'é'.repeat(i * 200) }));
      for (const t of texts) store.push(t, 0, true);
      // Still in the write buffer: read from memory.
      const first = store.pop()!;
      assert.equal(first.json, texts[0]);
      await store.commit();
      // Written (over several segments): read from the files.
      for (let i = 1; i < texts.length; i++) assert.equal(store.pop()!.json, texts[i]);
      assert.equal(store.pop(), null);
      await store.close();
      // Nothing was acked: everything is pending again after a reopen, in order.
      const again = new DiskStore({ paths, logger, lifo: false, commitDelayMs: 1 });
      again.open();
      assert.equal(again.size, texts.length);
      for (const t of texts) assert.equal(again.pop()!.json, t);
      await again.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('DiskStore reloads a log larger than its scan window, with a record larger than the window', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tscrapy-diskstruct-'));
    try {
      const logger = new Logger('t', 100, new MemorySink());
      const paths = jobdirPaths(join(root, 'job'));
      const store = new DiskStore({ paths, logger, lifo: false, commitDelayMs: 1 });
      store.open();
      // ~3 MB of small records around one of 1.5 MB: records straddle the 1 MiB scan window.
      const texts: string[] = [];
      for (let i = 0; i < 30_000; i++) texts.push(JSON.stringify({ url: `http://x/${i}`, n: i }));
      texts.splice(12_345, 0, JSON.stringify({ url: 'http://x/big', body: 'b'.repeat(1_500_000) }));
      for (const t of texts) store.push(t, 0, true);
      await store.close();
      const again = new DiskStore({ paths, logger, lifo: false, commitDelayMs: 1 });
      again.open();
      assert.equal(again.size, texts.length);
      for (const t of texts) assert.equal(again.pop()!.json, t);
      await again.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
