import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { StatsCollector } from '../../stats.js';
import { responseEncodings } from '../body-decoder.js';
import type { DownloaderMiddleware } from '../types.js';

/** What we can decode, most compact first (no zstd: Node 20's zlib lacks it). */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * Asks for compressed bodies (Accept-Encoding) and counts the decoded ones in
 * `httpcompression/response_count` / `response_bytes`. Decoding itself happens in the http
 * handler while the body streams in, because DOWNLOAD_MAXSIZE must stop a gzip bomb at the
 * limit on decoded bytes, which a middleware seeing the whole body could not do. The handler
 * decodes only encodings the request accepted, so with this middleware disabled bodies stay
 * as the server sent them.
 */
export class HttpCompressionMiddleware implements DownloaderMiddleware {
  constructor(private readonly stats: StatsCollector) {}

  static fromCrawler(crawler: CrawlerContext): HttpCompressionMiddleware {
    if (!crawler.settings.getBool('COMPRESSION_ENABLED', true)) throw new NotConfigured('COMPRESSION_ENABLED is off');
    return new HttpCompressionMiddleware(crawler.stats);
  }

  processRequest(request: Request): void {
    request.headers.setDefault('Accept-Encoding', ACCEPT_ENCODING);
  }

  processResponse(_request: Request, response: Response): Response {
    if (responseEncodings.has(response)) {
      this.stats.incValue('httpcompression/response_bytes', response.body.length);
      this.stats.incValue('httpcompression/response_count');
    }
    return response;
  }
}
