import { join } from 'node:path';

/**
 * The files of a JOBDIR. Everything is append-only or replaced atomically:
 *
 * - `jobdir.json`  the format version and the spider (written once, when the job starts)
 * - `lock`         the pid of the process running the job
 * - `queue/NNNNNNNN.seg`  the request log: pushes, acks and start progress in CRC'd records
 * - `seen.bin`     fingerprints (64-bit prefixes) in CRC'd batches
 * - `queue.json`   whether the queue was closed cleanly, with the length and CRC of each file then
 * - `state.json`   spider.state, stats, elapsed time (replaced at each checkpoint)
 * - `feeds.json`   where each feed stands (written by the FeedExporter)
 */
export const JOBDIR_FORMAT = 'tscrapy-jobdir';
/** Bump on any incompatible change of the files above; a JOBDIR of another version is refused. */
export const JOBDIR_FORMAT_VERSION = 1;

export interface JobdirPaths {
  root: string;
  manifest: string;
  lock: string;
  queue: string;
  seen: string;
  /** The queue's seal: see `queue/disk/seal.ts`. */
  seal: string;
  state: string;
}

export function jobdirPaths(root: string): JobdirPaths {
  return {
    root,
    manifest: join(root, 'jobdir.json'),
    lock: join(root, 'lock'),
    queue: join(root, 'queue'),
    seen: join(root, 'seen.bin'),
    seal: join(root, 'queue.json'),
    state: join(root, 'state.json'),
  };
}

/** A place in the request log: `bytes` bytes of segment number `segment`. */
export interface LogPosition {
  segment: number;
  bytes: number;
}

/** The name of segment number `n` of the request log. */
export function segmentName(n: number): string {
  return `${String(n).padStart(8, '0')}.seg`;
}

export const SEGMENT_RE = /^(\d{8})\.seg$/;
