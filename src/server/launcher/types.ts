import type { LiveCounts } from '../job.js';

/** What a job's child process is told to run (the first IPC message, `{ type: 'start', spec }`). */
export interface JobSpec {
  jobId: string;
  project: string;
  spider: string;
  version: string;
  /** eggs_dir/PROJECT/VERSION/bundle.mjs */
  bundleFile: string;
  /**
   * The job's settings, command-line priority: the `setting=K=V` values (strings, parsed by
   * the child like `-s`), plus LOG_FILE, FEEDS and JOBDIR set by the server.
   */
  settings: Record<string, unknown>;
  /** Spider arguments, as strings (Scrapy's `-a`). */
  args: Record<string, string>;
  logFile: string | null;
  itemsFile: string | null;
  jobDir: string | null;
}

/** The child's last word before exiting. */
export interface FinalMessage {
  type: 'final';
  finish_reason: string;
  stats: Record<string, unknown>;
  exit_code: number;
  /** Why the job failed, in words, when it did not run to a finish reason (a bad setting, a broken bundle). */
  error?: string;
}

/** Child → server messages. */
export type ChildMessage = ({ type: 'counts' } & LiveCounts) | FinalMessage;

/** Server → child messages. */
export type ParentMessage = { type: 'start'; spec: JobSpec };

/** How a job's process ended. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  final: FinalMessage | null;
  /** Set when the process could not be started at all. */
  spawnError: string | null;
}

/** A job's process, as the scheduler sees it. */
export interface RunningJob {
  readonly pid: number;
  /** Sends a signal; false when the process is already gone. */
  kill(signal: NodeJS.Signals): boolean;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  readonly hasExited: boolean;
}

/** The seam between the scheduler and processes: the server's default forks a child per job. */
export interface JobRunner {
  start(spec: JobSpec, onCounts: (counts: LiveCounts) => void): RunningJob;
}
