import { closeSync, existsSync, fdatasync, fstatSync, fsyncSync, openSync, readdirSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Request, type RequestJSON } from '../../http/request.js';
import { JobdirCorruptError, JobdirQueueDamagedError } from '../../jobdir/errors.js';
import { SEGMENT_RE, segmentName, type JobdirPaths, type LogPosition } from '../../jobdir/layout.js';
import type { Logger } from '../../logger.js';
import { requestFingerprint } from '../../fingerprint.js';
import { FingerprintSet, fingerprintPrefix } from './fingerprint-set.js';
import { GroupCommit } from '../group-commit.js';
import { IdDeque } from './id-deque.js';
import { fileHeader, HEADER_BYTES, MAX_WRITE_BYTES, RecordBuffer, RecordType, RECORD_HEADER_BYTES, scanFile, sealRecord, writeFully, type TailMode } from './record-log.js';
import { RecordTable } from './record-table.js';
import { logProblems, readSeal, writeSeal, type LogFiles, type QueueSeal } from './seal.js';
import { makeDirSync } from '../../../util/make-dir.js';

const QUEUE_MAGIC = 'TSCQ';
const SEEN_MAGIC = 'TSCS';
const PUSH_FIXED = 10;
/**
 * Write buffered pushes once this many bytes wait (no fsync: a crash keeps what reached the OS).
 * Small enough that the write buffer stays at 512 KiB; large enough for few write calls.
 */
const WRITE_AT = 256 * 1024;
/** Write buffered fingerprints once this many wait (after syncing the pushes they belong to). */
const SEEN_WRITE_AT = 65536;
/** A seen.bin record of SEEN_WRITE_AT fingerprints (512 KiB), built in place. */
const SEEN_RECORD_BYTES = RECORD_HEADER_BYTES + 1 + SEEN_WRITE_AT * 8;
/** Bytes read per pop: a whole record of a typical request (~100 bytes) in one read. */
const READ_AHEAD = 1024;

/** How far the spider's start() output got: `consumed` outputs are durably recorded. */
export interface StartProgress {
  consumed: number;
  done: boolean;
}

export interface DiskStoreOptions {
  paths: JobdirPaths;
  /** Within a priority: last in, first out (depth-first, Scrapy's default). @default true */
  lifo?: boolean;
  logger: Logger;
  /**
   * Awaited before each batch of acks is written: makes the outputs (items) of the acked
   * requests durable first. The crawl sends the `checkpoint` signal here.
   */
  beforeCommit?: () => Promise<void>;
  /** Start a new segment file past this size. @default 16 MiB */
  segmentBytes?: number;
  /** Acks wait this long to be written together (group commit). @default 50 */
  commitDelayMs?: number;
  /** The job saved state before: its log must be there. @default false */
  ran?: boolean;
  /** Where the log was durable at the job's last checkpoint (from state.json), if known. @default null */
  durable?: LogPosition | null;
  /**
   * JOBDIR_REPAIR: continue a damaged log with what is readable (each file up to its first bad
   * record) instead of refusing it. @default false
   */
  repair?: boolean;
}

/**
 * The persistent frontier of one JOBDIR: a log of append-only segment files holding request
 * pushes, acks and start() progress, plus `seen.bin` holding fingerprints. Memory holds only
 * ids and offsets (8 bytes per pending request: its offset and its place in a priority deque)
 * and fingerprint prefixes (about 16 bytes each); records are read back from the files.
 *
 * Durability (at-least-once): pushes and fingerprints may be written any time (pushes first);
 * acks are written only at a commit, after `beforeCommit` (feeds flushed and synced, state
 * saved), and the promise `ack()` returns resolves once they are synced. A request whose ack
 * did not reach the disk is handed out again on resume; one that did has its items on disk.
 */
export class DiskStore {
  readonly seen = new FingerprintSet();
  readonly #o: Required<Omit<DiskStoreOptions, 'beforeCommit'>> & Pick<DiskStoreOptions, 'beforeCommit'>;
  #durable: LogPosition = { segment: 0, bytes: 0 };
  readonly #table = new RecordTable();
  readonly #deques = new Map<number, IdDeque>();
  /** Priorities with a deque, highest first. */
  #priorities: number[] = [];
  #pending = 0;
  #nextId = 1;
  #segLive = new Map<number, number>();
  #readFds = new Map<number, number>();
  #head = 0;
  #headFd = -1;
  /** Bytes of the head segment already written to the file. */
  #headWritten = 0;
  readonly #out = new RecordBuffer();
  readonly #scratch = Buffer.allocUnsafeSlow(READ_AHEAD);
  #seenFd = -1;
  /**
   * Fingerprints not yet written, as a seen.bin record being filled. Two buffers take turns: a
   * commit writes one after awaiting a sync while new fingerprints go to the other; none is
   * allocated per batch (a 512 KiB Buffer per batch lingers until a GC notices it).
   */
  #seenBuf: Buffer | null = null;
  #seenSpare: Buffer | null = null;
  #seenCount = 0;
  #acks: number[] = [];
  /** While scanning: the highest id pushed before the last commit record (ids grow in log order). */
  #committedThrough = 0;
  #start: StartProgress = { consumed: 0, done: false };
  #durableStart: StartProgress = { consumed: 0, done: false };
  #startDirty = false;
  readonly #group: GroupCommit;
  #opened = false;
  #closed = false;
  /** Counts for the start message. */
  readonly loaded = { pending: 0, seen: 0, tornBytes: 0 };

  constructor(options: DiskStoreOptions) {
    this.#o = { lifo: true, segmentBytes: 16 * 1024 * 1024, commitDelayMs: 50, ran: false, durable: null, repair: false, ...options };
    this.#group = new GroupCommit({
      run: () => this.#commit(),
      delayMs: this.#o.commitDelayMs,
      onError: (err) => this.#o.logger.error(`JOBDIR commit failed in ${this.#o.paths.root}: ${(err as Error)?.stack ?? err}`),
    });
  }

  /**
   * Loads the job's log (once): checks it against the seal of the last run, scans every segment
   * and `seen.bin`, drops a torn tail (after a crash only) with a warning, and marks the seal
   * unclean before anything is written. Throws JobdirQueueDamagedError for any other damage.
   */
  open(): void {
    if (this.#opened) return;
    const { paths, repair } = this.#o;
    makeDirSync(paths.queue);
    const segs = readdirSync(paths.queue)
      .map((n) => SEGMENT_RE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const files: LogFiles = { root: paths.root, segments: segs, segmentPaths: segs.map((n) => join(paths.queue, segmentName(n))), seen: existsSync(paths.seen) ? paths.seen : null };
    let seal: QueueSeal | null = null;
    let problems: string[];
    try {
      seal = readSeal(paths.seal);
      problems = logProblems(seal, paths.seal, files, this.#o.ran, this.#o.durable);
    } catch (err) {
      if (!(err instanceof JobdirCorruptError)) throw err;
      problems = [`${err.file} ${err.what}`];
    }
    if (problems.length) {
      if (!repair) throw new JobdirQueueDamagedError(paths.root, problems);
      this.#o.logger.warn(`JOBDIR_REPAIR: continuing the job in ${paths.root} although its queue is damaged:\n  - ${problems.join('\n  - ')}`);
    }
    // Repairing truncates files: the seal says so first. Otherwise a clean log is read strictly,
    // and only the last segment and seen.bin of a crashed run may end in a torn write.
    if (repair) writeSeal(paths.seal, false);
    const tail: TailMode = repair ? 'salvage' : seal?.clean ? 'none' : 'torn';
    try {
      if (files.seen) {
        const r = scanFile(paths.seen, SEEN_MAGIC, tail, (p, off) => {
          if (p[0] !== RecordType.Seen || (p.length - 1) % 8 !== 0) throw new JobdirCorruptError(paths.seen, `unexpected record at byte ${off}`);
          for (let i = 1; i < p.length; i += 8) this.seen.add(p.readUInt32LE(i), p.readUInt32LE(i + 4));
        });
        this.#warnTorn(paths.seen, r.tornBytes);
      }
      for (const seg of segs) this.#segLive.set(seg, 0);
      for (let k = 0; k < segs.length; k++) {
        const seg = segs[k]!;
        const path = files.segmentPaths[k]!;
        const r = scanFile(path, QUEUE_MAGIC, k === segs.length - 1 || repair ? tail : 'none', (p, off) => this.#replay(seg, p, off, path));
        this.#warnTorn(path, r.tornBytes);
        if (k === segs.length - 1) this.#headWritten = r.validEnd;
      }
    } catch (err) {
      if (err instanceof JobdirCorruptError && !(err instanceof JobdirQueueDamagedError)) throw new JobdirQueueDamagedError(paths.root, [`${err.file}: ${err.what}`]);
      throw err;
    }
    if (!repair) writeSeal(paths.seal, false);
    // Replay queued every push; keep those not acked since.
    this.#pending = 0;
    for (const dq of this.#deques.values()) {
      dq.filter((id) => this.#table.has(id));
      this.#pending += dq.length;
    }
    this.#priorities = this.#priorities.filter((prio) => {
      if (this.#deques.get(prio)!.length > 0) return true;
      this.#deques.delete(prio);
      return false;
    });
    this.#durableStart = { ...this.#start };
    this.#head = segs.length ? segs[segs.length - 1]! : 1;
    this.#headFd = openSync(join(paths.queue, segmentName(this.#head)), 'a+');
    if (this.#headWritten === 0) {
      this.#out.reserve(HEADER_BYTES);
      fileHeader(QUEUE_MAGIC).copy(this.#out.buf, 0);
      this.#out.len = HEADER_BYTES;
      this.#appendStart(this.#start);
      this.#headWritten = this.#out.writeTo(this.#headFd);
      fsyncSync(this.#headFd);
    }
    this.#durable = { segment: this.#head, bytes: this.#headWritten };
    this.#seenFd = openSync(paths.seen, 'a');
    if (fstatSync(this.#seenFd).size === 0) {
      writeFully(this.#seenFd, fileHeader(SEEN_MAGIC));
      fsyncSync(this.#seenFd);
    }
    // Pushes after the last commit may lack their fingerprint in seen.bin (a crash between the
    // two writes): take it from the stored request, so a replayed parent cannot enqueue it twice.
    for (let id = Math.max(this.#committedThrough + 1, this.#table.firstId); id < this.#nextId; id++) {
      if (this.#table.has(id) && this.#readFiltered(id)) this.seenBefore(requestFingerprint(decodeRequest(this.#readJson(id), null)));
    }
    this.loaded.pending = this.#pending;
    this.loaded.seen = this.seen.size;
    this.#opened = true;
  }

  /** The JOBDIR. */
  get root(): string {
    return this.#o.paths.root;
  }

  /** How far the log is known to be on disk (after the last commit). */
  get durablePosition(): LogPosition {
    return { ...this.#durable };
  }

  /** Pending requests (not counting leased ones). */
  get size(): number {
    return this.#pending;
  }

  /** Where start() output stood at the last commit. */
  get startProgress(): StartProgress {
    return { ...this.#durableStart };
  }

  /** Records a fingerprint; returns true when it was seen before. */
  seenBefore(fp: string): boolean {
    const [hi, lo] = fingerprintPrefix(fp);
    if (!this.seen.add(hi, lo)) return true;
    this.#addSeenPair(hi, lo);
    return false;
  }

  /**
   * Appends a push record; returns the request's id. `json` is the compact request JSON;
   * `filtered` when its fingerprint went through `seenBefore` (not dontFilter).
   */
  push(json: string, priority: number, filtered: boolean): number {
    const id = this.#nextId++;
    if (id > 0xffffffff) throw new RangeError('More than 2^32 requests in one job');
    const out = this.#out;
    if (out.len >= WRITE_AT) this.#writeOut();
    out.reserve(RECORD_HEADER_BYTES + PUSH_FIXED + json.length * 3);
    const start = out.len;
    const b = out.buf;
    let p = start + RECORD_HEADER_BYTES;
    b[p] = RecordType.Push;
    b[p + 1] = filtered ? 1 : 0;
    b.writeUInt32LE(id, p + 2);
    b.writeInt32LE(priority | 0, p + 6);
    p += PUSH_FIXED;
    p += b.write(json, p, 'utf8');
    out.len = p;
    out.seal(start);
    this.#table.set(id, this.#head, this.#headWritten + start);
    this.#segLive.set(this.#head, (this.#segLive.get(this.#head) ?? 0) + 1);
    this.#enqueueId(id, priority | 0);
    return id;
  }

  /** The next id by priority (highest first), with its record's JSON; null when none is pending. */
  pop(): { id: number; json: string } | null {
    while (this.#priorities.length > 0) {
      const prio = this.#priorities[0]!;
      const dq = this.#deques.get(prio)!;
      const id = this.#o.lifo ? dq.popBack() : dq.popFront();
      if (dq.length === 0) {
        this.#deques.delete(prio);
        this.#priorities.shift();
      }
      if (id === undefined) continue;
      this.#pending--;
      return { id, json: this.#readJson(id) };
    }
    return null;
  }

  /** The request is done; returns a promise that resolves once that is durable. */
  ack(id: number): Promise<void> {
    this.#acks.push(id);
    return this.#group.request();
  }

  /** Notes start() progress; it becomes durable with the next commit. */
  markStart(consumed: number, done: boolean): void {
    this.#start = { consumed, done };
    this.#startDirty = true;
    if (done) void this.#group.request();
  }

  /** Writes and syncs everything now (used on close, and by tests). */
  commit(): Promise<void> {
    return this.#group.commit();
  }

  /**
   * Final commit, then closes the files and seals them as cleanly closed. Leased, unacked
   * requests stay pending for the next run.
   */
  async close(): Promise<void> {
    if (this.#closed || !this.#opened) return;
    try {
      await this.#group.close();
    } finally {
      this.#closed = true;
      for (const fd of this.#readFds.values()) closeSync(fd);
      this.#readFds.clear();
      closeSync(this.#headFd);
      closeSync(this.#seenFd);
    }
    const { paths } = this.#o;
    const segments = readdirSync(paths.queue)
      .filter((n) => SEGMENT_RE.test(n))
      .sort()
      .map((n) => join(paths.queue, n));
    writeSeal(paths.seal, true, [...segments, paths.seen]);
  }

  async #commit(): Promise<void> {
    const acks = this.#acks;
    this.#acks = [];
    const start = this.#start;
    const startDirty = this.#startDirty;
    this.#startDirty = false;
    if (acks.length === 0 && !startDirty && this.#out.len === 0 && this.#seenCount === 0) return;
    if (acks.length || startDirty) {
      try {
        await this.#o.beforeCommit?.();
      } catch (err) {
        // Nothing was written: the acks wait for the next commit.
        this.#acks = acks.concat(this.#acks);
        if (startDirty) this.#startDirty = true;
        throw err;
      }
    }
    // Pushes first, then acks and progress: an ack never precedes the pushes of its outputs.
    // Pushes, then their fingerprints, then acks: on disk, a fingerprint never precedes its
    // push, and an ack never precedes the fingerprints of its request's outputs.
    this.#writeOut();
    const seen = this.#takeSeen();
    if (seen) {
      await datasync(this.#headFd);
      writeFully(this.#seenFd, seen);
      this.#releaseSeen(seen);
      await datasync(this.#seenFd);
    }
    if (acks.length) this.#appendAcks(acks);
    if (startDirty) this.#appendStart(start);
    this.#appendCommit();
    this.#writeOut();
    const synced = { segment: this.#head, bytes: this.#headWritten };
    await datasync(this.#headFd);
    this.#durable = synced;
    if (startDirty) this.#durableStart = { ...start };
    for (const id of acks) this.#forget(id);
    this.#collectSegments();
  }

  #replay(seg: number, p: Buffer, off: number, path: string): void {
    switch (p[0]) {
      case RecordType.Push: {
        const id = p.readUInt32LE(2);
        this.#table.set(id, seg, off);
        this.#segLive.set(seg, (this.#segLive.get(seg) ?? 0) + 1);
        // Queued now, in log (= id) order; open() drops the ones acked later in the log.
        this.#enqueueId(id, p.readInt32LE(6));
        if (id >= this.#nextId) this.#nextId = id + 1;
        return;
      }
      case RecordType.Commit:
        this.#committedThrough = this.#nextId - 1;
        return;
      case RecordType.Ack:
        for (let i = 1; i + 4 <= p.length; i += 4) this.#forget(p.readUInt32LE(i));
        return;
      case RecordType.Start:
        this.#start = { done: p[1] === 1, consumed: p.readDoubleLE(2) };
        return;
      default:
        throw new JobdirCorruptError(path, `unknown record type ${p[0]} at byte ${off}`);
    }
  }

  #forget(id: number): void {
    const seg = this.#table.delete(id, this.#nextId);
    if (seg < 0) return;
    const n = (this.#segLive.get(seg) ?? 1) - 1;
    this.#segLive.set(seg, n);
  }

  /** Deletes the oldest segments once every request in them is acked (and synced). */
  #collectSegments(): void {
    for (const seg of [...this.#segLive.keys()].sort((a, b) => a - b)) {
      if (seg >= this.#head || this.#segLive.get(seg)! > 0) break;
      this.#segLive.delete(seg);
      this.#table.dropSegmentsThrough(seg);
      const fd = this.#readFds.get(seg);
      if (fd !== undefined) {
        closeSync(fd);
        this.#readFds.delete(seg);
      }
      try {
        unlinkSync(join(this.#o.paths.queue, segmentName(seg)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }

  #enqueueId(id: number, prio: number): void {
    let dq = this.#deques.get(prio);
    if (!dq) {
      dq = new IdDeque();
      this.#deques.set(prio, dq);
      let i = 0;
      while (i < this.#priorities.length && this.#priorities[i]! > prio) i++;
      this.#priorities.splice(i, 0, prio);
    }
    dq.push(id);
    this.#pending++;
  }

  #readJson(id: number): string {
    const off = this.#table.offset(id);
    if (off === 0) throw new Error(`JOBDIR queue: request #${id} has no record`);
    const seg = this.#table.segment(id);
    const skip = RECORD_HEADER_BYTES + PUSH_FIXED;
    if (seg === this.#head && off >= this.#headWritten) {
      const at = off - this.#headWritten;
      return this.#out.buf.toString('utf8', at + skip, at + RECORD_HEADER_BYTES + this.#out.buf.readUInt32LE(at));
    }
    // One read of READ_AHEAD bytes covers most records (its length is in its header); a longer
    // one takes a second read. The scratch buffer is reused: nothing is allocated but the string.
    const fd = this.#readFd(seg);
    let buf = this.#scratch;
    let got = this.#readAt(fd, seg, buf, 0, READ_AHEAD, off);
    if (got < skip) throw this.#truncated(seg, off);
    const end = RECORD_HEADER_BYTES + buf.readUInt32LE(0);
    if (end > got) {
      if (end > buf.length) {
        const bigger = Buffer.allocUnsafe(end);
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      while (got < end) got += this.#readAt(fd, seg, buf, got, end - got, off + got);
    }
    return buf.toString('utf8', skip, end);
  }

  /** Whether the push of a live id went through the dupefilter (its `filtered` byte). */
  #readFiltered(id: number): boolean {
    const off = this.#table.offset(id);
    const seg = this.#table.segment(id);
    if (seg === this.#head && off >= this.#headWritten) return this.#out.buf[off - this.#headWritten + RECORD_HEADER_BYTES + 1] === 1;
    this.#readAt(this.#readFd(seg), seg, this.#scratch, 0, RECORD_HEADER_BYTES + 2, off);
    return this.#scratch[RECORD_HEADER_BYTES + 1] === 1;
  }

  /** Reads up to `length` bytes at `position`; throws when the file ends before any (a truncated record). */
  #readAt(fd: number, seg: number, buf: Buffer, at: number, length: number, position: number): number {
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, at + got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    if (got === 0) throw this.#truncated(seg, position);
    return got;
  }

  #truncated(seg: number, off: number): JobdirCorruptError {
    return new JobdirCorruptError(join(this.#o.paths.queue, segmentName(seg)), `ends before the record at byte ${off}`);
  }

  #readFd(seg: number): number {
    if (seg === this.#head) return this.#headFd;
    let fd = this.#readFds.get(seg);
    if (fd === undefined) {
      fd = openSync(join(this.#o.paths.queue, segmentName(seg)), 'r');
      this.#readFds.set(seg, fd);
    }
    return fd;
  }

  #appendAcks(ids: number[]): void {
    // One record per batch of ids, each record well under MAX_WRITE_BYTES.
    for (let k = 0; k < ids.length; k += 65536) {
      const part = ids.slice(k, k + 65536);
      const out = this.#out;
      out.reserve(RECORD_HEADER_BYTES + 1 + part.length * 4);
      const start = out.len;
      let p = start + RECORD_HEADER_BYTES;
      out.buf[p++] = RecordType.Ack;
      for (const id of part) {
        out.buf.writeUInt32LE(id, p);
        p += 4;
      }
      out.len = p;
      out.seal(start);
    }
  }

  #appendCommit(): void {
    const out = this.#out;
    out.reserve(RECORD_HEADER_BYTES + 1);
    const start = out.len;
    out.buf[start + RECORD_HEADER_BYTES] = RecordType.Commit;
    out.len = start + RECORD_HEADER_BYTES + 1;
    out.seal(start);
  }

  #appendStart(s: StartProgress): void {
    const out = this.#out;
    out.reserve(RECORD_HEADER_BYTES + 10);
    const start = out.len;
    const p = start + RECORD_HEADER_BYTES;
    out.buf[p] = RecordType.Start;
    out.buf[p + 1] = s.done ? 1 : 0;
    out.buf.writeDoubleLE(s.consumed, p + 2);
    out.len = p + 10;
    out.seal(start);
  }

  /** Writes buffered records to the head segment, starting a new segment when it is full. */
  #writeOut(): void {
    if (this.#out.len === 0) return;
    if (this.#out.len > MAX_WRITE_BYTES) {
      // Rare (huge bodies): keep the torn-tail window honest by syncing what precedes.
      fsyncSync(this.#headFd);
    }
    this.#headWritten += this.#out.writeTo(this.#headFd);
    if (this.#headWritten >= this.#o.segmentBytes) this.#rotate();
  }

  #rotate(): void {
    // The old segment is complete and synced before anything lands in the next one.
    fsyncSync(this.#headFd);
    const old = this.#head;
    this.#head++;
    if (!this.#segLive.has(old)) this.#segLive.set(old, 0);
    this.#readFds.set(old, this.#headFd);
    this.#headFd = openSync(join(this.#o.paths.queue, segmentName(this.#head)), 'a+');
    this.#out.reserve(HEADER_BYTES);
    fileHeader(QUEUE_MAGIC).copy(this.#out.buf, 0);
    this.#out.len = HEADER_BYTES;
    // Each segment opens with the durable start progress, so deleting old ones never loses it.
    this.#appendStart(this.#durableStart);
    this.#headWritten = this.#out.writeTo(this.#headFd);
  }

  #addSeenPair(hi: number, lo: number): void {
    if (this.#seenCount === SEEN_WRITE_AT) {
      // A fingerprint must not be durable before its push: write and sync the pushes first.
      this.#writeOut();
      fsyncSync(this.#headFd);
      writeFully(this.#seenFd, this.#sealSeen());
    }
    this.#seenBuf ??= this.#seenSpare ?? Buffer.allocUnsafeSlow(SEEN_RECORD_BYTES);
    if (this.#seenBuf === this.#seenSpare) this.#seenSpare = null;
    const at = RECORD_HEADER_BYTES + 1 + this.#seenCount * 8;
    this.#seenBuf.writeUInt32LE(hi, at);
    this.#seenBuf.writeUInt32LE(lo, at + 4);
    this.#seenCount++;
  }

  /** The buffered fingerprints as a sealed record (a view of the current buffer); empties the count. */
  #sealSeen(): Buffer {
    const buf = this.#seenBuf!;
    const end = RECORD_HEADER_BYTES + 1 + this.#seenCount * 8;
    this.#seenCount = 0;
    buf[RECORD_HEADER_BYTES] = RecordType.Seen;
    sealRecord(buf, 0, end);
    return buf.subarray(0, end);
  }

  /** For a commit: the buffered fingerprints as a record; new ones go to the other buffer until `#releaseSeen`. */
  #takeSeen(): Buffer | null {
    if (this.#seenCount === 0) return null;
    const rec = this.#sealSeen();
    this.#seenBuf = null;
    return rec;
  }

  #releaseSeen(rec: Buffer): void {
    this.#seenSpare = Buffer.from(rec.buffer, rec.byteOffset, SEEN_RECORD_BYTES);
  }

  #warnTorn(path: string, bytes: number): void {
    if (bytes === 0) return;
    this.loaded.tornBytes += bytes;
    if (this.#o.repair) {
      this.#o.logger.warn(`JOBDIR_REPAIR: ${path}: dropped ${bytes} bytes from its first bad record on; requests recorded there are lost, done ones may be crawled again`);
      return;
    }
    this.#o.logger.warn(`${path}: dropped a torn tail of ${bytes} bytes (a write cut short by a crash); the requests in it are replayed from their parents`);
  }
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** The compact JSON of a request: default values left out (most requests need ~80 bytes). */
export function encodeRequest(json: RequestJSON): string {
  const o: Record<string, unknown> = { url: json.url };
  if (json.method !== 'GET') o.method = json.method;
  if (Object.keys(json.headers).length) o.headers = json.headers;
  if (json.body !== null) o.body = json.body;
  if (json.bodyEncoding) o.bodyEncoding = json.bodyEncoding;
  if (json.cookies && Object.keys(json.cookies).length) o.cookies = json.cookies;
  if (Object.keys(json.meta).length) o.meta = json.meta;
  if (json.priority) o.priority = json.priority;
  if (json.dontFilter) o.dontFilter = true;
  if (json.callback !== null) o.callback = json.callback;
  if (json.errback !== null) o.errback = json.errback;
  if (Object.keys(json.cbKwargs).length) o.cbKwargs = json.cbKwargs;
  if (json.flags.length) o.flags = json.flags;
  if (json.kind) o.kind = json.kind;
  return JSON.stringify(o);
}

/** Rebuilds a request from `encodeRequest` output (`spider` null: without callbacks, for its fingerprint). */
export function decodeRequest(text: string, spider: object | null): Request {
  const o = JSON.parse(text) as Partial<RequestJSON> & { url: string };
  const json: RequestJSON = {
    url: o.url,
    method: o.method ?? 'GET',
    headers: o.headers ?? {},
    body: o.body ?? null,
    cookies: o.cookies ?? {},
    meta: o.meta ?? {},
    priority: o.priority ?? 0,
    dontFilter: o.dontFilter ?? false,
    callback: spider ? (o.callback ?? null) : null,
    errback: spider ? (o.errback ?? null) : null,
    cbKwargs: o.cbKwargs ?? {},
    flags: o.flags ?? [],
  };
  if (o.bodyEncoding) json.bodyEncoding = o.bodyEncoding;
  if (o.kind) json.kind = o.kind;
  return Request.fromJSON(json, spider ?? undefined);
}
