import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JobdirQueueDamagedError } from '../../../src/crawler/jobdir/errors.js';
import { jobdirPaths, type LogPosition } from '../../../src/crawler/jobdir/layout.js';
import { Logger, MemorySink } from '../../../src/crawler/logger.js';
import { DiskStore } from '../../../src/crawler/queues/disk/index.js';

const PUSHED = 300;
const ACKED = 100;

describe('the queue seal: damage after a clean pause or beyond the last checkpoint is refused, never taken for a torn write', () => {
  let root: string;
  /** A job closed cleanly (the seal holds each file's length and CRC), and a crashed one (no close). */
  let clean: string;
  let crashed: string;
  let crashedAt: LogPosition;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tscrapy-seal-'));
    clean = join(root, 'clean');
    crashed = join(root, 'crashed');
    const store = new DiskStore({ paths: jobdirPaths(clean), logger: new Logger('t', 100, new MemorySink()), commitDelayMs: 1, lifo: false });
    store.open();
    for (let i = 0; i < PUSHED; i++) {
      assert.equal(store.seenBefore((i + 1).toString(16).padStart(16, '0').padEnd(40, '0')), false);
      store.push(JSON.stringify({ url: `http://x/${i}` }), 0, true);
    }
    const acks = [];
    for (let i = 0; i < ACKED; i++) acks.push(store.ack(store.pop()!.id));
    await Promise.all(acks);
    // "kill -9" here: a copy of the files while the store is open, with what the checkpoint saw.
    crashedAt = store.durablePosition;
    cpSync(clean, crashed, { recursive: true });
    await store.close();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  function copy(from: string, name: string): string {
    const dir = join(root, name);
    cpSync(from, dir, { recursive: true });
    return dir;
  }
  const segment = (dir: string): string => join(dir, 'queue', readdirSync(join(dir, 'queue')).sort().at(-1)!);

  function reopen(dir: string, opts: { durable?: LogPosition; repair?: boolean } = {}): { store: DiskStore; log: string } {
    const sink = new MemorySink();
    const store = new DiskStore({ paths: jobdirPaths(dir), logger: new Logger('t', 10, sink), lifo: false, ran: true, ...opts });
    store.open();
    return { store, log: sink.lines.join('\n') };
  }

  function refused(dir: string, pattern: RegExp, file: string, opts: { durable?: LogPosition } = {}): void {
    assert.throws(
      () => reopen(dir, opts),
      (err: Error) => {
        assert.ok(err instanceof JobdirQueueDamagedError, String(err));
        assert.equal(err.code, 'TSC_ERR_JOBDIR_QUEUE_DAMAGED');
        assert.ok(err.message.includes(file), `${file} not named in: ${err.message}`);
        assert.match(err.message, pattern);
        assert.match(err.message, /--jobdir-repair \(-s JOBDIR_REPAIR=true\)/);
        return true;
      },
    );
  }

  it('an undamaged job resumes after a clean pause and after a crash, with every pending request', async () => {
    for (const [dir, opts] of [[copy(clean, 'ok-clean'), {}], [copy(crashed, 'ok-crashed'), { durable: crashedAt }]] as const) {
      const { store } = reopen(dir, opts);
      assert.equal(store.size, PUSHED - ACKED);
      assert.equal(store.pop()!.json, JSON.stringify({ url: `http://x/${ACKED}` }));
      await store.close();
    }
  });

  const afterCleanPause: Array<[string, (dir: string) => string, RegExp]> = [
    ['the segment deleted', (d) => (rmSync(segment(d)), join(d, 'queue', '00000001.seg')), /00000001\.seg is missing \(it held \d+ bytes at the clean pause\)/],
    ['the queue folder deleted', (d) => (rmSync(join(d, 'queue'), { recursive: true }), join(d, 'queue', '00000001.seg')), /is missing/],
    ['the segment truncated to 0 bytes', (d) => (truncateSync(segment(d), 0), segment(d)), /is 0 bytes long; the clean pause left \d+/],
    ['the segment truncated to its 8-byte header', (d) => (truncateSync(segment(d), 8), segment(d)), /is 8 bytes long; the clean pause left \d+/],
    [
      'one bit flipped in the length field of the last record',
      (d) => {
        const seg = segment(d);
        const data = readFileSync(seg);
        let last = 8;
        for (let off = 8; off + 8 <= data.length; off += 8 + data.readUInt32LE(off)) last = off;
        data[last + 2] ^= 0x01;
        writeFileSync(seg, data);
        return seg;
      },
      /changed since the clean pause \(its checksum differs\)/,
    ],
    ['the segment cut in half', (d) => (truncateSync(segment(d), Math.floor(statSync(segment(d)).size / 2)), segment(d)), /bytes long; the clean pause left \d+/],
    ['seen.bin truncated', (d) => (truncateSync(join(d, 'seen.bin'), 8), join(d, 'seen.bin')), /seen\.bin is 8 bytes long/],
    ['the seal deleted', (d) => (rmSync(join(d, 'queue.json')), join(d, 'queue.json')), /queue\.json is missing, so a clean pause cannot be told from a crash/],
    ['the seal damaged', (d) => (writeFileSync(join(d, 'queue.json'), '{"clean": tr'), join(d, 'queue.json')), /queue\.json is not valid JSON/],
    ['a segment added', (d) => (cpSync(segment(d), join(d, 'queue', '00000002.seg')), join(d, 'queue', '00000002.seg')), /appeared after the clean pause/],
  ];
  for (const [name, damage, pattern] of afterCleanPause) {
    it(`after a clean pause: ${name}`, () => {
      const dir = copy(clean, name.replace(/\W+/g, '-'));
      refused(dir, pattern, damage(dir));
    });
  }

  const afterCrash: Array<[string, (dir: string) => string, RegExp]> = [
    ['the segment truncated to its header', (d) => (truncateSync(segment(d), 8), segment(d)), /is 8 bytes long, but \d+ bytes of it were on disk at the job's last checkpoint/],
    ['the queue folder emptied', (d) => (rmSync(segment(d)), join(d, 'queue')), /holds no segment file, but the job has run/],
    ['the last segment deleted after a rotation', (d) => (cpSync(segment(d), join(d, 'queue', '00000002.seg')), rmSync(join(d, 'queue', '00000002.seg')), join(d, 'queue', '00000001.seg')), /up to 00000003\.seg: the segments after it are missing/],
  ];
  for (const [name, damage, pattern] of afterCrash) {
    it(`after a crash: ${name}`, () => {
      const dir = copy(crashed, `crash-${name.replace(/\W+/g, '-')}`);
      const file = damage(dir);
      // The last case: the checkpoint had reached segment 3 (as if two rotations happened since).
      const durable = name.includes('rotation') ? { segment: 3, bytes: 100 } : crashedAt;
      refused(dir, pattern, file, { durable });
    });
  }

  it('after a crash, a torn tail beyond the last checkpoint is still dropped with a warning', async () => {
    const dir = copy(crashed, 'torn');
    const half = Buffer.alloc(38);
    half.writeUInt32LE(200, 0);
    writeFileSync(segment(dir), half, { flag: 'a' });
    const { store, log } = reopen(dir, { durable: crashedAt });
    assert.match(log, /dropped a torn tail of 38 bytes \(a write cut short by a crash\)/);
    assert.equal(store.size, PUSHED - ACKED);
    await store.close();
  });

  it('JOBDIR_REPAIR continues with what is readable, says what it dropped, and seals the result', async () => {
    const dir = copy(clean, 'repair');
    const seg = segment(dir);
    truncateSync(seg, Math.floor(statSync(seg).size / 2));
    const { store, log } = reopen(dir, { repair: true });
    assert.match(log, new RegExp(`JOBDIR_REPAIR: continuing the job in .* although its queue is damaged:\\n  - ${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is \\d+ bytes long`));
    assert.match(log, /JOBDIR_REPAIR: .*: dropped \d+ bytes from its first bad record on/);
    assert.ok(store.size < PUSHED - ACKED && store.size > 0, `${store.size} pending`);
    const left = store.size;
    await store.close();
    const again = reopen(dir);
    assert.equal(again.store.size, left, 'the repaired queue was sealed cleanly');
    assert.doesNotMatch(again.log, /JOBDIR_REPAIR|torn/);
    await again.store.close();
  });
});
