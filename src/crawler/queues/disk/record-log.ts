import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { JobdirCorruptError, JobdirVersionError } from '../../jobdir/errors.js';
import { JOBDIR_FORMAT_VERSION } from '../../jobdir/layout.js';

/**
 * The framing shared by the request log segments and `seen.bin`: a file header (4-byte magic,
 * u32 format version), then records `[u32 payload length][u32 CRC-32 of payload][payload]`.
 * Files are only appended to, in batches; a crash can only tear the last batch of the last file.
 */
export const HEADER_BYTES = 8;
export const RECORD_HEADER_BYTES = 8;
/** A single write never exceeds this (bar one oversized record), so a torn tail lies within it. */
export const MAX_WRITE_BYTES = 8 * 1024 * 1024;

export const enum RecordType {
  Push = 1,
  Ack = 2,
  Start = 3,
  Seen = 4,
  /** Ends a commit: every push before it has its fingerprint in `seen.bin`. */
  Commit = 5,
}

export function fileHeader(magic: string): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(magic, 0, 4, 'latin1');
  b.writeUInt32LE(JOBDIR_FORMAT_VERSION, 4);
  return b;
}

/** What scanning a file found. */
export interface ScanResult {
  /** Bytes of valid records (and header): where appending continues. */
  validEnd: number;
  /** Bytes of a torn tail that were dropped (0 when none). */
  tornBytes: number;
  size: number;
}

/** Bytes read at a time while scanning: the file is never read whole (a segment is 16 MiB). */
const SCAN_CHUNK = 1024 * 1024;

/**
 * What a bad record may be: `none` (the file was closed cleanly: any bad record is damage),
 * `torn` (the last file after a crash: a bad record in the last write batch is a torn write),
 * `salvage` (JOBDIR_REPAIR: the file is kept up to its first bad record, wherever it is).
 */
export type TailMode = 'none' | 'torn' | 'salvage';

/**
 * Calls `onRecord(payload, recordOffset)` for each record of `path`. The payload is a view of a
 * buffer that is reused for the next records: copy what must outlive the call. A bad record that
 * `mode` allows to drop is reported in the result and the file is truncated there. Any other bad
 * record, a bad header or an unknown version throws.
 */
export function scanFile(path: string, magic: string, mode: TailMode, onRecord: (payload: Buffer, offset: number) => void): ScanResult {
  const mayBeTorn = mode !== 'none';
  const fd = openSync(path, 'r');
  let size: number;
  /** Where the valid records end; -1 when not even the header is there. */
  let end: number;
  try {
    size = fstatSync(fd).size;
    if (size >= HEADER_BYTES) end = scanRecords(fd, path, size, magic, mode, onRecord);
    else if (mayBeTorn) end = -1;
    else throw new JobdirCorruptError(path, `is ${size} bytes long, shorter than its header`);
  } finally {
    closeSync(fd);
  }
  if (end === size) return { validEnd: size, tornBytes: 0, size };
  return end < 0 ? truncateTo(path, 0, size, true) : truncateTo(path, end, size, false);
}

/** Checks the header and calls `onRecord` for each record; returns where the valid records end. */
function scanRecords(fd: number, path: string, size: number, magic: string, mode: TailMode, onRecord: (payload: Buffer, offset: number) => void): number {
  const header = readAt(fd, 0, HEADER_BYTES);
  if (header.toString('latin1', 0, 4) !== magic) throw new JobdirCorruptError(path, `does not start with "${magic}" (not a tscrapy JOBDIR file)`);
  const version = header.readUInt32LE(4);
  if (version !== JOBDIR_FORMAT_VERSION) {
    throw new JobdirVersionError(`${path}: written in JOBDIR format version ${version}; this tscrapy reads version ${JOBDIR_FORMAT_VERSION}. Resume the job with the tscrapy that started it, or use a new JOBDIR`);
  }
  // A window of the file: buf[0] is byte `winStart`; `winLen` bytes are valid.
  let buf = Buffer.allocUnsafeSlow(Math.min(SCAN_CHUNK, size));
  let winStart = 0;
  let winLen = 0;
  /** Makes bytes [off, off + n) of the file (n <= size - off) available in `buf`; returns where they start. */
  const window = (off: number, n: number): number => {
    if (off >= winStart && off + n <= winStart + winLen) return off - winStart;
    if (n > buf.length) buf = Buffer.allocUnsafeSlow(n);
    winStart = off;
    winLen = readInto(fd, buf, off, Math.min(buf.length, size - off));
    return 0;
  };
  let off = HEADER_BYTES;
  while (off < size) {
    let bad: string | null = null;
    let len = 0;
    let at = 0;
    if (size - off < RECORD_HEADER_BYTES) bad = `a record header is cut short at byte ${off}`;
    else {
      at = window(off, RECORD_HEADER_BYTES);
      len = buf.readUInt32LE(at);
      if (len === 0 || off + RECORD_HEADER_BYTES + len > size) bad = `the record at byte ${off} declares ${len} bytes, but the file ends at byte ${size}`;
      else {
        at = window(off, RECORD_HEADER_BYTES + len);
        if (crc32(buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + len)) !== buf.readUInt32LE(at + 4)) {
          bad = `the record at byte ${off} fails its checksum`;
        }
      }
    }
    if (bad) {
      // A torn write leaves garbage only at the very end: a valid record after the bad one
      // means damage in the middle, which is never dropped silently.
      const next = off + RECORD_HEADER_BYTES + len;
      if (mode === 'salvage') return off;
      const torn = mode === 'torn' && !(len > 0 && next < size && validRecordAt(fd, next, size)) && size - off <= MAX_WRITE_BYTES + (len > MAX_WRITE_BYTES ? len + RECORD_HEADER_BYTES : 0);
      if (torn) return off;
      throw new JobdirCorruptError(path, `${bad}, and it is not a torn write at the end of the job's last file`);
    }
    onRecord(buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + len), off);
    off += RECORD_HEADER_BYTES + len;
  }
  return size;
}

function validRecordAt(fd: number, off: number, size: number): boolean {
  if (size - off < RECORD_HEADER_BYTES) return false;
  const head = readAt(fd, off, RECORD_HEADER_BYTES);
  const len = head.readUInt32LE(0);
  if (len === 0 || off + RECORD_HEADER_BYTES + len > size) return false;
  return crc32(readAt(fd, off + RECORD_HEADER_BYTES, len)) === head.readUInt32LE(4);
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  const got = readInto(fd, buf, position, length);
  return got === length ? buf : buf.subarray(0, got);
}

/** Reads `length` bytes at `position` into the start of `buf` (fewer only at the end of the file). */
function readInto(fd: number, buf: Buffer, position: number, length: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function truncateTo(path: string, end: number, size: number, headerless: boolean): ScanResult {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, end);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { validEnd: headerless ? 0 : end, tornBytes: size - end, size };
}

/**
 * An append-only writer with a growable in-memory buffer: records are built in place, written
 * with one `write` per batch, and synced on demand.
 */
export class RecordBuffer {
  buf: Buffer = Buffer.allocUnsafe(256 * 1024);
  len = 0;

  reserve(bytes: number): void {
    if (this.len + bytes <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + bytes) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Fills in the length and CRC of the record whose header starts at `start` and payload ends at `this.len`. */
  seal(start: number): void {
    sealRecord(this.buf, start, this.len);
  }

  /** Writes the buffer to `fd` (at its end: files are opened for appending) and empties it. */
  writeTo(fd: number): number {
    const n = this.len;
    writeFully(fd, this.buf, n);
    this.len = 0;
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(256 * 1024);
    return n;
  }
}

/** Fills in the length and CRC of the record whose header starts at `start` and payload ends at `end`. */
export function sealRecord(buf: Buffer, start: number, end: number): void {
  buf.writeUInt32LE(end - start - RECORD_HEADER_BYTES, start);
  buf.writeUInt32LE(crc32(buf.subarray(start + RECORD_HEADER_BYTES, end)), start + 4);
}

/** Writes the first `length` bytes of `buf` to `fd` (at its end: files are opened for appending). */
export function writeFully(fd: number, buf: Buffer, length = buf.length): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buf, done, length - done);
}
