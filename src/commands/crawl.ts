import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { crawlFlags, cliSettings, spiderArgs } from '../cli/crawl-flags.js';
import { CRAWL_EXIT_HELP } from '../cli/exit-codes-help.js';

export default class Crawl extends BaseCommand<typeof Crawl> {
  static override summary = 'Run a spider of the current project by name.';
  static override description = `Must run inside a project (a folder with scrapy.cfg, or below one). The project is bundled with
esbuild once and cached by content hash under .tscrapy/build/, so a second run with unchanged
sources starts without building. Settings, lowest priority first: defaults, the project's
settings module, the spider's customSettings, then -s (and -o/-O, --redis, log flags).
JOBDIR (-s JOBDIR=crawls/run-1) keeps the job's state so that running the same command again
after a stop continues it.

${CRAWL_EXIT_HELP}`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> quotes -o quotes.jsonl',
    '<%= config.bin %> <%= command.id %> quotes -a tag=humor -O quotes.json -s DOWNLOAD_DELAY=0.5',
    '<%= config.bin %> <%= command.id %> quotes -s JOBDIR=crawls/quotes-1 --json-stats stats.json',
    '<%= config.bin %> <%= command.id %> quotes --redis redis://127.0.0.1:6379/0 -o -:jsonl --nolog',
  ];
  static override args = {
    spider: Args.string({ description: 'The spider\'s name (see "tscrapy list").', required: true }),
  };
  static override flags = { ...crawlFlags };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Crawl);
    const cli = await cliSettings(flags);
    const { requireProject, projectSpider } = await import('../cli/project-context.js');
    const project = await requireProject('crawl');
    const spiderClass = await projectSpider(project, args.spider);
    const { runCrawl } = await import('../cli/crawl-runner.js');
    const { outcome } = await runCrawl({
      spiderClass,
      projectSettings: project.module.settings,
      cliSettings: cli,
      args: spiderArgs(flags),
      components: project.module.components,
      progress: flags.progress,
      jsonStats: flags['json-stats'],
    });
    if (outcome.exitCode !== 0) this.error(`Crawl failed: ${outcome.failure}`, { exit: outcome.exitCode });
  }
}
