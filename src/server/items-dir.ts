import { fileURLToPath } from 'node:url';
import { maskUrl } from '../crawler/downloader/mask.js';
import { parseS3Uri } from '../feeds/storages/s3-client.js';
import type { ServerConfig } from './config.js';
import { ServerConfigError } from './errors.js';
import type { JobRecord } from './job.js';

/**
 * `items_dir` is a local folder or, as in Scrapyd, a feed URI (`s3://bucket/items`,
 * `ftp://user:password@host/items`): each job's items then go to
 * `<items_dir>/PROJECT/SPIDER/JOB.jl` on that storage, through the job's FEEDS, and the server
 * keeps no copy (no `/items/` listing, no `items_url`, nothing pruned by jobs_to_keep).
 */

/** Schemes a remote items_dir may use: the feed storages every job has (FEED_STORAGES_BASE). */
const REMOTE_SCHEMES = ['s3', 'ftp'];

/** Python's urlsplit as Scrapyd uses it: scheme, `//netloc`, path, then `?query#fragment`. */
const URI = /^([A-Za-z][A-Za-z0-9+.-]+):(\/\/[^/?#]*)?([^?#]*)(.*)$/s;

const VALID = 'a directory path, a file:// URI, s3://bucket[/prefix] (credentials from AWS_* settings or the environment) or ftp://[user[:password]@]host[:port][/path]';

/** Whether `value` is a URI rather than a path (a one-letter "scheme" stays a path). */
function isUri(value: string): boolean {
  return URI.test(value);
}

/**
 * Checks an items_dir value and returns it normalised: '' (disabled), a local path (a
 * `file:` URI becomes its path, as Scrapyd writes those locally) or an s3:// / ftp:// URI.
 * `where` names the value's source. Throws a ServerConfigError naming items_dir, its source
 * and the valid forms, with any password masked.
 */
export function normalizeItemsDir(raw: string, where: string): string {
  const value = raw.trim();
  if (!isUri(value)) return value;
  const bad = (why: string) => new ServerConfigError(`Invalid value ${JSON.stringify(maskUrl(value))} for items_dir in ${where}: ${why}; expected ${VALID}`);
  const scheme = URI.exec(value)![1]!.toLowerCase();
  if (scheme === 'file') {
    try {
      // Scrapyd ignores a file URI's host, query and fragment (RFC 8089 has none of the latter)
      return fileURLToPath(`file://${new URL(value).pathname}`);
    } catch {
      throw bad('not a usable file URI');
    }
  }
  if (!REMOTE_SCHEMES.includes(scheme)) throw bad(`the scheme "${scheme}" has no feed storage in tscrapy server (write ./${value} for a folder of that name)`);
  if (scheme === 's3') {
    try {
      parseS3Uri(value, 'items_dir');
    } catch (err) {
      throw bad((err as Error).message.replace(/^items_dir: /, ''));
    }
    return value;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('not a valid FTP URI');
  }
  if (url.hostname === '') throw bad('the FTP URI has no host');
  return value;
}

/** Whether items go to a feed storage (s3://, ftp://) rather than a local folder. */
export function isRemoteItemsDir(config: Pick<ServerConfig, 'items_dir'>): boolean {
  return isUri(config.items_dir);
}

/** The local items folder, or '' when items_dir is disabled or remote. */
export function localItemsDir(config: Pick<ServerConfig, 'items_dir'>): string {
  return isRemoteItemsDir(config) ? '' : config.items_dir;
}

/**
 * The feed URI of a job's items under a remote items_dir, built as Scrapyd's
 * `Environment._get_feeds`: `posixpath.join(path, project, spider, job + '.jl')` in the URI's
 * path (a `/` added after the host when the path was empty), query and fragment kept.
 * Names are already safe path segments (checkName), so nothing needs escaping.
 */
export function remoteItemsUri(config: Pick<ServerConfig, 'items_dir'>, job: Pick<JobRecord, 'project' | 'spider' | 'id'>): string {
  const m = URI.exec(config.items_dir);
  if (!m) throw new ServerConfigError(`items_dir ${JSON.stringify(maskUrl(config.items_dir))} is not a URI`);
  const [, scheme, netloc = '', base, rest] = m;
  let path = [job.project, job.spider, `${job.id}.jl`].reduce((acc, part) => (acc === '' || acc.endsWith('/') ? acc + part : `${acc}/${part}`), base!);
  if (netloc && !path.startsWith('/')) path = `/${path}`;
  return `${scheme}:${netloc}${path}${rest}`;
}
