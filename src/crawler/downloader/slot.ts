import type { Request } from '../http/request.js';
import type { Response } from '../http/response.js';
import type { DownloadHandler } from './handlers/types.js';

/** A request waiting in a slot for its turn. */
export interface SlotItem {
  request: Request;
  resolve(response: Response): void;
  reject(error: Error): void;
  /** The handler that admitted the request (DownloadHandler.admit), told if it is let go unsent. */
  admittedBy?: DownloadHandler;
}

/**
 * Downloads towards one site (hostname, or `meta.download_slot`): at most `concurrency` in
 * flight, and `delay` seconds between starts (Scrapy's downloader slot).
 */
export class Slot {
  readonly queue: SlotItem[] = [];
  /** Requests of this slot in flight. */
  transferring = 0;
  /** performance.now() of the last start, for the delay. */
  lastSeen = -Infinity;
  /** Set while the slot waits out its delay. */
  timer: NodeJS.Timeout | null = null;

  constructor(
    readonly key: string,
    public concurrency: number,
    /** Seconds between starts; AutoThrottle changes it. */
    public delay: number,
    readonly randomizeDelay: boolean,
  ) {}

  /** The delay before the next start, in seconds: 0.5–1.5× `delay` when randomised. */
  nextDelay(): number {
    if (this.delay <= 0) return 0;
    return this.randomizeDelay ? this.delay * (0.5 + Math.random()) : this.delay;
  }

  get idle(): boolean {
    return this.transferring === 0 && this.queue.length === 0;
  }

  toString(): string {
    return `<Slot ${this.key || '(no host)'} concurrency=${this.concurrency} delay=${this.delay.toFixed(2)}s queued=${this.queue.length} transferring=${this.transferring}>`;
  }
}

/** The slot key of a request: `meta.download_slot`, else the URL's hostname ('' for data:). */
export function slotKey(request: Request): string {
  const forced = request.meta.download_slot;
  if (typeof forced === 'string') return forced;
  const url = request.url;
  // Cheap hostname extraction for the common http(s)://host[:port]/ shape; URL() otherwise.
  const start = url.indexOf('://');
  if (start < 0) return '';
  let end = start + 3;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
    end++;
  }
  const authority = url.slice(start + 3, end);
  if (authority.includes('@') || authority.startsWith('[')) {
    try {
      return new URL(url).hostname;
    } catch {
      return '';
    }
  }
  const colon = authority.indexOf(':');
  return colon < 0 ? authority : authority.slice(0, colon);
}
