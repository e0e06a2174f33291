import { ApiError } from '../errors.js';

/**
 * The request target (`req.url`) as a URL on this server, or an ApiError (400) naming what
 * is wrong. Runs before anything else, so no request line, however malformed, can throw
 * past it: `GET //`, `GET http://`, `GET //a:b@/x`, `OPTIONS *`, `%zz` in the path.
 * Repeated slashes collapse (`//listprojects.json` is `/listprojects.json`, as clients that
 * join a base URL ending in `/` with `/x.json` expect). An absolute-form target
 * (`GET http://host/x`) keeps only its path and query; the Host check reads the header.
 */
export function parseTarget(raw: string | undefined): URL {
  const target = raw ?? '/';
  if (target.includes('#')) throw badTarget(target, 'contains #, which a browser never sends (a fragment stays on the client)');
  let pathAndQuery: string;
  if (target.startsWith('/')) pathAndQuery = target;
  else if (/^https?:\/\//i.test(target)) {
    let abs: URL;
    try {
      abs = new URL(target);
    } catch {
      throw badTarget(target, 'is not a valid absolute URL');
    }
    pathAndQuery = `${abs.pathname}${abs.search}`;
  } else throw badTarget(target, 'must start with /');
  const q = pathAndQuery.indexOf('?');
  const path = (q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)).replace(/\/{2,}/g, '/');
  const query = q < 0 ? '' : pathAndQuery.slice(q);
  let url: URL;
  try {
    url = new URL(`${path}${query}`, 'http://localhost');
  } catch {
    throw badTarget(target, 'is not a valid path');
  }
  try {
    decodeURIComponent(url.pathname);
  } catch {
    throw badTarget(target, 'has a % not followed by two hex digits of valid UTF-8');
  }
  return url;
}

function badTarget(target: string, why: string): ApiError {
  const shown = target.length > 200 ? `${target.slice(0, 200)}…` : target;
  return new ApiError(`bad request target ${JSON.stringify(shown)}: it ${why} (e.g. /listjobs.json?project=demo)`, 400);
}

/** A decoded path segment; a bad %-escape is a 400, not a URIError. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(`bad path segment ${JSON.stringify(segment)}: a % must be followed by two hex digits of valid UTF-8`, 400);
  }
}
