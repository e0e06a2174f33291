import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/crawler/http/request.js';
import { LEVELS, Logger, MemorySink } from '../../src/crawler/logger.js';
import { MemoryDupeFilter } from '../../src/crawler/queues/memory-dupefilter.js';
import { MemoryQueue } from '../../src/crawler/queues/memory-queue.js';
import { Scheduler } from '../../src/crawler/scheduler.js';
import { StatsCollector } from '../../src/crawler/stats.js';

function scheduler(debugDupes = false) {
  const sink = new MemorySink();
  const stats = new StatsCollector();
  const s = new Scheduler({
    queue: new MemoryQueue(),
    dupefilter: new MemoryDupeFilter(),
    stats,
    logger: new Logger('t', LEVELS.DEBUG, sink),
    debugDupes,
  });
  return { s, stats, sink };
}

describe('Scheduler', () => {
  it('drops duplicates by canonical fingerprint and counts them, logging the first only', async () => {
    const { s, stats, sink } = scheduler();
    assert.equal(await s.enqueue(new Request('https://e.com/p?b=2&a=1#top')), true);
    assert.equal(await s.enqueue(new Request('https://e.com/p?a=1&b=2')), false);
    assert.equal(await s.enqueue(new Request('https://E.com/p?a=1&b=2#other')), false);
    assert.equal(await s.enqueue(new Request('https://e.com/p?a=1&b=2', { method: 'POST' })), true);
    assert.equal(await s.enqueue(new Request('https://e.com/p?a=1&b=2', { dontFilter: true })), true);
    assert.equal(stats.getValue('dupefilter/filtered'), 2);
    assert.equal(stats.getValue('scheduler/enqueued/memory'), 3);
    assert.equal(sink.lines.filter((l) => l.includes('Filtered duplicate')).length, 1);
    assert.equal(s.pending, 3);
    assert.equal(s.seen, 2);
  });

  it('hands requests out by priority and counts dequeues', async () => {
    const { s, stats } = scheduler();
    await s.enqueue(new Request('https://e.com/low', { priority: -1 }));
    await s.enqueue(new Request('https://e.com/high', { priority: 10 }));
    assert.equal((await s.next())!.url, 'https://e.com/high');
    assert.equal((await s.next())!.url, 'https://e.com/low');
    assert.equal(await s.next(), null);
    assert.equal(stats.getValue('scheduler/dequeued'), 2);
    assert.equal(s.hasPending(), false);
  });

  it('logs every duplicate with DUPEFILTER_DEBUG', async () => {
    const { s, sink } = scheduler(true);
    for (let i = 0; i < 3; i++) await s.enqueue(new Request('https://e.com/'));
    assert.equal(sink.lines.filter((l) => l.includes('Filtered duplicate')).length, 2);
  });
});
