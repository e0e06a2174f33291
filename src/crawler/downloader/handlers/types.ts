import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';

/** Downloads one request of the schemes it serves. Handlers hold the crawl's connections. */
export interface DownloadHandler {
  download(request: Request): Promise<Response>;
  close(): Promise<void>;
  /**
   * For a handler with its own narrower limit (the browser's BROWSER_MAX_PAGES), called before
   * the request enters its download slot: null when the handler can take it now, else a promise
   * settled once it can. Either way the capacity is then reserved for this request's `download`;
   * a request not downloaded after all gives it back with `cancelAdmission`. Waiting here holds
   * no place in the download slot, so other requests to the same site go on meanwhile.
   */
  admit?(request: Request): Promise<void> | null;
  /** Gives back what `admit` reserved for `request`, when it is not downloaded after all. */
  cancelAdmission?(request: Request): void;
}

/** Limits a handler applies when the request's meta does not override them. */
export interface HandlerDefaults {
  /** Seconds (DOWNLOAD_TIMEOUT). */
  timeout: number;
  /** Bytes after decoding (DOWNLOAD_MAXSIZE); 0: no limit. */
  maxSize: number;
  /** Bytes (DOWNLOAD_WARNSIZE); 0: never warn. */
  warnSize: number;
}

/** A meta number override (`meta.download_timeout`, ...) or the default. */
export function metaNumber(meta: Record<string, any>, key: string, fallback: number): number {
  const v = meta[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
