import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
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

/**
 * Calls `onRecord(payload, recordOffset)` for each record of `path`. A bad record at the tail
 * of the last file (`mayBeTorn`) is a torn write: it is reported in the result and the file is
 * truncated there. A bad record anywhere else, a bad header or an unknown version throws.
 */
export function scanFile(path: string, magic: string, mayBeTorn: boolean, onRecord: (payload: Buffer, offset: number) => void): ScanResult {
  const data = readFileSync(path);
  const size = data.length;
  if (size < HEADER_BYTES) {
    if (mayBeTorn) return truncateTo(path, 0, size, true);
    throw new JobdirCorruptError(path, `is ${size} bytes long, shorter than its header`);
  }
  if (data.toString('latin1', 0, 4) !== magic) throw new JobdirCorruptError(path, `does not start with "${magic}" (not a tscrapy JOBDIR file)`);
  const version = data.readUInt32LE(4);
  if (version !== JOBDIR_FORMAT_VERSION) {
    throw new JobdirVersionError(`${path}: written in JOBDIR format version ${version}; this tscrapy reads version ${JOBDIR_FORMAT_VERSION}. Resume the job with the tscrapy that started it, or use a new JOBDIR`);
  }
  let off = HEADER_BYTES;
  while (off < size) {
    let bad: string | null = null;
    let len = 0;
    if (size - off < RECORD_HEADER_BYTES) bad = `a record header is cut short at byte ${off}`;
    else {
      len = data.readUInt32LE(off);
      if (len === 0 || off + RECORD_HEADER_BYTES + len > size) bad = `the record at byte ${off} declares ${len} bytes, but the file ends at byte ${size}`;
      else if (crc32(data.subarray(off + RECORD_HEADER_BYTES, off + RECORD_HEADER_BYTES + len)) !== data.readUInt32LE(off + 4)) {
        bad = `the record at byte ${off} fails its checksum`;
      }
    }
    if (bad) {
      // A torn write leaves garbage only at the very end: a valid record after the bad one
      // means damage in the middle, which is never dropped silently.
      const next = off + RECORD_HEADER_BYTES + len;
      const torn = mayBeTorn && !(len > 0 && next < size && validRecordAt(data, next)) && size - off <= MAX_WRITE_BYTES + (len > MAX_WRITE_BYTES ? len + RECORD_HEADER_BYTES : 0);
      if (torn) return truncateTo(path, off, size, false);
      throw new JobdirCorruptError(path, `${bad}, and it is not a torn write at the end of the job's last file`);
    }
    onRecord(data.subarray(off + RECORD_HEADER_BYTES, off + RECORD_HEADER_BYTES + len), off);
    off += RECORD_HEADER_BYTES + len;
  }
  return { validEnd: size, tornBytes: 0, size };
}

function validRecordAt(data: Buffer, off: number): boolean {
  if (data.length - off < RECORD_HEADER_BYTES) return false;
  const len = data.readUInt32LE(off);
  if (len === 0 || off + RECORD_HEADER_BYTES + len > data.length) return false;
  return crc32(data.subarray(off + RECORD_HEADER_BYTES, off + RECORD_HEADER_BYTES + len)) === data.readUInt32LE(off + 4);
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
    const payloadLen = this.len - start - RECORD_HEADER_BYTES;
    this.buf.writeUInt32LE(payloadLen, start);
    this.buf.writeUInt32LE(crc32(this.buf.subarray(start + RECORD_HEADER_BYTES, this.len)), start + 4);
  }

  /** Writes the buffer to `fd` (at its end: files are opened for appending) and empties it. */
  writeTo(fd: number): number {
    const n = this.len;
    let done = 0;
    while (done < n) done += writeSync(fd, this.buf, done, n - done);
    this.len = 0;
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(256 * 1024);
    return n;
  }
}
