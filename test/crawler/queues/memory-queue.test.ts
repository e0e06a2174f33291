import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../../src/crawler/http/request.js';
import { MemoryQueue } from '../../../src/crawler/queues/memory-queue.js';

const req = (path: string, priority = 0) => new Request(`https://e.com/${path}`, { priority });

function drain(q: MemoryQueue): string[] {
  const out: string[] = [];
  for (let r = q.pop(); r; r = q.pop()) out.push(r.url.slice('https://e.com/'.length));
  return out;
}

describe('MemoryQueue', () => {
  it('pops higher priority first, LIFO within a priority by default', () => {
    const q = new MemoryQueue();
    for (const [p, pr] of [['a', 0], ['b', 5], ['c', 0], ['d', -1], ['e', 5]] as const) q.push(req(p, pr));
    assert.equal(q.size(), 5);
    assert.deepEqual(drain(q), ['e', 'b', 'c', 'a', 'd']);
    assert.equal(q.size(), 0);
    assert.equal(q.pop(), null);
  });

  it('is FIFO within a priority when asked', () => {
    const q = new MemoryQueue({ lifo: false });
    for (const [p, pr] of [['a', 0], ['b', 5], ['c', 0], ['d', -1], ['e', 5]] as const) q.push(req(p, pr));
    assert.deepEqual(drain(q), ['b', 'e', 'a', 'c', 'd']);
  });

  it('keeps FIFO order across compaction of a long run', () => {
    const q = new MemoryQueue({ lifo: false });
    for (let i = 0; i < 5000; i++) q.push(req(String(i)));
    const first = [];
    for (let i = 0; i < 3000; i++) first.push(q.pop()!.url);
    for (let i = 5000; i < 6000; i++) q.push(req(String(i)));
    const rest = drain(q).map(Number);
    assert.equal(first[2999], 'https://e.com/2999');
    assert.deepEqual(rest, Array.from({ length: 3000 }, (_, i) => i + 3000));
  });
});
