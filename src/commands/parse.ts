import { Args, Flags } from '@oclif/core';
import { BaseCommand, EXIT, parseArgFlags, setFlag } from '../cli/base-command.js';
import { InvalidArgumentError } from '../crawler/errors.js';

export interface ParsedRequest {
  method: string;
  url: string;
  callback: string | null;
}

export interface ParseLevel {
  depth: number;
  items: unknown[];
  requests: ParsedRequest[];
}

export interface ParseResult {
  url: string;
  spider: string;
  levels: ParseLevel[];
  /** Downloads that failed, with their error. */
  errors: Array<{ url: string; error: string }>;
}

export default class Parse extends BaseCommand<typeof Parse> {
  static override summary = 'Download a URL and run one spider callback on it; print the items and requests it produced.';
  static override description = `Scrapy's "parse": for checking a callback against a live page. The page is downloaded with the
project's and the spider's settings; the callback (--callback, default "parse") runs on the
response, and with --depth N the requests it yields are downloaded and their own callbacks run,
level by level, up to N levels. Items do not go through the item pipelines.
Exit codes: 0 ok, 1 the first download failed or the callback threw, 2 bad flags, unknown
spider or callback, or outside a project.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> https://quotes.toscrape.com/ --spider quotes',
    '<%= config.bin %> <%= command.id %> https://shop.example/product/1 --spider shop --callback parseProduct',
    '<%= config.bin %> <%= command.id %> https://quotes.toscrape.com/ --spider quotes -d 2 --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    url: Args.string({ description: 'The URL to download.', required: true }),
  };
  static override flags = {
    spider: Flags.string({ summary: 'The project\'s spider whose callback runs.', required: true }),
    callback: Flags.string({ char: 'c', summary: 'The spider method to call on the response.', default: 'parse' }),
    depth: Flags.integer({ char: 'd', summary: 'Follow the requests produced, this many levels deep.', default: 1, min: 1 }),
    arg: Flags.string({ char: 'a', summary: 'Set a spider argument, NAME=VALUE (repeatable).', multiple: true }),
    set: setFlag,
  };

  async run(): Promise<ParseResult> {
    const { args, flags } = await this.parse(Parse);
    const [{ onePageContext }, { InteractiveCrawl, FetchFailedError, requestFor }, { collectResults, callbackName, itemAsJson }] = await Promise.all([
      import('../cli/command-settings.js'),
      import('../cli/interactive-crawl.js'),
      import('../cli/callback-results.js'),
    ]);
    const first = requestFor(args.url);
    const { settings, spiderClass, project } = await onePageContext('parse', flags);
    const crawl = await InteractiveCrawl.start({ settings, spiderClass, components: project?.module.components, args: parseArgFlags(flags.arg) });
    const spider = crawl.spider as unknown as Record<string, unknown>;
    if (typeof spider[flags.callback] !== 'function') {
      await crawl.close();
      throw new InvalidArgumentError(`Spider "${flags.spider}" has no method "${flags.callback}"; name one of its callbacks with --callback (for example --callback parse)`);
    }
    const result: ParseResult = { url: args.url, spider: flags.spider, levels: [], errors: [] };
    let pending = [first.replace({ callback: spider[flags.callback] as never })];
    try {
      for (let depth = 1; depth <= flags.depth && pending.length; depth++) {
        const level: ParseLevel = { depth, items: [], requests: [] };
        const next = [];
        for (const request of pending) {
          let response;
          try {
            response = await crawl.fetch(request);
          } catch (err) {
            if (!(err instanceof FetchFailedError)) throw err;
            if (depth === 1) this.error(err.message, { exit: EXIT.failed });
            result.errors.push({ url: request.url, error: err.message });
            continue;
          }
          const cb = typeof request.callback === 'string' ? spider[request.callback] : (request.callback ?? spider.parse);
          if (typeof cb !== 'function') throw new InvalidArgumentError(`Request ${request.url} names callback ${String(request.callback)}, which the spider does not have`);
          let out;
          try {
            out = await collectResults(cb.call(spider, response, request.cbKwargs));
          } catch (err) {
            this.error(`The callback ${callbackName(cb)} failed on ${response.url}: ${(err as Error).stack ?? err}`, { exit: EXIT.failed });
          }
          // Printed and returned (--json) as the feeds would write them: a missing value shows as null.
          level.items.push(...out.items.map(itemAsJson));
          for (const r of out.requests) level.requests.push({ method: r.method, url: r.url, callback: callbackName(r.callback) });
          next.push(...out.requests);
        }
        result.levels.push(level);
        pending = next;
      }
    } finally {
      await crawl.close().catch(() => undefined);
    }
    if (!this.jsonEnabled()) this.printLevels(result);
    return result;
  }

  private printLevels(result: ParseResult): void {
    for (const level of result.levels) {
      this.log(`\n>>> DEPTH LEVEL: ${level.depth} <<<`);
      this.log(`# Scraped Items (${level.items.length}) ${'-'.repeat(50)}`);
      this.log(JSON.stringify(level.items, null, 2));
      this.log(`# Requests (${level.requests.length}) ${'-'.repeat(54)}`);
      for (const r of level.requests) this.log(`<${r.method} ${r.url}>${r.callback ? ` callback=${r.callback}` : ''}`);
    }
    for (const e of result.errors) this.logToStderr(`Failed: ${e.url}: ${e.error}`);
  }
}
