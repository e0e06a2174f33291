/** Where a job is in its life. */
export type JobState = 'pending' | 'running' | 'finished';

/** Counts a running job reports over IPC about once a second. */
export interface LiveCounts {
  items: number;
  pages: number;
  errors: number;
}

/**
 * Everything the server keeps about one job; persisted on each state change. Times are ms
 * since the epoch (the API formats them Scrapyd's way).
 */
export interface JobRecord {
  id: string;
  project: string;
  spider: string;
  /** The version asked for (`_version`), or null for "the latest when it starts". */
  version: string | null;
  /** The version it actually ran, set when it starts. */
  resolved_version: string | null;
  settings: Record<string, string>;
  args: Record<string, string>;
  priority: number;
  /** Global scheduling order: FIFO among equal priorities. */
  seq: number;
  state: JobState;
  created_time: number;
  start_time: number | null;
  end_time: number | null;
  pid: number | null;
  /** When the process with `pid` started (see processStartTime), to recognise it after a server crash; absent in older records. */
  pid_start?: string | null;
  /** JOBDIR, when jobs_dir is set: the job resumes from it after a restart. */
  jobdir: string | null;
  exit_code: number | null;
  /** Signal that ended the process, if any (e.g. 'SIGKILL'). */
  exit_signal: string | null;
  finish_reason: string | null;
  items_count: number;
  pages_count: number;
  errors_count: number;
  stats: Record<string, unknown> | null;
  /** What happened, in words, when not a plain finish (cancel escalation, crash, interruption). */
  message: string | null;
  /** How many times the job was resumed after a restart. */
  restarts: number;
  /** Whether its log/items files are still kept (jobs_to_keep prunes them). */
  has_log: boolean;
  has_items: boolean;
}
