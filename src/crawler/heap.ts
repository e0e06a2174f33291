import { runInNewContext } from 'node:vm';
import { InvalidArgumentError } from './errors.js';

/**
 * Tells V8 to run a full collection once the old generation grows by `percent` over what the
 * last one kept, instead of its default (which lets a parse-heavy crawl's heap swell to 2–3× its
 * live size). Measured on the 20,000-page bench crawl: peak RSS 260 → 157 MB at 30, for about 10%
 * less throughput. It is a flag of the whole process, so only code that owns the process calls
 * it: `tscrapy crawl`/`runspider` and the server's job processes, from HEAP_GROWING_PERCENT.
 * 0 leaves V8's default.
 */
export function applyHeapGrowingPercent(percent: number): void {
  checkHeapGrowingPercent(percent);
  if (percent === 0) return;
  v8().setFlagsFromString(`--heap-growing-percent=${percent}`);
  collectGarbageNow();
}

/** Throws InvalidArgumentError unless `percent` is a HEAP_GROWING_PERCENT value (checked before a crawl applies it). */
export function checkHeapGrowingPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    throw new InvalidArgumentError(`HEAP_GROWING_PERCENT must be a whole number from 0 to 1000 (0: V8's default), got ${percent}`);
  }
}

/**
 * Runs one full collection now, so that V8's next limit comes from the live heap and the
 * percentage above. Without it the first limit is V8's start-up one: in the first seconds of a
 * crawl (code not yet optimised, responses queueing) the old generation filled with dead
 * responses before any full collection came, and half the bench runs peaked there, 10–15 MiB
 * higher than the others.
 */
function collectGarbageNow(): void {
  // The documented way to reach V8's gc() without starting Node with --expose-gc.
  v8().setFlagsFromString('--expose-gc');
  try {
    (runInNewContext('gc') as () => void)();
  } finally {
    v8().setFlagsFromString('--no-expose-gc');
  }
}

/**
 * node:v8, loaded when the heap is tuned (after a crawl's first response) rather than with the
 * crawler: nothing before the first request needs it (≈ 0.5 ms of CPU at every start).
 */
function v8(): typeof import('node:v8') {
  return process.getBuiltinModule('node:v8');
}

/**
 * V8 flags a crawling process starts with: a young generation of 2 × 4 MB instead of up to
 * 2 × 16 MB. V8 reads them only at start-up, so `bin/run.js` carries them on its first line
 * and the server starts its job processes with them. Measured on the 20,000-page bench crawl:
 * peak RSS 172 → 141 MB, for a few percent of throughput.
 */
export const CRAWL_PROCESS_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
