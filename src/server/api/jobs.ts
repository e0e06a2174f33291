import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../../crawler/errors.js';
import { Settings, parseSettingValue } from '../../crawler/settings/settings.js';
import { validateSettings } from '../../crawler/settings/validate.js';
import { checkSpiderArgs } from '../../crawler/spider.js';
import { ApiError } from '../errors.js';
import { checkName } from '../names.js';
import { parseSignal } from '../launcher/terminate.js';
import type { ServerContext } from '../context.js';
import type { Params } from '../http/params.js';
import type { Endpoint } from './endpoint.js';
import { JsonFragment, jobDetail, jobSummary, jobSummaryJson } from './format.js';
import { knownProject, knownVersion } from './projects.js';

const RESERVED = new Set(['project', 'spider', '_version', 'jobid', 'priority', 'setting']);

/**
 * The `project` parameter of listjobs, status and cancel: a project with versions, as in
 * Scrapyd (whose finished jobs of a deleted project answer "not found" by project, and are
 * still listed without one), or one whose job is still pending or running, so that it can be
 * watched and cancelled.
 */
function activeProject(ctx: ServerContext, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const project = checkName('project', raw);
  if (!ctx.versions.hasProject(project) && !ctx.scheduler.hasActiveJobs(project)) throw new ApiError(`project '${project}' not found`, 404);
  return project;
}

/** Parses and checks a schedule request (shared by schedule.json and the web UI form). */
export function scheduleFromParams(ctx: ServerContext, params: Params) {
  const project = knownProject(ctx, params);
  const spider = checkName('spider', params.required('spider'));
  const version = knownVersion(ctx, project, params);
  const stored = ctx.versions.get(project, version)!;
  if (!stored.manifest.spiders.includes(spider)) {
    throw new ApiError(`spider '${spider}' not found in project ${project} version ${stored.version} (it has: ${stored.manifest.spiders.join(', ') || 'no spiders'})`, 404);
  }
  const rawJob = params.optional('jobid');
  const jobid = rawJob === undefined || rawJob === '' ? randomUUID().replaceAll('-', '') : checkName('job', rawJob, 'jobid');
  const rawPriority = params.optional('priority');
  const priority = rawPriority === undefined || rawPriority === '' ? 0 : Number(rawPriority);
  if (!Number.isFinite(priority)) throw new ApiError(`priority is invalid: ${JSON.stringify(rawPriority)} is not a number (e.g. 0, 1.5, -2)`, 400);
  const settings: Record<string, string> = {};
  for (const s of params.all('setting')) {
    const i = s.indexOf('=');
    if (i <= 0) throw new ApiError(`setting is invalid: ${JSON.stringify(s)} is not NAME=VALUE (e.g. setting=DOWNLOAD_DELAY=2)`, 400);
    settings[s.slice(0, i)] = s.slice(i + 1);
  }
  const args: Record<string, string> = {};
  for (const name of params.names()) if (!RESERVED.has(name)) args[name] = params.optional(name)!;
  checkJobInput(settings, args);
  return ctx.scheduler.schedule({ project, spider, version, jobid, priority, settings, args });
}

/**
 * Validates a job's settings and spider arguments now, the way its crawl will read them (the
 * same checks as `tscrapy crawl -s … -a …`), so a bad value is refused by schedule.json
 * instead of failing the job later. The project's own settings are not known here; they are
 * checked when the job starts.
 */
function checkJobInput(settings: Record<string, string>, args: Record<string, string>): void {
  const typed = new Settings();
  for (const [k, v] of Object.entries(settings)) typed.set(k, parseSettingValue(v), 'cmdline');
  try {
    validateSettings(typed, Object.keys(settings));
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new ApiError(`setting is invalid: ${err.message}`, 400);
    throw err;
  }
  try {
    checkSpiderArgs(args);
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new ApiError(err.message, 400);
    throw err;
  }
}

export const schedule: Endpoint = {
  path: '/schedule.json',
  methods: ['POST'],
  handle(ctx, params) {
    return { jobid: scheduleFromParams(ctx, params).id };
  },
};

export const cancel: Endpoint = {
  path: '/cancel.json',
  methods: ['POST'],
  handle(ctx, params) {
    const project = activeProject(ctx, params.required('project'))!;
    const job = checkName('job', params.required('job'));
    const raw = params.optional('signal');
    const signal = parseSignal(raw === undefined || raw === '' ? 'INT' : raw);
    return { prevstate: ctx.scheduler.cancel(job, project, signal) };
  },
};

export const status: Endpoint = {
  path: '/status.json',
  methods: ['GET'],
  handle(ctx, params) {
    const id = checkName('job', params.required('job'));
    const project = activeProject(ctx, params.optional('project'));
    const job = ctx.scheduler.get(id);
    if (!job || (project !== undefined && job.project !== project)) return { currstate: null };
    return { currstate: job.state, ...jobSummary(ctx.config, job) };
  },
};

export const listJobs: Endpoint = {
  path: '/listjobs.json',
  methods: ['GET'],
  handle(ctx, params) {
    const project = activeProject(ctx, params.optional('project'));
    const { pending, running, finished } = ctx.scheduler.list(project);
    const f = (jobs: readonly Parameters<typeof jobSummary>[1][]) => new JsonFragment(`[${jobs.map((j) => jobSummaryJson(ctx.config, j)).join(',')}]`);
    return { pending: f(pending), running: f(running), finished: f(finished) };
  },
};

/** tscrapy's job.json: one job's full record, final stats included. */
export const jobInfo: Endpoint = {
  path: '/job.json',
  methods: ['GET'],
  handle(ctx, params) {
    const id = checkName('job', params.required('job'));
    const job = ctx.scheduler.get(id);
    if (!job) throw new ApiError(`job '${id}' not found`, 404);
    return { job: jobDetail(ctx.config, job) };
  },
};
