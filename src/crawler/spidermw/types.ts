import type { CallbackResult } from '../http/request.js';
import type { Response } from '../http/response.js';
import type { Spider } from '../spider.js';

/**
 * A spider middleware, like Scrapy's. Each hook is optional. `processSpiderInput` runs in
 * ascending order; the output hooks run in descending order (closest to the spider first).
 */
export interface SpiderMiddleware {
  /** Before the callback; throw to send the response to the errback instead (HttpError does). */
  processSpiderInput?(response: Response, spider: Spider): void | Promise<void>;
  /**
   * The fast path, called once per output (item or Request) of callbacks and of `start()`
   * (`response` null): return the output, a replacement, or null to drop it.
   */
  processOutput?(output: unknown, response: Response | null, spider: Spider): unknown;
  /**
   * Transforms the whole output stream of a callback (when per-output filtering is not enough);
   * an async or plain generator.
   */
  processSpiderOutput?(response: Response, result: AsyncIterable<unknown>, spider: Spider): AsyncIterable<unknown> | Iterable<unknown>;
  /** The callback (or an input hook) threw: return outputs to use instead, or nothing to pass it on. */
  processSpiderException?(response: Response, error: Error, spider: Spider): CallbackResult;
  /** Transforms the output of `spider.start()`; an async or plain generator. */
  processStart?(start: AsyncIterable<unknown>, spider: Spider): AsyncIterable<unknown> | Iterable<unknown>;
  close?(spider: Spider): void | Promise<void>;
}
