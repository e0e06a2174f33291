import { ApiError } from '../errors.js';
import type { RunningJob } from './types.js';

/** The signals a cancel may send, as Scrapyd's clients name them. */
const CANCEL_SIGNALS: Readonly<Record<string, NodeJS.Signals>> = { INT: 'SIGINT', TERM: 'SIGTERM', KILL: 'SIGKILL', '2': 'SIGINT', '15': 'SIGTERM', '9': 'SIGKILL' };

/**
 * cancel.json's `signal`: INT, TERM or KILL, with or without `SIG`, any case (or their
 * numbers 2, 15, 9), and nothing else — another signal could do more than stop the job
 * (SIGUSR1 opens Node's inspector inside it, where any local user could run code).
 */
export function parseSignal(input: string): NodeJS.Signals {
  const s = input.trim().toUpperCase();
  const key = s.startsWith('SIG') ? s.slice(3) : s;
  if (Object.hasOwn(CANCEL_SIGNALS, key)) return CANCEL_SIGNALS[key]!;
  throw new ApiError(`signal ${JSON.stringify(input)} is not allowed: use INT (a graceful stop, the default), TERM or KILL`, 400);
}

/** What it took to end a process. */
export interface TerminateResult {
  /** Signals sent, in order (e.g. ['SIGINT', 'SIGTERM', 'SIGKILL']). */
  signals: NodeJS.Signals[];
  /** ms from the first signal to the exit. */
  elapsedMs: number;
  /** The grace period applied between signals. */
  graceMs: number;
}

function waitExit(job: RunningJob, ms: number): Promise<boolean> {
  if (job.hasExited) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void job.exited.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/**
 * Ends a job's process for sure: `first` (a graceful stop for SIGINT: feeds and JOBDIR are
 * flushed), then SIGTERM after `graceMs`, then SIGKILL after another `graceMs`. Scrapyd sends
 * one signal and leaves a stuck process running; this always ends it.
 */
export async function terminate(job: RunningJob, first: NodeJS.Signals, graceMs: number): Promise<TerminateResult> {
  const started = Date.now();
  const signals: NodeJS.Signals[] = [];
  const ladder: NodeJS.Signals[] = [first];
  if (first !== 'SIGTERM' && first !== 'SIGKILL') ladder.push('SIGTERM');
  if (first !== 'SIGKILL') ladder.push('SIGKILL');
  for (const sig of ladder) {
    if (job.hasExited) break;
    if (job.kill(sig)) signals.push(sig);
    if (await waitExit(job, sig === 'SIGKILL' ? 5000 : graceMs)) break;
  }
  await job.exited;
  return { signals, elapsedMs: Date.now() - started, graceMs };
}

/** Words for a cancel, from what happened: `Job 3f2a was cancelled with SIGINT and killed after 10000 ms`. */
export function describeCancel(jobId: string, r: TerminateResult): string {
  const [first, ...rest] = r.signals;
  if (!first) return `Job ${jobId} was cancelled; its process had already exited`;
  let msg = `Job ${jobId} was cancelled with ${first}`;
  if (rest.includes('SIGTERM')) msg += `, sent SIGTERM after ${r.graceMs} ms`;
  if (rest.includes('SIGKILL')) msg += ` and killed after ${rest.includes('SIGTERM') ? 2 * r.graceMs : r.graceMs} ms`;
  return msg;
}
