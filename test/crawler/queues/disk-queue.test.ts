import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { requestFingerprint } from '../../../src/crawler/fingerprint.js';
import { Request } from '../../../src/crawler/http/request.js';
import { jobdirPaths } from '../../../src/crawler/jobdir/layout.js';
import { Logger, MemorySink } from '../../../src/crawler/logger.js';
import { DiskDupeFilter, DiskQueue, DiskStore } from '../../../src/crawler/queues/disk/index.js';
import type { Spider } from '../../../src/crawler/spider.js';

const spider = { name: 't', parse() {}, parseItem() {} } as unknown as Spider;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function backend(dir: string, opts: { lifo?: boolean; segmentBytes?: number; beforeCommit?: () => Promise<void> } = {}) {
  const sink = new MemorySink();
  const logger = new Logger('t', 10, sink);
  const store = new DiskStore({ paths: jobdirPaths(dir), logger, commitDelayMs: 1, ...opts });
  const queue = new DiskQueue({ store, logger, resumed: true });
  const dupefilter = new DiskDupeFilter(store);
  queue.open(spider);
  return { store, queue, dupefilter, sink };
}

function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), 'tscrapy-diskq-'));
  dirs.push(d);
  return join(d, 'job');
}

function enqueue(b: ReturnType<typeof backend>, r: Request): boolean {
  if (!r.dontFilter && b.dupefilter.seen(requestFingerprint(r))) return false;
  b.queue.push(r);
  return true;
}

describe('DiskQueue', () => {
  it('hands requests out by priority, LIFO within a priority by default, FIFO on request', async () => {
    for (const lifo of [true, false]) {
      const b = backend(fresh(), { lifo });
      for (const [i, p] of [[1, 0], [2, 5], [3, 0], [4, 5]] as const) enqueue(b, new Request(`http://x/${i}`, { priority: p, callback: 'parseItem', meta: { i } }));
      const got: string[] = [];
      for (let r = b.queue.pop(); r; r = b.queue.pop()) {
        got.push(r.url.slice(9));
        assert.equal(r.callback, (spider as unknown as Record<string, unknown>).parseItem);
        assert.equal(r.meta.i, Number(r.url.slice(9)));
      }
      assert.deepEqual(got, lifo ? ['4', '2', '3', '1'] : ['2', '4', '1', '3']);
      await b.queue.close('finished');
    }
  });

  it('keeps leased, unacked requests and the seen fingerprints across a close; acked ones are gone', async () => {
    const dir = fresh();
    const a = backend(dir);
    for (let i = 0; i < 10; i++) enqueue(a, new Request(`http://x/${i}`));
    const leased = [a.queue.pop()!, a.queue.pop()!, a.queue.pop()!];
    await a.queue.ack(leased[0]!);
    await a.queue.close('shutdown');

    const b = backend(dir);
    assert.equal(b.queue.size(), 9, 'two leased requests come back, the acked one does not');
    assert.equal(b.dupefilter.size(), 10);
    assert.equal(enqueue(b, new Request('http://x/3')), false, 'seen survives');
    const urls = new Set<string>();
    for (let r = b.queue.pop(); r; r = b.queue.pop()) urls.add(r.url);
    assert.ok(!urls.has(leased[0]!.url));
    assert.ok(urls.has(leased[1]!.url) && urls.has(leased[2]!.url));
    await b.queue.close('finished');
  });

  it('waits for beforeCommit (the checkpoint) before an ack is durable', async () => {
    const order: string[] = [];
    const b = backend(fresh(), {
      beforeCommit: async () => {
        order.push('checkpoint');
      },
    });
    enqueue(b, new Request('http://x/1'));
    const r = b.queue.pop()!;
    await b.queue.ack(r);
    order.push('acked');
    assert.deepEqual(order, ['checkpoint', 'acked']);
    await b.queue.close('finished');
  });

  it('rotates segments and deletes those whose requests are all acked', async () => {
    const dir = fresh();
    const b = backend(dir, { segmentBytes: 4096, lifo: false });
    for (let i = 0; i < 2000; i++) {
      enqueue(b, new Request(`http://x/page/${i}`));
      // A segment is full only when a write lands: write often, as a crawl's commits do.
      if (i % 50 === 49) await b.store.commit();
    }
    await b.store.commit();
    const before = readdirSync(join(dir, 'queue')).length;
    assert.ok(before > 5, `${before} segments`);
    const acks: Array<Promise<void> | void> = [];
    for (let i = 0; i < 1900; i++) acks.push(b.queue.ack(b.queue.pop()!));
    await Promise.all(acks);
    const after = readdirSync(join(dir, 'queue')).length;
    assert.ok(after < before / 2, `${before} → ${after} segments`);
    await b.queue.close('shutdown');
    const again = backend(dir, { segmentBytes: 4096, lifo: false });
    assert.equal(again.queue.size(), 100);
    assert.equal(again.queue.pop()!.url, 'http://x/page/1900');
    assert.equal(again.dupefilter.size(), 2000);
    await again.queue.close('shutdown');
  });

  it('recovers fingerprints of pushes written after the last commit (crash before seen.bin)', async () => {
    const dir = fresh();
    const a = backend(dir);
    const big = (n: number) => new Request(`http://x/big${n}`, { method: 'POST', body: 'a'.repeat(1_200_000) });
    for (let i = 0; i < 5; i++) enqueue(a, new Request(`http://x/${i}`));
    // Pushes are written in 1 MB batches, fingerprints only at a commit: these four reach the
    // segment file (the last push stays in memory), seen.bin gets none of them. Then "crash".
    for (const r of [big(1), new Request('http://x/late'), big(2), new Request('http://x/unwritten')]) enqueue(a, r);
    const b = backend(dir);
    assert.equal(b.queue.size(), 8);
    assert.equal(enqueue(b, new Request('http://x/late')), false, 'the fingerprint came back from the log');
    assert.equal(enqueue(b, new Request('http://x/unwritten')), true);
    await b.queue.close('shutdown');
  });

  it('with SCHEDULER_DEBUG keeps unserializable requests in memory; without, throws naming the key', async () => {
    const dir = fresh();
    const sink = new MemorySink();
    const logger = new Logger('t', 10, sink);
    const store = new DiskStore({ paths: jobdirPaths(dir), logger });
    const strict = new DiskQueue({ store, logger });
    strict.open(spider);
    assert.throws(() => strict.push(new Request('http://x/f', { meta: { fn: () => 1 } })), /Cannot serialize request http:\/\/x\/f: meta\.fn/);
    const lenient = new DiskQueue({ store, logger, debug: true });
    lenient.open(spider);
    lenient.push(new Request('http://x/f', { meta: { fn: () => 1 } }));
    assert.equal(lenient.size(), 1);
    assert.equal(lenient.pop()!.url, 'http://x/f');
    await store.close();
  });
});
