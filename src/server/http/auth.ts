import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * HTTP basic auth check. Both halves are compared in constant time over their sha256
 * digests (equal lengths, so `timingSafeEqual` never throws or leaks the length), and both
 * comparisons always run.
 */
export function makeBasicAuth(username: string, password: string): (req: IncomingMessage) => boolean {
  const user = digest(username);
  const pass = digest(password);
  return (req) => {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const i = decoded.indexOf(':');
    const u = i >= 0 ? decoded.slice(0, i) : '';
    const p = i >= 0 ? decoded.slice(i + 1) : '';
    const okUser = timingSafeEqual(digest(u), user);
    const okPass = timingSafeEqual(digest(p), pass);
    return m !== null && i >= 0 && okUser && okPass;
  };
}
