import { Args, Flags } from '@oclif/core';
import { BaseCommand, EXIT, setFlag } from '../cli/base-command.js';

export default class Shell extends BaseCommand<typeof Shell> {
  static override summary = 'Open a Node REPL with a downloaded page, for trying selectors interactively.';
  static override description = `Downloads URL (or reads FILE, a local HTML file) with the project's settings when run inside a
project, then starts a REPL with these in scope:
  response        the Response (response.css('title::text').get(), response.xpath('//title/text()').get(), response.json())
  request         the Request that was sent
  spider          the spider (--spider NAME, else a default spider)
  fetch(url)      download another page (or a Request) and make it the current response: await fetch('https://…')
  view(response)  write the body to a temp file and print its path, to open it in a browser
  Selector, Request, settings, crawler, shelp() (this list)
Top-level await works. Leave with .exit or Ctrl-D. Logs (WARNING and up by default) go to stderr.
Exit codes: 0 ok, 1 the first download failed, 2 bad flags, settings or URL.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> https://quotes.toscrape.com/',
    '<%= config.bin %> <%= command.id %> ./saved-page.html',
    '<%= config.bin %> <%= command.id %> https://quotes.toscrape.com/ --spider quotes -L DEBUG',
    'echo "response.css(\'title::text\').get()" | <%= config.bin %> <%= command.id %> https://quotes.toscrape.com/ --nolog',
  ];
  static override args = {
    target: Args.string({ description: 'A URL, or the path of a local file, to load first.' }),
  };
  static override flags = {
    spider: Flags.string({ summary: 'Use this spider of the project (its settings, middlewares and callbacks).' }),
    'no-redirect': Flags.boolean({ summary: 'Do not follow redirects of the first URL.' }),
    set: setFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Shell);
    const [{ onePageContext }, { InteractiveCrawl, FetchFailedError }, { startShell, targetUrl }] = await Promise.all([
      import('../cli/command-settings.js'),
      import('../cli/interactive-crawl.js'),
      import('../cli/shell-repl.js'),
    ]);
    const url = args.target ? targetUrl(args.target) : undefined;
    const { settings, spiderClass, project } = await onePageContext('shell', flags, { LOGSTATS_INTERVAL: 0, STATS_DUMP: false, LOG_LEVEL: 'WARNING' });
    const crawl = await InteractiveCrawl.start({ settings, spiderClass, components: project?.module.components });
    try {
      await startShell(crawl, { url, redirect: !flags['no-redirect'] });
    } catch (err) {
      if (err instanceof FetchFailedError) this.error(err.message, { exit: EXIT.failed });
      throw err;
    } finally {
      await crawl.close().catch(() => undefined);
    }
  }
}
