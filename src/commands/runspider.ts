import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { crawlFlags, cliSettings, spiderArgs } from '../cli/crawl-flags.js';
import { CRAWL_EXIT_HELP } from '../cli/exit-codes-help.js';

export default class Runspider extends BaseCommand<typeof Runspider> {
  static override summary = 'Run a spider from a single .ts or .js file, without a project.';
  static override description = `The file is compiled on the fly with esbuild (no tsc step); it imports "tscrapy" and gets the
tscrapy that runs it, even in a folder without node_modules. Its npm imports are resolved from its folder.
Settings come from the spider's customSettings and -s. Scraped items go to -o/-O feeds.

${CRAWL_EXIT_HELP}`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> quotes.ts -o quotes.jsonl',
    '<%= config.bin %> <%= command.id %> quotes.ts -a tag=humor -s CLOSESPIDER_ITEMCOUNT=100 -O items.csv',
    '<%= config.bin %> <%= command.id %> quotes.ts -o -:jsonl --nolog | jq .text',
  ];
  static override args = {
    file: Args.string({ description: 'The spider file (.ts, .mts, .js or .mjs).', required: true }),
  };
  static override flags = {
    ...crawlFlags,
    spider: Flags.string({ summary: 'The spider to run when the file holds several (by name).' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Runspider);
    const cli = await cliSettings(flags);
    const { loadSpiderFile } = await import('../cli/project-context.js');
    const { spiderClass, module } = await loadSpiderFile(args.file, flags.spider);
    const { runCrawl } = await import('../cli/crawl-runner.js');
    const { outcome } = await runCrawl({
      spiderClass,
      cliSettings: cli,
      args: spiderArgs(flags),
      components: module.components,
      progress: flags.progress,
      jsonStats: flags['json-stats'],
    });
    if (outcome.exitCode !== 0) this.error(`Crawl failed: ${outcome.failure}`, { exit: outcome.exitCode });
  }
}
