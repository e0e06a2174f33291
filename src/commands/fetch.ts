import { Args, Flags } from '@oclif/core';
import { BaseCommand, EXIT, setFlag } from '../cli/base-command.js';
import { maskHeaderValue } from '../crawler/downloader/mask.js';

export interface FetchResult {
  url: string;
  status: number;
  headers: Record<string, string | string[]>;
  requestHeaders: Record<string, string | string[]>;
  /** The body as text (or base64 for a binary body). */
  body: string;
  bodyEncoding: 'text' | 'base64';
}

export default class Fetch extends BaseCommand<typeof Fetch> {
  static override summary = 'Download a URL with tscrapy\'s downloader and print the body to stdout.';
  static override description = `The request goes through the downloader middlewares with the project's settings when run
inside a project (user agent, headers, cookies, proxy, cache, robots.txt...), and through the
spider's customSettings with --spider. Redirects are followed unless --no-redirect; any HTTP
status is printed (a 404 is still a download). Logs go to stderr.
Exit codes: 0 a response was received, 1 the download failed (connection refused, timeout, DNS...),
2 bad flags, settings or URL, or an unknown spider.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> https://quotes.toscrape.com/ > page.html',
    '<%= config.bin %> <%= command.id %> https://quotes.toscrape.com/ --headers --nolog',
    '<%= config.bin %> <%= command.id %> http://example.com/old --no-redirect --headers',
    '<%= config.bin %> <%= command.id %> https://quotes.toscrape.com/ --spider quotes -s USER_AGENT=mybot',
  ];
  static override enableJsonFlag = true;
  static override args = {
    url: Args.string({ description: 'The URL to download (http, https, file or data).', required: true }),
  };
  static override flags = {
    headers: Flags.boolean({ summary: 'Print the request and response headers instead of the body.' }),
    redirect: Flags.boolean({ summary: 'Follow redirects (--no-redirect prints the 3xx response itself).', allowNo: true, default: true }),
    spider: Flags.string({ summary: 'Use this spider of the project (its customSettings and middlewares).' }),
    set: setFlag,
  };

  async run(): Promise<FetchResult | undefined> {
    const { args, flags } = await this.parse(Fetch);
    const [{ onePageContext }, { InteractiveCrawl, FetchFailedError, requestFor }] = await Promise.all([
      import('../cli/command-settings.js'),
      import('../cli/interactive-crawl.js'),
    ]);
    const request = requestFor(args.url);
    const { settings, spiderClass, project } = await onePageContext('fetch', flags);
    const crawl = await InteractiveCrawl.start({ settings, spiderClass, components: project?.module.components });
    let response;
    try {
      response = await crawl.fetch(request, { anyStatus: true, redirect: flags.redirect });
    } catch (err) {
      await crawl.close().catch(() => undefined);
      if (err instanceof FetchFailedError) this.error(err.message, { exit: EXIT.failed });
      throw err;
    }
    await crawl.close();
    const headers = response.headers.toObject();
    // shown, not sent: the credentials the middlewares added (HttpAuth, proxy) stay out of the output
    const requestHeaders = Object.fromEntries(
      Object.entries(response.request.headers.toObject()).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => maskHeaderValue(k, x)) : maskHeaderValue(k, v)]),
    );
    if (this.jsonEnabled()) {
      const text = response.isText;
      return {
        url: response.url,
        status: response.status,
        headers,
        requestHeaders,
        body: text ? response.text : Buffer.from(response.body).toString('base64'),
        bodyEncoding: text ? 'text' : 'base64',
      };
    }
    if (flags.headers) {
      const lines: string[] = [`> ${response.request.method} ${response.request.url}`];
      for (const [k, v] of response.request.headers) lines.push(`> ${k}: ${maskHeaderValue(k, v)}`);
      lines.push('>', `< ${response.status} ${response.url}`);
      for (const [k, v] of response.headers) lines.push(`< ${k}: ${v}`);
      await write(lines.join('\n') + '\n');
    } else {
      await write(response.body);
    }
    return undefined;
  }
}

/** Writes to stdout and waits until it is flushed (a pipe may be slower than the process's exit). */
function write(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())));
}
