import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request } from '../../http/request.js';
import { Response } from '../../http/response.js';
import { makeDir } from '../../../util/make-dir.js';

/** What `meta.json` of a cache entry holds (the body sits next to it in `body`). */
interface EntryMeta {
  url: string;
  method: string;
  status: number;
  headers: Array<[string, string]>;
  /** Epoch ms when stored. */
  timestamp: number;
  requestUrl: string;
  /**
   * sha256 (hex) of `body`: two processes storing one entry at once each rename their own body
   * and meta.json into place, so the pair on disk can come from different writers; such an entry
   * is a miss. Absent in entries of older versions.
   */
  bodySha256?: string;
}

function bodyHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function isEntryMeta(v: unknown): v is EntryMeta {
  const m = v as Partial<EntryMeta> | null;
  return (
    typeof m === 'object' && m !== null &&
    typeof m.url === 'string' && Number.isInteger(m.status) && typeof m.timestamp === 'number' &&
    Array.isArray(m.headers) && m.headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')
  );
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Scrapy's FilesystemCacheStorage: one folder per request fingerprint,
 * `<dir>/<spider>/<fp[0:2]>/<fp>/{body,meta.json}`. Each file is written to a temporary name
 * and renamed; `meta.json` goes last, so an entry without it is incomplete and a miss, and it
 * names its body's hash, so a body from another writer of the same entry is a miss too.
 */
export class FilesystemCacheStorage {
  constructor(
    readonly dir: string,
    /** Seconds an entry stays fresh (0: forever). */
    readonly expirationSecs: number,
  ) {}

  #entryDir(spiderName: string, fingerprint: string): string {
    // "." and ".." are folder names that leave the cache folder: the spider name is a path segment
    const safe = spiderName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+$/, (dots) => '_'.repeat(dots.length)) || '_';
    return join(this.dir, safe, fingerprint.slice(0, 2), fingerprint);
  }

  /** The stored response, or null when missing, incomplete or expired. */
  async retrieve(spiderName: string, fingerprint: string, request: Request): Promise<Response | null> {
    const dir = this.#entryDir(spiderName, fingerprint);
    let meta: EntryMeta;
    let body: Buffer;
    try {
      meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as EntryMeta;
      if (!isEntryMeta(meta)) return null; // damaged by hand or by another program: fetched again
      if (this.expirationSecs > 0 && Date.now() - meta.timestamp > this.expirationSecs * 1000) return null;
      body = await readFile(join(dir, 'body'));
      if (meta.bodySha256 !== undefined && meta.bodySha256 !== bodyHash(body)) return null;
    } catch {
      return null;
    }
    return new Response({ url: meta.url, status: meta.status, headers: meta.headers, body, request, flags: ['cached'] });
  }

  async store(spiderName: string, fingerprint: string, request: Request, response: Response): Promise<void> {
    const dir = this.#entryDir(spiderName, fingerprint);
    await makeDir(dir);
    const meta: EntryMeta = {
      url: response.url,
      method: request.method,
      status: response.status,
      headers: [...response.headers],
      timestamp: Date.now(),
      requestUrl: request.url,
      bodySha256: bodyHash(response.body),
    };
    await writeAtomic(join(dir, 'body'), response.body);
    await writeAtomic(join(dir, 'meta.json'), JSON.stringify(meta));
  }
}
