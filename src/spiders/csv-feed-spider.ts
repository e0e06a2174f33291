import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';
import type { CallbackResult } from '../crawler/http/request.js';
import type { Response } from '../crawler/http/response.js';
import { Spider } from '../crawler/spider.js';
import { parseCsv } from './csv.js';
import { iterateOutput, type SpiderOutput } from './output.js';

/**
 * A spider for CSV feeds, like Scrapy's CSVFeedSpider: each row goes to
 * `parseRow(response, row)` as an object keyed by `headers` (or, when `headers` is not set, by
 * the file's first row). Rows with another number of fields are skipped with a warning.
 *
 * ```ts
 * class Prices extends CSVFeedSpider {
 *   name = 'prices';
 *   startUrls = ['https://shop.example/prices.csv'];
 *   delimiter = ';';
 *   parseRow(response: Response, row: Record<string, string>) { return { sku: row.sku, price: Number(row.price) }; }
 * }
 * ```
 */
export class CSVFeedSpider extends Spider {
  /** Field separator. @default ',' */
  delimiter = ',';
  /** Quote character around fields that hold delimiters or newlines. @default '"' */
  quotechar = '"';
  /** Column names; when unset, the first row of the file is the header. */
  headers?: readonly string[];

  /** Reads the rows and runs `parseRow` on each. Do not override: override `parseRow`. */
  override parse(response: Response, _kwargs?: Record<string, any>): CallbackResult {
    return this.parseRows(this.adaptResponse(response));
  }

  /** Changes the response before it is read. Default: unchanged. */
  adaptResponse(response: Response): Response {
    return response;
  }

  /** Post-processes the output of each `parseRow` call. Default: unchanged. */
  processResults(_response: Response, results: AsyncIterable<unknown>): AsyncIterable<unknown> {
    return results;
  }

  /** Called for each row: return (or yield) items and requests. */
  parseRow(response: Response, _row: Record<string, string>): SpiderOutput {
    throw new TscrapyError(`${this.constructor.name}.parseRow is not defined; add a parseRow(response, row) method (got ${response.url})`);
  }

  /** Runs `parseRow` over every row of the response, in order. */
  async *parseRows(response: Response): AsyncGenerator<unknown, void, undefined> {
    let rows: Generator<string[]>;
    try {
      rows = parseCsv(response.text, { delimiter: this.delimiter, quotechar: this.quotechar });
    } catch (err) {
      throw new InvalidArgumentError(`${this.constructor.name}: ${(err as Error).message}`);
    }
    let headers = this.headers ? [...this.headers] : undefined;
    let line = 0;
    for (const fields of rows) {
      line++;
      if (!headers) {
        headers = fields.map((h) => h.trim());
        continue;
      }
      if (fields.length !== headers.length) {
        this.logger?.warn(`Ignoring row ${line} of ${response.url}: ${fields.length} fields, but ${headers.length} headers (${headers.join(', ')})`);
        continue;
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < headers.length; i++) row[headers[i]!] = fields[i]!;
      yield* this.processResults(response, iterateOutput(this.parseRow(response, row)));
    }
  }
}
