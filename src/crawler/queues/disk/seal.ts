import { closeSync, fsyncSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { crc32 } from 'node:zlib';
import { writeFileAtomicSync } from '../../../util/atomic-file.js';
import { JobdirCorruptError } from '../../jobdir/errors.js';
import { segmentName, type LogPosition } from '../../jobdir/layout.js';

/** Version of `<JOBDIR>/queue.json`. */
const SEAL_VERSION = 1;

/** One log file as a clean close left it. */
export interface SealedFile {
  /** Relative to the JOBDIR: `queue/00000001.seg`, `seen.bin`. */
  name: string;
  bytes: number;
  crc32: number;
}

/**
 * `<JOBDIR>/queue.json`, the queue's seal. A run marks it unclean (durably) before it writes
 * anything to the log, and a clean close marks it clean with the length and CRC-32 of every log
 * file. On resume, a clean seal must match the files exactly: then a damaged record, a missing,
 * truncated or changed file is damage, never a torn write. Only after an unclean end (a crash,
 * `kill -9`) can the log end in a torn write, which is dropped.
 */
export interface QueueSeal {
  version: number;
  clean: boolean;
  /** When it was written (ISO). */
  at: string;
  /** With `clean`: the files of the log, oldest segment first, then `seen.bin`. */
  files?: SealedFile[];
}

/** The seal, or null when there is none. Throws JobdirCorruptError when it cannot be read as one. */
export function readSeal(path: string): QueueSeal | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let seal: QueueSeal;
  try {
    seal = JSON.parse(text) as QueueSeal;
  } catch {
    throw new JobdirCorruptError(path, 'is not valid JSON');
  }
  if (seal?.version !== SEAL_VERSION || typeof seal.clean !== 'boolean' || (seal.clean && !Array.isArray(seal.files))) {
    throw new JobdirCorruptError(path, `is not a queue seal of version ${SEAL_VERSION}`);
  }
  return seal;
}

/** Writes the seal atomically and syncs its folder, so that it is durable before the log changes. */
export function writeSeal(path: string, clean: boolean, files?: string[]): void {
  const root = dirname(path);
  const seal: QueueSeal = { version: SEAL_VERSION, clean, at: new Date().toISOString() };
  if (clean) seal.files = (files ?? []).map((f) => ({ name: relative(root, f), ...digest(f) }));
  writeFileAtomicSync(path, JSON.stringify(seal, null, 1) + '\n');
  const fd = openSync(root, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Length and CRC-32 of a file, read in chunks. */
export function digest(path: string): { bytes: number; crc32: number } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let bytes = 0;
    let crc = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, bytes);
      if (n === 0) break;
      crc = crc32(buf.subarray(0, n), crc);
      bytes += n;
    }
    return { bytes, crc32: crc };
  } finally {
    closeSync(fd);
  }
}

/**
 * How the files on disk differ from a clean seal: one line per problem, empty when they match.
 * `present` lists the log files that exist (absolute paths).
 */
export function compareWithSeal(seal: QueueSeal, root: string, present: string[]): string[] {
  const problems: string[] = [];
  const sealed = new Map((seal.files ?? []).map((f) => [f.name, f]));
  for (const f of seal.files ?? []) {
    const path = `${root}/${f.name}`;
    if (!present.includes(path)) {
      problems.push(`${path} is missing (it held ${f.bytes} bytes at the clean pause)`);
      continue;
    }
    const d = digest(path);
    if (d.bytes !== f.bytes) problems.push(`${path} is ${d.bytes} bytes long; the clean pause left ${f.bytes}`);
    else if (d.crc32 !== f.crc32) problems.push(`${path} changed since the clean pause (its checksum differs)`);
  }
  for (const path of present) {
    if (!sealed.has(relative(root, path))) problems.push(`${path} appeared after the clean pause (${basename(path)} was not part of the queue then)`);
  }
  return problems;
}

/** The log files found in a JOBDIR when the queue opens. */
export interface LogFiles {
  root: string;
  /** Segment numbers, ascending, and their paths. */
  segments: number[];
  segmentPaths: string[];
  /** `seen.bin`, or null when it does not exist. */
  seen: string | null;
}

/**
 * What is wrong with the log before it is read: the files must match a clean seal exactly; after
 * an unclean end the segments must still be consecutive (only the oldest are ever deleted) and
 * present once the job has run. `ran`: the job saved state before (so it had a log).
 */
export function logProblems(seal: QueueSeal | null, sealPath: string, files: LogFiles, ran: boolean, durable: LogPosition | null = null): string[] {
  const present = [...files.segmentPaths, ...(files.seen ? [files.seen] : [])];
  if (!seal) {
    if (present.length === 0 && !ran) return [];
    return [`${sealPath} is missing, so a clean pause cannot be told from a crash (it is written by this tscrapy at every start and clean stop)`];
  }
  if (seal.clean) return compareWithSeal(seal, files.root, present);
  const problems: string[] = [];
  if (files.segments.length === 0 && (ran || files.seen)) problems.push(`${dirname(files.segmentPaths[0] ?? `${files.root}/queue/x`)} holds no segment file, but the job has run`);
  for (let k = 1; k < files.segments.length; k++) {
    if (files.segments[k] !== files.segments[k - 1]! + 1) problems.push(`${files.segmentPaths[k - 1]} is followed by ${basename(files.segmentPaths[k]!)}: the segments between are missing`);
  }
  // A crash tears only what was written after the last commit: the log still reaches that point.
  const last = files.segments.length - 1;
  if (durable && last >= 0) {
    const lastPath = files.segmentPaths[last]!;
    if (files.segments[last]! < durable.segment) {
      problems.push(`${lastPath} is the last segment, but the job's last checkpoint had written up to ${segmentName(durable.segment)}: the segments after it are missing`);
    } else if (files.segments[last] === durable.segment) {
      const size = statSync(lastPath).size;
      if (size < durable.bytes) problems.push(`${lastPath} is ${size} bytes long, but ${durable.bytes} bytes of it were on disk at the job's last checkpoint`);
    }
  }
  return problems;
}
