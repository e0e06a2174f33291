import { InvalidArgumentError } from '../crawler/errors.js';
import { Request, checkOptionNames, optionNames, type CallbackResult, type Errback, type Failure } from '../crawler/http/request.js';
import type { Response } from '../crawler/http/response.js';
import type { Link, LinkExtractor } from '../crawler/link-extractor.js';
import { Spider } from '../crawler/spider.js';
import { iterateOutput, resolveMethod, type OutputCallback, type SpiderOutput } from './output.js';

/** Filters or rewrites the links a rule extracted from one page. */
export type ProcessLinks = (links: Link[]) => Link[];
/** Rewrites (or drops, by returning null) each request a rule builds; gets the page it came from. */
export type ProcessRequest = (request: Request, response: Response) => Request | null | undefined;

/** How a rule handles the pages its links lead to. Functions and spider method names both work. */
export interface RuleOptions {
  /** Called with each response of the rule's links (a spider method or its name). Default: none. */
  callback?: OutputCallback | string | null;
  /** Extra keyword arguments passed to `callback`. */
  cbKwargs?: Record<string, any>;
  /** Apply the rules again to the pages this rule leads to. @default true without a callback, false with one */
  follow?: boolean;
  /** Filters the extracted links (a spider method or its name). */
  processLinks?: ProcessLinks | string | null;
  /** Changes or drops each request (a spider method or its name). */
  processRequest?: ProcessRequest | string | null;
  /** Called when a request of this rule fails (a spider method or its name). */
  errback?: Errback | string | null;
}

const RULE_OPTIONS = optionNames<RuleOptions>({ callback: true, cbKwargs: true, follow: true, processLinks: true, processRequest: true, errback: true });

/**
 * One crawling rule of a {@link CrawlSpider}: which links to take (a LinkExtractor), and what to
 * do with the pages they lead to, as in Scrapy's `Rule`.
 *
 * ```ts
 * new Rule(new LinkExtractor({ allow: /\/product\// }), { callback: 'parseProduct' })
 * ```
 */
export class Rule {
  readonly linkExtractor: LinkExtractor;
  readonly callback: OutputCallback | string | null;
  readonly cbKwargs: Record<string, any>;
  readonly follow: boolean;
  readonly processLinks: ProcessLinks | string | null;
  readonly processRequest: ProcessRequest | string | null;
  readonly errback: Errback | string | null;

  constructor(linkExtractor: LinkExtractor, options: RuleOptions = {}) {
    if (!linkExtractor || typeof (linkExtractor as LinkExtractor).extractLinks !== 'function') {
      throw new InvalidArgumentError('Rule needs a LinkExtractor as its first argument, e.g. new Rule(new LinkExtractor({ allow: /item/ }))');
    }
    checkOptionNames('Rule', options, RULE_OPTIONS);
    this.linkExtractor = linkExtractor;
    this.callback = options.callback ?? null;
    this.cbKwargs = options.cbKwargs ?? {};
    this.follow = options.follow ?? this.callback === null;
    this.processLinks = options.processLinks ?? null;
    this.processRequest = options.processRequest ?? null;
    this.errback = options.errback ?? null;
  }
}

/** A rule with its spider methods looked up once. */
interface CompiledRule {
  rule: Rule;
  callback: OutputCallback | undefined;
  processLinks: ProcessLinks | undefined;
  processRequest: ProcessRequest | undefined;
  errback: Errback | undefined;
}

/**
 * A spider that follows links by `rules`, like Scrapy's CrawlSpider. Start pages go to
 * `parseStartUrl` (override it to scrape them) and then through the rules; every page a rule
 * leads to goes to the rule's callback and, when the rule follows, through the rules again.
 * A link matched by several rules is taken by the first.
 *
 * Requests name their callback as a method (`ruleCallback`), so they survive JOBDIR and Redis
 * queues. Do not override `parse`: CrawlSpider uses it to apply the rules.
 *
 * ```ts
 * class Shop extends CrawlSpider {
 *   name = 'shop';
 *   startUrls = ['https://shop.example/'];
 *   rules = [
 *     new Rule(new LinkExtractor({ allow: /\/category\// })),
 *     new Rule(new LinkExtractor({ allow: /\/product\// }), { callback: 'parseProduct' }),
 *   ];
 *   parseProduct(response: Response) { return { name: response.css('h1::text').get() }; }
 * }
 * ```
 */
export class CrawlSpider extends Spider {
  /** The crawling rules, tried in order for every link. */
  rules: readonly Rule[] = [];
  #compiled: CompiledRule[] | undefined;

  /** The rules with their methods resolved; built on first use, so `rules` may be set late (in a constructor). */
  protected get compiledRules(): CompiledRule[] {
    if (!this.#compiled) {
      this.#compiled = this.rules.map((rule, i) => {
        const what = (key: string) => `${key} of rules[${i}]`;
        return {
          rule,
          callback: resolveMethod<OutputCallback>(this, rule.callback, what('callback')),
          processLinks: resolveMethod<ProcessLinks>(this, rule.processLinks, what('processLinks')),
          processRequest: resolveMethod<ProcessRequest>(this, rule.processRequest, what('processRequest')),
          errback: resolveMethod<Errback>(this, rule.errback, what('errback')),
        };
      });
    }
    return this.#compiled;
  }

  /** Start pages: `parseStartUrl`, then the rules. */
  override parse(response: Response, kwargs: Record<string, any> = {}): CallbackResult {
    return this.parseWithRules(response, this.parseStartUrl, kwargs, true);
  }

  /** What to scrape from the start pages. Default: nothing. */
  parseStartUrl(_response: Response, _kwargs?: Record<string, any>): SpiderOutput {
    return [];
  }

  /** Post-processes the output of each rule callback (and of `parseStartUrl`). Default: unchanged. */
  processResults(_response: Response, results: AsyncIterable<unknown>): AsyncIterable<unknown> {
    return results;
  }

  /** The callback of every rule request: looks the rule up by `meta.rule`. */
  ruleCallback(response: Response, kwargs: Record<string, any> = {}): CallbackResult {
    const compiled = this.#ruleOf(response.meta.rule, response.url);
    return this.parseWithRules(response, compiled.callback, { ...compiled.rule.cbKwargs, ...kwargs }, compiled.rule.follow);
  }

  /** The errback of every rule request: the rule's errback, if any. */
  ruleErrback(failure: Failure): CallbackResult {
    const compiled = this.#ruleOf(failure.request.meta.rule, failure.request.url);
    return compiled.errback ? compiled.errback.call(this, failure) : null;
  }

  /** Runs `callback` on the page, then (when `follow`) yields the requests of the rules' links. */
  protected async *parseWithRules(
    response: Response,
    callback: OutputCallback | undefined,
    kwargs: Record<string, any>,
    follow: boolean,
  ): AsyncGenerator<unknown, void, undefined> {
    if (callback) {
      yield* this.processResults(response, iterateOutput(callback.call(this, response, kwargs)));
    }
    if (follow && this.#followLinks()) yield* this.requestsToFollow(response);
  }

  /** The requests for the links the rules take from `response` (HTML pages only). */
  protected *requestsToFollow(response: Response): Generator<Request, void, undefined> {
    if (!response.isText || response.selector.type !== 'html') return;
    const seen = new Set<string>();
    const rules = this.compiledRules;
    for (let index = 0; index < rules.length; index++) {
      const compiled = rules[index]!;
      let links = compiled.rule.linkExtractor.extractLinks(response).filter((l) => !seen.has(l.url));
      if (compiled.processLinks) links = compiled.processLinks.call(this, links);
      for (const link of links) {
        seen.add(link.url);
        let request: Request | null | undefined = this.buildRuleRequest(index, link);
        if (compiled.processRequest) request = compiled.processRequest.call(this, request, response);
        if (request) yield request;
      }
    }
  }

  /** The request for one link of rule `index`. */
  protected buildRuleRequest(index: number, link: Link): Request {
    // Only rules with an errback get one: otherwise failures are logged as for any request.
    return new Request(link.url, {
      callback: 'ruleCallback',
      errback: this.compiledRules[index]?.errback ? 'ruleErrback' : null,
      meta: { rule: index, link_text: link.text },
    });
  }

  /** CRAWLSPIDER_FOLLOW_LINKS; true when the spider is used without a crawler (unit tests). */
  #followLinks(): boolean {
    return this.settings ? this.settings.getBool('CRAWLSPIDER_FOLLOW_LINKS', true) : true;
  }

  #ruleOf(index: unknown, url: string): CompiledRule {
    const rules = this.compiledRules;
    if (typeof index !== 'number' || !rules[index]) {
      throw new InvalidArgumentError(`${this.constructor.name}: response ${url} has meta.rule ${JSON.stringify(index)}, but the spider has ${rules.length} rule(s)`);
    }
    return rules[index]!;
  }
}
