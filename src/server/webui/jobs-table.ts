import { existsSync } from 'node:fs';
import { jobUrls, scrapydStartTime } from '../api/format.js';
import type { ServerContext } from '../context.js';
import { localItemsDir } from '../items-dir.js';
import type { JobRecord } from '../job.js';
import { jobPaths } from '../scheduler.js';
import { esc } from './html.js';
import { pyDateTime, pyTimedelta } from './python-format.js';

/*
 * The table of `/jobs` in Scrapyd 1.6's shape (scrapyd/website.py, class Jobs), because
 * ScrapydWeb reads it with a regex (its JOB_PATTERN): after dropping <thead>, every bare
 * `<tr>` whose cells are bare `<td>` in the order Project, Spider, Job, PID, Start, Runtime,
 * Finish, Log, Items is a job; a PID means running, a Finish means finished, neither means
 * pending; Start and Finish are parsed with '%Y-%m-%d %H:%M:%S'. So: no attribute on those
 * `<tr>`/`<td>`, no line break inside those cells, Scrapyd's values and formats. Cells
 * tscrapy adds come after Scrapyd's last column, where the regex ignores them.
 */

/** Scrapyd's columns; Items only when items are stored (Scrapyd hides it otherwise). */
function scrapydHeaders(ctx: ServerContext): string[] {
  return ['Project', 'Spider', 'Job', 'PID', 'Start', 'Runtime', 'Finish', 'Log', ...(localItemsDir(ctx.config) ? ['Items'] : []), 'Cancel'];
}

const EXTRA_HEADERS = ['Version', 'Priority', 'Scraped', 'Pages', 'Errors', 'Reason', 'Details'];

function cancelButton(j: JobRecord): string {
  // Starts with a line break like Scrapyd's: the regex's optional Items cell must not take it.
  return `
<form method="post" action="/ui/cancel" class="inline"><input type="hidden" name="project" value="${esc(j.project)}"><input type="hidden" name="job" value="${esc(j.id)}"><button type="submit">Cancel</button></form>
`;
}

/**
 * The Log and Items links: like Scrapyd, only to files that exist. A finished job's flags are
 * exact (pruning clears them); a running job's items file appears with its first item.
 */
function fileUrls(ctx: ServerContext, j: JobRecord): { log_url: string | null; items_url: string | null } {
  const urls = jobUrls(ctx.config, j);
  if (j.state !== 'running') return urls;
  const paths = jobPaths(ctx.config, j);
  return { log_url: paths.log && existsSync(paths.log) ? urls.log_url : null, items_url: paths.items && existsSync(paths.items) ? urls.items_url : null };
}

function row(ctx: ServerContext, j: JobRecord): string {
  const urls = fileUrls(ctx, j);
  const start = scrapydStartTime(j);
  const running = j.state === 'running';
  const finished = j.state === 'finished';
  const scrapyd: Array<string | number | null> = [
    esc(j.project),
    esc(j.spider),
    esc(j.id),
    running ? j.pid : null,
    start === null ? null : pyDateTime(start),
    start === null ? null : pyTimedelta((finished ? j.end_time! : Date.now()) - start),
    finished ? pyDateTime(j.end_time!) : null,
    urls.log_url ? `<a href="${esc(urls.log_url)}">Log</a>` : null,
    ...(localItemsDir(ctx.config) ? [urls.items_url ? `<a href="${esc(urls.items_url)}">Items</a>` : null] : []),
    finished ? null : cancelButton(j),
  ];
  const tds = scrapyd.map((v) => `    <td>${v ?? ''}</td>`);
  const extra = [
    `<td class="version">${esc(j.resolved_version ?? j.version ?? 'latest')}</td>`,
    `<td class="priority">${esc(j.priority)}</td>`,
    `<td class="items">${j.items_count}</td>`,
    `<td class="pages">${j.pages_count}</td>`,
    `<td class="errors">${j.errors_count}</td>`,
    `<td class="reason">${esc(j.finish_reason ?? '')}</td>`,
    `<td class="details"><a href="/jobs/${esc(j.id)}" data-job="${esc(j.id)}">details</a></td>`,
  ].map((td) => `    ${td}`);
  return `<tr>\n${[...tds, ...extra].join('\n')}\n</tr>`;
}

/**
 * The jobs table: one `<tbody>` per state under a Pending / Running / Finished heading row,
 * pending in run order, running by start, finished oldest first (Scrapyd's order, which
 * ScrapydWeb relies on when it deduplicates).
 */
export function jobsTable(ctx: ServerContext): string {
  const { pending, running, finished } = ctx.scheduler.list();
  const headers = [...scrapydHeaders(ctx), ...EXTRA_HEADERS];
  const group = (name: string, jobs: readonly JobRecord[]) =>
    `<tbody id="${name.toLowerCase()}">\n<tr>\n    <th colspan="${headers.length}">${name}</th>\n</tr>\n${jobs.map((j) => row(ctx, j)).join('\n')}\n</tbody>`;
  return `<table id="jobs">
<thead>
<tr>
${headers.map((h) => `    <th>${h}</th>`).join('\n')}
</tr>
</thead>
${group('Pending', pending)}
${group('Running', running)}
${group('Finished', finished)}
</table>`;
}
