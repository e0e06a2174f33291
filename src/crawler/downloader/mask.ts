/** What stands for a secret in any output: passwords in URLs, secret settings, credential headers. */
export const MASK = '****';

/** `scheme://userinfo@`: the authority's user info runs to its last `@` (a raw `@` in a password included). */
const USERINFO = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/?#]*)@/g;

/**
 * `http://user:secret@proxy:8080` → `http://user:****@proxy:8080`: the one masking of URLs with
 * credentials (proxies, SCHEDULER_URL, FEEDS and media stores, items_dir, deploy targets), so
 * passwords never reach a log line, an error or a listing. Every URL in `text` is masked, the rest
 * is left byte for byte. In `s3://` URIs the user is the access key id: masked too.
 */
export function maskUrl(text: string): string {
  return text.replace(USERINFO, (all, scheme: string, userinfo: string) => {
    if (/^s3:/i.test(scheme)) return `${scheme}${MASK}:${MASK}@`;
    const colon = userinfo.indexOf(':');
    return colon < 0 ? all : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
  });
}

/** Names whose values are secrets (`http_pass`, `AWS_SECRET_ACCESS_KEY`, `API_TOKEN`, …). */
const SECRET_NAME = /pass|secret|token|api_?key|credential/i;

/**
 * A settings or arguments record fit to show (start-up log, job listings, job pages): values of
 * secret-looking names become `****`, and URLs with a password (SCHEDULER_URL=redis://:pw@host,
 * proxies, FEEDS keys such as `ftp://user:pw@host/…`) show it masked, at any depth. The record
 * itself is not changed.
 */
export function maskSecrets<T>(record: Record<string, T>): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [k, v] of Object.entries(record)) out[maskUrls(k) as string] = SECRET_NAME.test(k) ? MASK : (maskUrls(v) as T);
  return out;
}

/** `v` with the password of every URL in it masked, in strings, arrays and plain objects' keys and values. */
function maskUrls(v: unknown): unknown {
  if (typeof v === 'string') return maskUrl(v);
  if (Array.isArray(v)) return v.map(maskUrls);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([key, value]) => [maskUrls(key) as string, maskUrls(value)]));
  }
  return v;
}

/** `Authorization: Basic dXNlcjpwdw==` → `Basic ****`: credential headers shown, never their secret. */
export function maskHeaderValue(name: string, value: string): string {
  if (!/^(proxy-)?authorization$/i.test(name)) return value;
  const space = value.indexOf(' ');
  return space > 0 ? `${value.slice(0, space)} ${MASK}` : MASK;
}
