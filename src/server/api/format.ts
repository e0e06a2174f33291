import { maskSecrets } from '../../crawler/downloader/mask.js';
import type { ServerConfig } from '../config.js';
import { localItemsDir } from '../items-dir.js';
import type { JobRecord } from '../job.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Scrapyd's time format, Python's `str(datetime)` in local time: `2012-09-12 10:14:03.594664`. */
export function scrapydTime(ms: number | null): string | null {
  if (ms === null) return null;
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`;
}

/**
 * When a job started, for Scrapyd-shaped replies (listjobs, status, the /jobs table). A job
 * that finished without ever starting (cancelled while pending, or its project deleted) gets
 * its end time: Scrapyd forgets such jobs, but a finished job without a start time breaks
 * clients that compute runtimes, so tscrapy lists it with a zero runtime and says
 * `started: false` in its own field.
 */
export function scrapydStartTime(job: JobRecord): number | null {
  return job.start_time ?? (job.state === 'finished' ? job.end_time : null);
}

/** `/logs/P/S/ID.log` and `/items/P/S/ID.jl`, or null when the folder is disabled, remote (as in Scrapyd) or the file was pruned. */
export function jobUrls(config: ServerConfig, job: JobRecord): { log_url: string | null; items_url: string | null } {
  const base = `${encodeURIComponent(job.project)}/${encodeURIComponent(job.spider)}/${encodeURIComponent(job.id)}`;
  return {
    log_url: config.logs_dir && job.has_log ? `/logs/${base}.log` : null,
    items_url: localItemsDir(config) && job.has_items ? `/items/${base}.jl` : null,
  };
}

/**
 * A job as listjobs.json shows it: Scrapyd 1.6's fields for its state, plus tscrapy's
 * additive ones (args and settings everywhere, counts, exit code and reason when finished).
 */
export function jobSummary(config: ServerConfig, job: JobRecord): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: job.id,
    project: job.project,
    spider: job.spider,
    version: job.resolved_version ?? job.version,
    // shown, not run: a password given as a spider argument or in a URL setting stays out of listings
    settings: maskSecrets(job.settings),
    args: maskSecrets(job.args),
    priority: job.priority,
  };
  if (job.state === 'pending') return base;
  const urls = jobUrls(config, job);
  const out: Record<string, unknown> = {
    ...base,
    pid: job.pid,
    start_time: scrapydTime(scrapydStartTime(job)),
    ...urls,
    items_count: job.items_count,
    pages_count: job.pages_count,
    errors_count: job.errors_count,
  };
  if (job.state === 'finished') {
    out.end_time = scrapydTime(job.end_time);
    out.started = job.start_time !== null;
    out.exit_code = job.exit_code;
    out.finish_reason = job.finish_reason;
    if (job.message) out.message = job.message;
  }
  return out;
}

/** job.json: everything, including final stats and raw times. */
export function jobDetail(config: ServerConfig, job: JobRecord): Record<string, unknown> {
  return {
    ...jobSummary(config, job),
    state: job.state,
    requested_version: job.version,
    created_time: scrapydTime(job.created_time),
    end_time: scrapydTime(job.end_time),
    exit_code: job.exit_code,
    exit_signal: job.exit_signal,
    finish_reason: job.finish_reason,
    message: job.message,
    jobdir: job.jobdir,
    restarts: job.restarts,
    stats: job.stats,
    duration_ms: job.start_time === null ? null : (job.end_time ?? Date.now()) - job.start_time,
  };
}


/** A piece of JSON already serialised, spliced into a reply as is (see sendJson). */
export class JsonFragment {
  constructor(readonly json: string) {}
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

const finishedCache = new WeakMap<JobRecord, { key: string; json: string }>();

/**
 * jobSummary as JSON text. A finished job changes only when its files are pruned, so its
 * text is cached: listjobs.json over 10,000 finished jobs is then a string join.
 */
export function jobSummaryJson(config: ServerConfig, job: JobRecord): string {
  if (job.state !== 'finished') return JSON.stringify(jobSummary(config, job));
  const key = `${job.end_time}|${job.has_log}|${job.has_items}|${job.finish_reason}`;
  const hit = finishedCache.get(job);
  if (hit?.key === key) return hit.json;
  const json = JSON.stringify(jobSummary(config, job));
  finishedCache.set(job, { key, json });
  return json;
}
