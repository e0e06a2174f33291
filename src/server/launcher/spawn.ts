import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRAWL_PROCESS_FLAGS } from '../../crawler/heap.js';
import type { LiveCounts } from '../job.js';
import type { ChildMessage, ExitInfo, FinalMessage, JobRunner, JobSpec, RunningJob } from './types.js';
import { makeDirSync } from '../../util/make-dir.js';

export interface ChildProcessRunnerOptions {
  /** The child entry script. @default the built src/server/launcher/child.js next to this file */
  script?: string;
  /** Extra Node flags for the child (e.g. `--import tsx` for a .ts script). */
  execArgv?: string[];
  /** Extra environment for the child. */
  env?: Record<string, string>;
}

/**
 * The default child entry: child.js beside this module (child.ts run through tsx in
 * development), with the flags a crawling process starts with.
 */
export function defaultChildScript(): { script: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { script: here.replace(/spawn\.ts$/, 'child.ts'), execArgv: [...CRAWL_PROCESS_FLAGS, '--import', 'tsx'] };
  return { script: here.replace(/spawn\.js$/, 'child.js'), execArgv: [...CRAWL_PROCESS_FLAGS] };
}

/**
 * Runs each job in its own Node process (`process.execPath` + the child script, with an IPC
 * channel). The child's stdout and stderr go to the job's log file (opened for append, so
 * a crash's stack trace lands next to the crawl's own log lines).
 */
export class ChildProcessRunner implements JobRunner {
  readonly #script: string;
  readonly #execArgv: string[];
  readonly #env: Record<string, string>;

  constructor(opts: ChildProcessRunnerOptions = {}) {
    const def = defaultChildScript();
    this.#script = opts.script ?? def.script;
    this.#execArgv = opts.execArgv ?? (opts.script ? [...CRAWL_PROCESS_FLAGS, ...(opts.script.endsWith('.ts') ? ['--import', 'tsx'] : [])] : def.execArgv);
    this.#env = opts.env ?? {};
  }

  start(spec: JobSpec, onCounts: (counts: LiveCounts) => void): RunningJob {
    let out: number | 'ignore' = 'ignore';
    if (spec.logFile) {
      makeDirSync(dirname(spec.logFile));
      out = openSync(spec.logFile, 'a', 0o600);
    }
    let child: ChildProcess;
    try {
      child = fork(this.#script, [], {
        execArgv: this.#execArgv,
        stdio: ['ignore', out, out, 'ipc'],
        env: { ...process.env, ...this.#env, TSCRAPY_JOB_ID: spec.jobId },
        serialization: 'json',
      });
    } finally {
      if (typeof out === 'number') closeSync(out); // the child has its own copy
    }
    let final: FinalMessage | null = null;
    let spawnError: string | null = null;
    let hasExited = false;
    child.on('message', (raw: unknown) => {
      const msg = raw as ChildMessage;
      if (msg?.type === 'counts') onCounts({ items: msg.items | 0, pages: msg.pages | 0, errors: msg.errors | 0 });
      else if (msg?.type === 'final') final = msg;
    });
    const exited = new Promise<ExitInfo>((resolve) => {
      child.on('error', (err) => {
        spawnError = err.message;
        // 'exit' may never come when the spawn itself failed
        if (child.pid === undefined) {
          hasExited = true;
          resolve({ code: null, signal: null, final, spawnError });
        }
      });
      child.once('exit', (code, signal) => {
        hasExited = true;
        resolve({ code, signal, final, spawnError });
      });
    });
    child.send({ type: 'start', spec }, (err) => {
      if (err) spawnError ??= `could not send the job to the child: ${err.message}`;
    });
    return {
      pid: child.pid ?? -1,
      kill: (signal) => {
        if (hasExited) return false;
        try {
          return child.kill(signal);
        } catch {
          return false;
        }
      },
      exited,
      get hasExited() {
        return hasExited;
      },
    };
  }
}
