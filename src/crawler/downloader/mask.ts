/** `http://user:secret@proxy:8080` → `http://user:****@proxy:8080`: passwords never reach a log line. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '****';
    return u.href;
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:****@');
  }
}

/** Names whose values are secrets (`http_pass`, `AWS_SECRET_ACCESS_KEY`, `API_TOKEN`, …). */
const SECRET_NAME = /pass|secret|token|api_?key|credential/i;

/**
 * A settings or arguments record fit to show (start-up log, job listings, job pages): values of
 * secret-looking names become `***`, and URLs with a password (SCHEDULER_URL=redis://:pw@host,
 * proxies) show it masked. The record itself is not changed.
 */
export function maskSecrets<T>(record: Record<string, T>): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [k, v] of Object.entries(record)) {
    out[k] = SECRET_NAME.test(k) ? '***' : typeof v === 'string' && /:\/\/[^/@]*:[^/@]*@/.test(v) ? maskUrl(v) : v;
  }
  return out;
}

/** `Authorization: Basic dXNlcjpwdw==` → `Basic ****`: credential headers shown, never their secret. */
export function maskHeaderValue(name: string, value: string): string {
  if (!/^(proxy-)?authorization$/i.test(name)) return value;
  const space = value.indexOf(' ');
  return space > 0 ? `${value.slice(0, space)} ****` : '****';
}
