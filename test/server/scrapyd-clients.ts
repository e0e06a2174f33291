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

/**
 * ScrapydWeb 1.6 reads Scrapyd's directory listings (Twisted static.File with Scrapyd's
 * "Last modified" column): scrapydweb/vars.py (DIRECTORY_PATTERN, HREF_NAME_PATTERN) and
 * scrapydweb/views/files/logs.py, items.py, which first look for "Directory listing for /logs/"
 * (or /items/). Line breaks are part of the pattern.
 */
export const SCRAPYDWEB_DIRECTORY_PATTERN =
  /<tr\sclass="(odd|even)">\n\s+<td>(.*?)<\/td>\n\s+<td>(.*?)<\/td>\n(?:\s+<td>(.*?)<\/td>\n)?\s+<td>(.*?)<\/td>\n\s+<td>(.*?)<\/td>\n<\/tr>/g;
const HREF_NAME_PATTERN = /href="(.+?)">(.+?)</;

export interface ScrapydWebListingRow {
  odd_even: string;
  href: string;
  filename: string;
  size: string;
  last_modified: string;
  content_type: string;
  content_encoding: string;
}

/** The rows ScrapydWeb's Logs or Items page shows for a listing; null where it would show its failure page. */
export function scrapydWebListing(html: string, kind: 'logs' | 'items'): ScrapydWebListingRow[] | null {
  if (!html.includes(`Directory listing for /${kind}/`)) return null;
  return [...html.matchAll(SCRAPYDWEB_DIRECTORY_PATTERN)].map((m) => {
    const [, href, filename] = HREF_NAME_PATTERN.exec(m[2]!)!;
    return { odd_even: m[1]!, href: href!, filename: filename!, size: m[3]!, last_modified: m[4] ?? '', content_type: m[5]!, content_encoding: m[6]! };
  });
}
