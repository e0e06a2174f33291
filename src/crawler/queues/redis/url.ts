import { maskUrl } from '../../downloader/mask.js';
import { InvalidArgumentError } from '../../errors.js';

export { maskUrl };

/** True when a SCHEDULER_URL / ITEMS_URL names a Redis server. */
export function isRedisUrl(url: unknown): url is string {
  return typeof url === 'string' && /^rediss?:\/\//i.test(url.trim());
}

/**
 * Checks a `redis://[user:password@]host[:port][/db]` URL (or `rediss://` for TLS) and returns
 * it trimmed. Errors name the setting and show the URL with its password masked.
 */
export function checkRedisUrl(url: string, setting: string): string {
  const trimmed = url.trim();
  let u: URL;
  try {
    u = new URL(trimmed);
  } catch {
    throw new InvalidArgumentError(`${setting} is not a valid URL: ${maskUrl(trimmed)} (expected redis://host:port/db)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new InvalidArgumentError(`${setting} must start with redis:// or rediss://, got ${maskUrl(trimmed)}`);
  }
  if (!u.hostname) throw new InvalidArgumentError(`${setting} has no host: ${maskUrl(trimmed)} (expected redis://host:port/db)`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new InvalidArgumentError(`${setting}: the database in ${maskUrl(trimmed)} must be a number (e.g. redis://host:6379/0), got "${db}"`);
  }
  return trimmed;
}
