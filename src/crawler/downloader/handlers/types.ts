import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';

/** Downloads one request of the schemes it serves. Handlers hold the crawl's connections. */
export interface DownloadHandler {
  download(request: Request): Promise<Response>;
  close(): Promise<void>;
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
