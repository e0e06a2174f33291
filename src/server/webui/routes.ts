import { open, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { scheduleFromParams } from '../api/jobs.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import { Params } from '../http/params.js';
import { parseSignal } from '../launcher/terminate.js';
import { checkName, isSafeName } from '../names.js';
import { jobPaths } from '../scheduler.js';
import { jobsTable } from './jobs-table.js';
import { jobPage, jobsPage, projectsPage } from './pages.js';

const TAIL_BYTES = 64 * 1024;

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(body);
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(303, { location: to });
  res.end();
}

async function readTail(file: string): Promise<{ text: string; offset: number } | null> {
  const size = await stat(file).then((s) => s.size, () => -1);
  if (size < 0) return null;
  const start = Math.max(0, size - TAIL_BYTES);
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    return { text: buf.toString('utf8'), offset: size };
  } finally {
    await fh.close();
  }
}

/** Lines of NAME=VALUE → entries (blank lines skipped). */
function lines(text: string | undefined, what: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of (text ?? '').split(/\r?\n/)) {
    if (!line.trim()) continue;
    const i = line.indexOf('=');
    if (i <= 0) throw new ApiError(`${what}: ${JSON.stringify(line)} is not NAME=VALUE`, 400);
    out.push([line.slice(0, i).trim(), line.slice(i + 1)]);
  }
  return out;
}

/**
 * The web UI's routes; returns false when `path` is not one of them. GET pages render on
 * the server and work without JavaScript; forms POST and redirect (303) to the result.
 */
export async function handleUi(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL, form: () => Promise<Params>): Promise<boolean> {
  const path = url.pathname;
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (path === '/') return html(res, 200, projectsPage(ctx)), true;
    if (path === '/jobs') {
      if (url.searchParams.get('fragment') === '1') html(res, 200, jobsTable(ctx));
      else html(res, 200, jobsPage(ctx));
      return true;
    }
    const m = /^\/jobs\/([^/]+)$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      const job = isSafeName(id) ? ctx.scheduler.get(id) : undefined;
      if (!job) return html(res, 404, `<!doctype html><title>Not found</title><p>No job ${id.replace(/[<&>"']/g, '')}. <a href="/jobs">All jobs</a></p>`), true;
      const { log } = jobPaths(ctx.config, job);
      html(res, 200, jobPage(ctx, job, log && job.has_log ? await readTail(log) : null));
      return true;
    }
    return false;
  }
  if (req.method !== 'POST') return false;
  if (path === '/ui/schedule') {
    const p = await form();
    const params = new Params();
    for (const k of ['project', 'spider', '_version', 'priority', 'jobid']) {
      const v = p.optional(k);
      if (v !== undefined && v !== '') params.add(k, v);
    }
    try {
      for (const [k, v] of lines(p.optional('settings'), 'Settings')) params.add('setting', `${k}=${v}`);
      for (const [k, v] of lines(p.optional('args'), 'Spider arguments')) params.add(k, v);
      const job = scheduleFromParams(ctx, params);
      redirect(res, `/jobs/${encodeURIComponent(job.id)}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      html(res, 400, projectsPage(ctx, err.message));
    }
    return true;
  }
  if (path === '/ui/cancel') {
    const p = await form();
    const job = checkName('job', p.required('job'));
    ctx.scheduler.cancel(job, checkName('project', p.required('project')), parseSignal('INT'));
    redirect(res, '/jobs');
    return true;
  }
  return false;
}
