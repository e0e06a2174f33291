import type { Cookie, MemoryCookieStore } from 'tough-cookie';

/** Size limits of a cookie jar, as browsers have them (COOKIES_MAX_* settings; 0: no limit). */
export interface CookieLimits {
  /** Cookies per domain. */
  perDomain: number;
  /** Cookies in the jar. */
  total: number;
  /** Bytes of one cookie's name and value. */
  cookieSize: number;
  /** Bytes of the Cookie header of one request. */
  headerSize: number;
}

/** What a limited store did, for the middleware to log (once per domain) and count. */
export type CookieLimitEvent = { kind: 'too-big'; domain: string; name: string; size: number } | { kind: 'evicted'; domain: string; count: number };

type Index = Record<string, Record<string, Record<string, Cookie>>>;

/**
 * A MemoryCookieStore (tough-cookie's, loaded lazily by the middleware) that refuses cookies
 * larger than `cookieSize` and, past `perDomain` cookies for a domain or `total` in the store,
 * drops expired cookies first, then the least recently used: a site that keeps setting
 * cookies can neither fill the memory nor grow the Cookie header without bound.
 */
export function limitedCookieStore(Base: typeof MemoryCookieStore, limits: CookieLimits, onEvent: (e: CookieLimitEvent) => void): MemoryCookieStore {
  class LimitedCookieStore extends Base {
    override putCookie(cookie: Cookie): Promise<void>;
    override putCookie(cookie: Cookie, callback: (error: Error | null) => void): void;
    override putCookie(cookie: Cookie, callback?: (error: Error | null) => void): unknown {
      const size = Buffer.byteLength(cookie.key) + Buffer.byteLength(cookie.value);
      if (limits.cookieSize > 0 && size > limits.cookieSize) {
        onEvent({ kind: 'too-big', domain: cookie.domain ?? '', name: cookie.key, size });
        // Refused, like a browser: an older cookie of that name stays as it was.
        return callback ? callback(null) : Promise.resolve();
      }
      if (!callback) return super.putCookie(cookie).then(() => this.#enforce(cookie));
      super.putCookie(cookie, (err) => {
        if (!err) this.#enforce(cookie);
        callback(err);
      });
      return undefined;
    }

    #enforce(added: Cookie): void {
      const idx = (this as unknown as { idx: Index }).idx;
      const domain = added.domain ?? '';
      if (limits.perDomain > 0) {
        const own = cookiesOf(idx[domain]);
        if (own.length > limits.perDomain) this.#evict(idx, own, own.length - limits.perDomain, added, domain);
      }
      if (limits.total > 0) {
        const all = Object.values(idx).flatMap(cookiesOf);
        if (all.length > limits.total) this.#evict(idx, all, all.length - limits.total, added, domain);
      }
    }

    /** Removes `n` of `cookies`, never the one just added: expired first, then least recently used. */
    #evict(idx: Index, cookies: Cookie[], n: number, added: Cookie, domain: string): void {
      const now = Date.now();
      const rank = (c: Cookie): number => {
        if ((c.expiryTime() ?? Infinity) <= now) return -Infinity;
        const used = c.lastAccessed ?? c.creation;
        return used instanceof Date ? used.valueOf() : 0;
      };
      const victims = cookies
        .filter((c) => c !== added)
        .sort((a, b) => rank(a) - rank(b))
        .slice(0, n);
      for (const c of victims) {
        const paths = idx[c.domain ?? ''];
        delete paths?.[c.path ?? '']?.[c.key];
      }
      onEvent({ kind: 'evicted', domain, count: victims.length });
    }
  }
  return new LimitedCookieStore();
}

function cookiesOf(paths: Record<string, Record<string, Cookie>> | undefined): Cookie[] {
  if (!paths) return [];
  const out: Cookie[] = [];
  for (const keys of Object.values(paths)) out.push(...Object.values(keys));
  return out;
}

/**
 * The Cookie header for `cookies` (in the jar's order: longest path, then oldest first), leaving
 * out those that would make it longer than `maxSize` bytes (0: no limit). Returns the header and
 * how many cookies were left out.
 */
export function cookieHeader(cookies: readonly Cookie[], maxSize: number): { header: string; omitted: number } {
  let header = '';
  let size = 0;
  let omitted = 0;
  for (const c of cookies) {
    const pair = c.cookieString();
    const added = Buffer.byteLength(pair) + (header === '' ? 0 : 2);
    if (maxSize > 0 && size + added > maxSize) {
      omitted++;
      continue;
    }
    header = header === '' ? pair : `${header}; ${pair}`;
    size += added;
  }
  return { header, omitted };
}
