import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import type { ServerConfig } from './config.js';
import { ApiError } from './errors.js';
import { isRemoteItemsDir, localItemsDir, remoteItemsUri } from './items-dir.js';
import type { JobRecord, JobState } from './job.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { isSameProcess, processStartTime } from './launcher/process-identity.js';
import { describeCancel, terminate, type TerminateResult } from './launcher/terminate.js';
import type { ExitInfo, JobRunner, RunningJob } from './launcher/types.js';
import { PendingQueue } from './queue.js';
import { countItems } from './storage/items-count.js';
import type { JobsDb } from './storage/jobs-db.js';
import type { VersionStore } from './storage/versions.js';
import { makeDirSync } from '../util/make-dir.js';

/** A schedule.json call, checked and parsed. */
export interface ScheduleRequest {
  project: string;
  spider: string;
  version: string | null;
  jobid: string;
  priority: number;
  settings: Record<string, string>;
  args: Record<string, string>;
}

/**
 * Bytes of spider arguments and settings one job may store. Every job's record is kept in
 * memory, in the jobs database and in listjobs.json, so one must not be able to grow them
 * without bound (three 200 MB schedule.json calls once made the database unloadable).
 */
export const MAX_JOB_INPUT_BYTES = 64 * 1024;

interface Running {
  job: JobRecord;
  proc: RunningJob;
  /** Lets a deleted version's folder go once this job has ended. */
  releaseVersion: () => void;
  cancel?: Promise<TerminateResult>;
  cancelResult?: TerminateResult;
  /** Set by shutdown: a job with a JOBDIR goes back to pending to resume at the next start. */
  shuttingDown?: boolean;
}

/** Paths of a job's local files, or null where the folder is disabled (or items_dir is remote). */
export function jobPaths(config: ServerConfig, job: Pick<JobRecord, 'project' | 'spider' | 'id'>): { log: string | null; items: string | null } {
  const itemsDir = localItemsDir(config);
  return {
    log: config.logs_dir ? join(config.logs_dir, job.project, job.spider, `${job.id}.log`) : null,
    items: itemsDir ? join(itemsDir, job.project, job.spider, `${job.id}.jl`) : null,
  };
}

/**
 * Ends a process a crashed server left running: it lost its IPC channel and stops by itself
 * (feeds and JOBDIR flushed), so it gets `graceMs` first, then SIGTERM, then SIGKILL.
 * Resolves once it is gone; the signals it needed are returned.
 */
async function endOrphan(pid: number, startTime: string | null, graceMs: number): Promise<NodeJS.Signals[]> {
  const gone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (isSameProcess(pid, startTime)) {
      if (Date.now() > deadline) return false;
      await sleep(100, undefined, { ref: false });
    }
    return true;
  };
  const sent: NodeJS.Signals[] = [];
  if (await gone(graceMs)) return sent;
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal);
      sent.push(signal);
    } catch {
      // already gone
    }
    if (await gone(signal === 'SIGKILL' ? 5000 : graceMs)) break;
  }
  return sent;
}

/**
 * Owns every job: the pending queue, the running processes, the finished history, and
 * their persistence. Scheduling is synchronous (record written, queue updated, a free slot
 * filled) so concurrent API calls can neither lose nor duplicate a job, and a job starts
 * the moment a slot frees, with no poll interval.
 */
export class JobScheduler {
  readonly maxProc: number;
  readonly #config: ServerConfig;
  readonly #versions: VersionStore;
  readonly #db: JobsDb;
  readonly #runner: JobRunner;
  readonly #log: (msg: string) => void;
  readonly #pending = new PendingQueue();
  readonly #running = new Map<string, Running>();
  readonly #finished: JobRecord[] = [];
  readonly #byId = new Map<string, JobRecord>();
  /** Jobs whose process a crashed server left running: shown as running, holding a slot, until it is gone. */
  readonly #orphans = new Map<string, JobRecord>();
  readonly #idle = new Set<() => void>();
  #seq = 0;
  #accepting = true;

  constructor(opts: { config: ServerConfig; versions: VersionStore; db: JobsDb; runner: JobRunner; log?: (msg: string) => void }) {
    this.#config = opts.config;
    this.#versions = opts.versions;
    this.#db = opts.db;
    this.#runner = opts.runner;
    this.#log = opts.log ?? (() => {});
    this.maxProc = opts.config.max_proc > 0 ? opts.config.max_proc : Math.max(1, cpus().length) * opts.config.max_proc_per_cpu;
    this.#recover(opts.db.loaded);
  }

  /**
   * Rebuilds state from the journal: pending stays pending; a job that was running is
   * resumed from its JOBDIR or finished `interrupted`, once the process the crashed server
   * left (recognised by pid and start time) is gone.
   */
  #recover(jobs: JobRecord[]): void {
    for (const job of [...jobs].sort((a, b) => a.seq - b.seq)) {
      this.#seq = Math.max(this.#seq, job.seq);
      this.#byId.set(job.id, job);
      if (job.state === 'pending') this.#pending.push(job);
      else if (job.state === 'finished') this.#finished.push(job);
      else if (isSameProcess(job.pid, job.pid_start ?? null)) this.#endOrphan(job);
      else this.#afterCrash(job, `pid ${job.pid} was gone`);
    }
    this.#finished.sort((a, b) => (a.end_time ?? 0) - (b.end_time ?? 0));
  }

  /** A job whose server crashed while it ran, and whose process is gone: resume it from its JOBDIR, or record it interrupted. */
  #afterCrash(job: JobRecord, how: string): void {
    const oldPid = job.pid;
    if (job.jobdir) {
      Object.assign(job, { state: 'pending', pid: null, pid_start: null, start_time: null, restarts: job.restarts + 1, message: `resumed from its JOBDIR after a server restart (was pid ${oldPid}; ${how})` });
      this.#db.put(job);
      this.#pending.push(job);
      return;
    }
    Object.assign(job, {
      state: 'finished',
      end_time: Date.now(),
      finish_reason: 'interrupted',
      message: `The server stopped while job ${job.id} was running (pid ${oldPid}; ${how}); it had no JOBDIR to resume from`,
    });
    this.#db.put(job);
    this.#finished.push(job);
    void this.#recount(job);
  }

  /** The process of a running job outlived its server: end it, then resume or finish the job. */
  #endOrphan(job: JobRecord): void {
    this.#orphans.set(job.id, job);
    this.#log(`Job ${job.id}: its process ${job.pid} outlived the last server; waiting for it to stop (it has lost its server)`);
    void endOrphan(job.pid!, job.pid_start ?? null, this.#config.cancel_timeout).then((signals) => {
      this.#orphans.delete(job.id);
      this.#afterCrash(job, signals.length ? `it was ended with ${signals.join(' then ')} after the restart` : 'it stopped by itself after the restart');
      this.pump();
      this.#notifyIdle();
    });
  }

  /** items_count from the items file, the truth after a crash or a resume. */
  async #recount(job: JobRecord): Promise<void> {
    const file = jobPaths(this.#config, job).items;
    const n = file && job.has_items ? await countItems(file) : null;
    if (n !== null && n !== job.items_count) {
      job.items_count = n;
      this.#db.put(job);
    }
  }

  /** Starts pending jobs while slots are free. Called on schedule, on exit, at start. */
  pump(): void {
    while (this.#accepting && this.#running.size + this.#orphans.size < this.maxProc && this.#pending.size > 0) {
      this.#launch(this.#pending.shift()!);
    }
  }

  /** Adds a job (synchronously persisted) and starts it at once if a slot is free. */
  schedule(req: ScheduleRequest): JobRecord {
    if (!this.#accepting) throw new ApiError('the server is shutting down; not accepting jobs', 503);
    const existing = this.#byId.get(req.jobid);
    if (existing && existing.state !== 'finished') {
      throw new ApiError(`job '${req.jobid}' already exists and is ${existing.state}`, 409);
    }
    const size = Buffer.byteLength(JSON.stringify([req.args, req.settings]));
    if (size > MAX_JOB_INPUT_BYTES) {
      throw new ApiError(`the spider arguments and settings of job '${req.jobid}' take ${size} bytes, more than the limit of ${MAX_JOB_INPUT_BYTES}: pass large inputs as a file or URL instead`, 413);
    }
    if (existing) this.#forget(existing, false);
    const job: JobRecord = {
      id: req.jobid,
      project: req.project,
      spider: req.spider,
      version: req.version,
      resolved_version: null,
      settings: req.settings,
      args: req.args,
      priority: req.priority,
      seq: ++this.#seq,
      state: 'pending',
      created_time: Date.now(),
      start_time: null,
      end_time: null,
      pid: null,
      pid_start: null,
      jobdir: this.#config.jobs_dir ? join(this.#config.jobs_dir, req.project, req.spider, req.jobid) : null,
      exit_code: null,
      exit_signal: null,
      finish_reason: null,
      items_count: 0,
      pages_count: 0,
      errors_count: 0,
      stats: null,
      message: null,
      restarts: 0,
      has_log: false,
      has_items: false,
    };
    this.#byId.set(job.id, job);
    this.#db.put(job, true);
    this.#pending.push(job);
    this.pump();
    return job;
  }

  #launch(job: JobRecord): void {
    const stored = this.#versions.get(job.project, job.version);
    if (!stored) {
      this.#finishNow(job, 'version_not_found', `Job ${job.id} could not start: project ${job.project} has no version ${job.version ?? '(none left)'}`);
      return;
    }
    const paths = jobPaths(this.#config, job);
    const settings: Record<string, unknown> = { ...job.settings };
    if (paths.log) settings.LOG_FILE = paths.log;
    if (paths.items) {
      makeDirSync(dirname(paths.items));
      settings.FEEDS = { ...this.#userFeeds(job), [paths.items]: { format: 'jsonlines' } };
    } else if (isRemoteItemsDir(this.#config)) {
      // sent by the job's feed storage; the server keeps no copy to serve, count or prune
      settings.FEEDS = { ...this.#userFeeds(job), [remoteItemsUri(this.#config, job)]: { format: 'jsonlines' } };
    }
    if (job.jobdir) {
      makeDirSync(dirname(job.jobdir));
      settings.JOBDIR = job.jobdir;
    }
    job.resolved_version = stored.version;
    job.state = 'running';
    job.start_time = Date.now();
    job.has_log = !!paths.log;
    job.has_items = !!paths.items;
    let proc: RunningJob;
    try {
      proc = this.#runner.start(
        {
          jobId: job.id,
          project: job.project,
          spider: job.spider,
          version: stored.version,
          bundleFile: join(stored.dir, 'bundle.mjs'),
          settings,
          args: job.args,
          logFile: paths.log,
          itemsFile: paths.items,
          jobDir: job.jobdir,
        },
        (c) => {
          job.items_count = c.items;
          job.pages_count = c.pages;
          job.errors_count = c.errors;
        },
      );
    } catch (err) {
      this.#finishNow(job, 'failed', `Job ${job.id} could not start: ${(err as Error).message}`);
      return;
    }
    job.pid = proc.pid;
    job.pid_start = processStartTime(proc.pid);
    const entry: Running = { job, proc, releaseVersion: this.#versions.acquire(stored) };
    this.#running.set(job.id, entry);
    this.#db.put(job);
    this.#log(`Job ${job.id} started: ${job.project}/${job.spider} version ${stored.version}, pid ${proc.pid}`);
    void proc.exited.then((exit) => this.#onExit(entry, exit));
  }

  #userFeeds(job: JobRecord): Record<string, unknown> {
    const raw = job.settings.FEEDS;
    if (!raw) return {};
    try {
      const v = JSON.parse(raw) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  #finishNow(job: JobRecord, reason: string, message: string): void {
    Object.assign(job, { state: 'finished', start_time: job.start_time ?? Date.now(), end_time: Date.now(), finish_reason: reason, message });
    this.#db.put(job);
    this.#finished.push(job);
    this.#log(message);
    this.#prune(job);
  }

  async #onExit(entry: Running, exit: ExitInfo): Promise<void> {
    const { job } = entry;
    if (entry.cancel) entry.cancelResult = await entry.cancel;
    const itemsFile = jobPaths(this.#config, job).items;
    const counted = itemsFile ? await countItems(itemsFile) : null;
    this.#running.delete(job.id);
    entry.releaseVersion();
    job.exit_code = exit.code;
    job.exit_signal = exit.signal;
    const stats = exit.final?.stats;
    if (stats && Object.keys(stats).length) {
      job.stats = stats;
      const n = (k: string, d: number) => (typeof stats[k] === 'number' ? (stats[k] as number) : d);
      job.items_count = n('item_scraped_count', job.items_count);
      job.pages_count = n('response_received_count', job.pages_count);
      job.errors_count = n('log_count/ERROR', job.errors_count);
    }
    // the items file counts every run of a resumed job, and a crashed one sent no stats
    if (counted !== null) job.items_count = counted;
    if (entry.shuttingDown && job.jobdir) {
      Object.assign(job, { state: 'pending', pid: null, start_time: null, message: 'stopped by a server shutdown; resumes from its JOBDIR at the next start' });
      this.#db.put(job);
      this.#notifyIdle();
      return;
    }
    let reason = exit.final?.finish_reason ?? null;
    let message: string | null = null;
    if (entry.cancelResult) {
      reason ??= 'cancelled';
      message = describeCancel(job.id, entry.cancelResult);
    } else if (entry.shuttingDown) {
      reason ??= 'shutdown';
      message = `Job ${job.id} was stopped by a server shutdown`;
    } else if (exit.spawnError) {
      reason ??= 'failed';
      message = `Job ${job.id} could not start: ${exit.spawnError}`;
    } else if (exit.signal) {
      reason ??= 'failed';
      message = `Job ${job.id} was killed by ${exit.signal}`;
    } else if (exit.code !== 0) {
      reason = exit.final?.finish_reason ?? 'failed';
      message = exit.final?.error ? `Job ${job.id} failed: ${exit.final.error} (exit code ${exit.code})` : `Job ${job.id} exited with code ${exit.code}`;
    }
    Object.assign(job, { state: 'finished', end_time: Date.now(), finish_reason: reason ?? 'finished', message });
    this.#db.put(job);
    this.#finished.push(job);
    this.#log(message ?? `Job ${job.id} finished: ${job.finish_reason}, ${job.items_count} items`);
    this.#prune(job);
    this.pump();
    this.#notifyIdle();
  }

  /** Deletes a finished job's files (log, items, JOBDIR). */
  #deleteFiles(job: JobRecord): void {
    const p = jobPaths(this.#config, job);
    for (const f of [p.log, p.items]) if (f) rmSync(f, { force: true });
    if (job.jobdir) rmSync(job.jobdir, { recursive: true, force: true });
    job.has_log = false;
    job.has_items = false;
  }

  #forget(job: JobRecord, deleteFiles = true): void {
    const i = this.#finished.indexOf(job);
    if (i >= 0) this.#finished.splice(i, 1);
    this.#byId.delete(job.id);
    if (deleteFiles) this.#deleteFiles(job);
    this.#db.delete(job.id);
  }

  /** finished_to_keep over the whole history; jobs_to_keep files per spider of `just`. */
  #prune(just: JobRecord): void {
    while (this.#finished.length > this.#config.finished_to_keep) this.#forget(this.#finished[0]!);
    const withFiles = this.#finished.filter((j) => j.project === just.project && j.spider === just.spider && (j.has_log || j.has_items || j.jobdir));
    for (const old of withFiles.slice(0, Math.max(0, withFiles.length - this.#config.jobs_to_keep))) {
      this.#deleteFiles(old);
      this.#db.put(old);
    }
    this.#db.maybeCompact(() => [...this.#byId.values()]);
  }

  /**
   * Cancels a job: a pending one is removed; a running one gets `signal`, then SIGTERM and
   * SIGKILL after cancel_timeout each. Returns its state before ('pending'/'running'), or
   * null when it is neither (Scrapyd's `prevstate`).
   */
  cancel(id: string, project: string, signal: NodeJS.Signals): JobState | null {
    const job = this.#byId.get(id);
    if (!job || job.project !== project) return null;
    if (job.state === 'pending') {
      this.#pending.remove(id);
      Object.assign(job, { state: 'finished', end_time: Date.now(), start_time: null, finish_reason: 'cancelled', message: `Job ${id} was cancelled before it started` });
      this.#db.put(job);
      this.#finished.push(job);
      this.#prune(job);
      return 'pending';
    }
    if (job.state === 'running') {
      const entry = this.#running.get(id);
      if (entry) entry.cancel ??= terminate(entry.proc, signal, this.#config.cancel_timeout);
      else if (this.#orphans.has(id) && isSameProcess(job.pid, job.pid_start ?? null)) process.kill(job.pid!, signal); // already being ended
      return 'running';
    }
    return null;
  }

  /** Marks a project's pending jobs finished (`project_deleted`); running ones go on with the code they loaded. */
  dropProject(project: string): void {
    for (const job of this.#pending.removeProject(project)) {
      Object.assign(job, { state: 'finished', end_time: Date.now(), finish_reason: 'project_deleted', message: `Project ${project} was deleted before job ${job.id} started` });
      this.#db.put(job);
      this.#finished.push(job);
    }
  }

  get(id: string): JobRecord | undefined {
    return this.#byId.get(id);
  }

  counts(): { pending: number; running: number; finished: number } {
    return { pending: this.#pending.size, running: this.#running.size + this.#orphans.size, finished: this.#finished.length };
  }

  /** Jobs by state, optionally of one project: pending in run order, running by start, finished oldest first. */
  list(project?: string): { pending: JobRecord[]; running: JobRecord[]; finished: JobRecord[] } {
    const keep = (j: JobRecord) => project === undefined || j.project === project;
    return {
      pending: this.#pending.list().filter(keep),
      running: [...this.#orphans.values(), ...[...this.#running.values()].map((r) => r.job)].filter(keep),
      finished: this.#finished.filter(keep),
    };
  }

  /** Whether `project` has a pending or running job (one of a deleted project can still be listed and cancelled). */
  hasActiveJobs(project: string): boolean {
    for (const r of this.#running.values()) if (r.job.project === project) return true;
    return this.#pending.list().some((j) => j.project === project);
  }

  #notifyIdle(): void {
    if (this.#running.size === 0) for (const fn of this.#idle) fn();
  }

  /**
   * Stops starting jobs, asks running ones to stop (SIGINT, then TERM/KILL after
   * cancel_timeout) and waits for them. Pending jobs stay persisted; jobs with a JOBDIR go
   * back to pending to resume at the next start.
   */
  async shutdown(): Promise<void> {
    this.#accepting = false;
    for (const entry of this.#running.values()) {
      entry.shuttingDown = true;
      void terminate(entry.proc, 'SIGINT', this.#config.cancel_timeout);
    }
    if (this.#running.size > 0) await new Promise<void>((resolve) => this.#idle.add(resolve));
    this.#db.close();
  }
}
