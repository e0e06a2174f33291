import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { StatsCollector } from '../../stats.js';
import type { DownloaderMiddleware } from '../types.js';

function headersSize(h: Iterable<[string, string]>): number {
  let n = 0;
  for (const [k, v] of h) n += k.length + v.length + 4; // "k: v\r\n"
  return n;
}

/**
 * Scrapy's `downloader/*` stats: request_count, request_method_count/GET, request_bytes,
 * response_count, response_status_count/200, response_bytes, exception_count,
 * exception_type_count/<Name>. Byte counts are the HTTP/1.1 message sizes (approximate:
 * bodies as decoded).
 */
export class DownloaderStats implements DownloaderMiddleware {
  constructor(private readonly stats: StatsCollector) {}

  static fromCrawler(crawler: CrawlerContext): DownloaderStats {
    if (!crawler.settings.getBool('DOWNLOADER_STATS', true)) throw new NotConfigured('DOWNLOADER_STATS is off');
    return new DownloaderStats(crawler.stats);
  }

  processRequest(request: Request): void {
    const s = this.stats;
    s.incValue('downloader/request_count');
    s.incValue(`downloader/request_method_count/${request.method}`);
    const line = request.method.length + request.url.length + 11;
    s.incValue('downloader/request_bytes', line + headersSize(request.headers) + 2 + (request.body?.length ?? 0));
  }

  processResponse(_request: Request, response: Response): Response {
    const s = this.stats;
    s.incValue('downloader/response_count');
    s.incValue(`downloader/response_status_count/${response.status}`);
    s.incValue('downloader/response_bytes', 17 + headersSize(response.headers) + 2 + response.body.length);
    return response;
  }

  processException(_request: Request, error: Error): void {
    this.stats.incValue('downloader/exception_count');
    this.stats.incValue(`downloader/exception_type_count/${error.name}`);
  }
}
