// What the Scrapyd ecosystem's clients parse, re-stated in TypeScript (the clients are Python
// and cannot run in CI). Each pattern below is the client's own regex, translated 1:1 from
// its source (Python's re.X layout whitespace removed; `.` matches no line break in both).

/**
 * ScrapydWeb 1.6 reads Scrapyd's /jobs page: scrapydweb/views/dashboard/jobs.py and
 * scrapydweb/utils/poll.py (JOB_PATTERN, JOB_KEYS, HREF_PATTERN). It checks for
 * `<h1>Jobs</h1>`, drops `<thead>…</thead>`, then every match of JOB_PATTERN is a job.
 */
export const SCRAPYDWEB_JOB_PATTERN =
  /<tr>\s*<td>(.*?)<\/td>\s*<td>(.*?)<\/td>\s*<td>(.*?)<\/td>\s*(?:<td>(.*?)<\/td>\s*)?(?:<td>(.*?)<\/td>\s*)?(?:<td>(.*?)<\/td>\s*)?(?:<td>(.*?)<\/td>\s*)?(?:<td>(.*?)<\/td>\s*)?(?:<td>(.*?)<\/td>\s*)?[\w\W]*?<\/tr>/g;
const HREF_PATTERN = /href=['"](.+?)['"]/;
/** `datetime.strptime(v, '%Y-%m-%d %H:%M:%S')`, which ScrapydWeb applies to Start and Finish. */
export const STRPTIME_SECONDS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export interface ScrapydWebJob {
  project: string;
  spider: string;
  job: string;
  pid: string;
  start: string;
  runtime: string;
  finish: string;
  href_log: string;
  href_items: string;
  /** poll.py's rule: a PID means running, else a Finish means finished, else pending. */
  status: 'pending' | 'running' | 'finished';
}

/** ScrapydWeb's JobsView.dispatch_request + Poll.fetch_jobs on a /jobs page; null where it would show its failure page. */
export function scrapydWebJobs(html: string): ScrapydWebJob[] | null {
  if (!/<h1>Jobs<\/h1>/.test(html)) return null;
  const text = html.replace(/<thead>[\s\S]*?<\/thead>/g, '');
  return [...text.matchAll(SCRAPYDWEB_JOB_PATTERN)].map((m) => {
    const [project, spider, job, pid, start, runtime, finish, log, items] = m.slice(1).map((v) => v ?? '');
    const href = (v: string) => HREF_PATTERN.exec(v)?.[1] ?? v;
    return {
      project: project!, spider: spider!, job: job!, pid: pid!, start: start!, runtime: runtime!, finish: finish!,
      href_log: href(log!), href_items: href(items!),
      status: pid ? 'running' : finish ? 'finished' : 'pending',
    };
  });
}
