import { maskSecrets } from '../../crawler/downloader/mask.js';
import { jobUrls, scrapydTime } from '../api/format.js';
import type { ServerContext } from '../context.js';
import { isRemoteItemsDir, remoteItemsUri } from '../items-dir.js';
import type { JobRecord } from '../job.js';
import { duration, esc, layout } from './html.js';
import { jobsTable } from './jobs-table.js';
import { maskUrl } from '../../crawler/downloader/mask.js';

/** `/`: projects with their versions and spiders, and a schedule form per project. */
export function projectsPage(ctx: ServerContext, error?: string): string {
  const projects = ctx.versions.projects();
  const rows = projects.map((p) => {
    const versions = ctx.versions.versions(p);
    const latest = ctx.versions.get(p)!;
    const spiderOptions = latest.manifest.spiders.map((s) => `<option>${esc(s)}</option>`).join('');
    const versionOptions = ['<option value="">latest</option>', ...[...versions].reverse().map((v) => `<option>${esc(v)}</option>`)].join('');
    return `<h2 id="project-${esc(p)}">${esc(p)}</h2>
<p>Versions (latest last): ${versions.map((v) => `<code>${esc(v)}</code>`).join(', ')}</p>
<p>Spiders in ${esc(latest.version)}: ${latest.manifest.spiders.map((s) => `<code>${esc(s)}</code>`).join(', ') || '<span class="muted">none</span>'}</p>
<form method="post" action="/ui/schedule" class="schedule" data-project="${esc(p)}"><fieldset><legend>Schedule a job</legend>
<input type="hidden" name="project" value="${esc(p)}">
<label>Spider <select name="spider">${spiderOptions}</select></label>
<label>Version <select name="_version">${versionOptions}</select></label>
<label>Priority <input name="priority" type="number" step="any" value="0"></label>
<label>Spider arguments (one NAME=VALUE per line)<br><textarea name="args"></textarea></label>
<label>Settings (one NAME=VALUE per line)<br><textarea name="settings"></textarea></label>
<button type="submit">Schedule</button></fieldset></form>`;
  });
  const body = `${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
${rows.join('\n') || '<p>No projects yet. Deploy one with <code>tscrapy deploy</code>.</p>'}`;
  return layout('Projects', ctx.config.node_name, body);
}

const LIVE_JOBS = `setInterval(async()=>{try{const r=await fetch('/jobs?fragment=1',{cache:'no-store'});if(r.ok)document.getElementById('jobs-live').innerHTML=await r.text()}catch{}},1000)`;

/**
 * `/jobs`: pending, running and finished jobs in Scrapyd's table (see jobs-table.ts),
 * refreshed every second when JS runs (`?fragment=1` serves the table alone).
 */
export function jobsPage(ctx: ServerContext): string {
  return layout('Jobs', ctx.config.node_name, `<p class="muted">Updates live with JavaScript; reload otherwise.</p><div id="jobs-live">${jobsTable(ctx)}</div>`, LIVE_JOBS);
}

/** `/jobs/ID`: one job, its log's tail (followed live with JS) and its items link. */
export function jobPage(ctx: ServerContext, job: JobRecord, logTail: { text: string; offset: number } | null): string {
  const urls = jobUrls(ctx.config, job);
  // a remote items_dir: no link (the server has no copy), but where the job's items went
  const remoteItems = isRemoteItemsDir(ctx.config) && job.start_time !== null ? maskUrl(remoteItemsUri(ctx.config, job)) : null;
  const dur = job.start_time === null ? null : (job.end_time ?? Date.now()) - job.start_time;
  const fields: Array<[string, unknown]> = [
    ['State', job.state], ['Project', job.project], ['Spider', job.spider], ['Version', job.resolved_version ?? job.version ?? 'latest'],
    ['Arguments', JSON.stringify(maskSecrets(job.args))], ['Settings', JSON.stringify(maskSecrets(job.settings))], ['Started', job.start_time === null && job.state === 'finished' ? 'never' : scrapydTime(job.start_time)],
    ['Ended', scrapydTime(job.end_time)], ['Duration', duration(dur)], ['Items', job.items_count], ['Pages', job.pages_count],
    ['Errors', job.errors_count], ['Finish reason', job.finish_reason], ['Exit code', job.exit_code], ['Message', job.message],
  ];
  const follow = urls.log_url && job.state !== 'finished' && logTail
    ? `const pre=document.getElementById('log');const es=new EventSource(${JSON.stringify(urls.log_url)}+'?follow=sse&offset=${logTail.offset}');
es.onmessage=e=>{pre.textContent+=e.data+'\\n';pre.scrollTop=pre.scrollHeight};es.addEventListener('end',()=>{es.close();document.getElementById('follow').textContent='(finished)'});`
    : '';
  const body = `<table id="job">${fields.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v ?? '')}</td></tr>`).join('')}</table>
<p>${urls.items_url ? `<a id="items-link" href="${esc(urls.items_url)}">Items (JSON lines)</a>` : remoteItems ? `<span id="items-uri">Items sent to <code>${esc(remoteItems)}</code></span>` : '<span class="muted">no items file</span>'}
${urls.log_url ? ` · <a id="log-link" href="${esc(urls.log_url)}">Full log</a> · <a href="${esc(urls.log_url)}?follow=1">Follow log (raw)</a>` : ''}</p>
${job.stats ? `<h2>Stats</h2><pre id="stats">${esc(JSON.stringify(job.stats, null, 2))}</pre>` : ''}
<h2>Log <span id="follow" class="muted">${follow ? '(following)' : ''}</span></h2>
<pre id="log">${logTail ? esc(logTail.text) : '<span class="muted">no log</span>'}</pre>`;
  return layout(`Job ${job.id}`, ctx.config.node_name, body, follow);
}
