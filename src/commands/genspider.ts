import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { InvalidArgumentError } from '../crawler/errors.js';
import type { CreateSpiderResult } from '../scaffold/new-spider.js';

/** `genspider --json` result: the templates (-l), one template's text (-d), or the spider created. */
export type GenspiderResult = { templates: string[] } | { template: string; text: string } | CreateSpiderResult;

export default class Genspider extends BaseCommand<typeof Genspider> {
  static override summary = 'Generate a new spider from a template.';
  static override description = `Inside a project (a folder with scrapy.cfg, or below one) writes src/spiders/NAME.ts; elsewhere writes
NAME.ts in the current folder, ready for \`tscrapy runspider NAME.ts\`. DOMAIN_OR_URL fills allowedDomains
and the start URL: a bare domain starts at https://DOMAIN/ (sitemap: /sitemap.xml, xmlfeed: /feed.xml,
csvfeed: /feed.csv); a URL is used as given.

Templates: basic (a Spider), crawl (CrawlSpider with rules), sitemap (SitemapSpider), xmlfeed
(XMLFeedSpider), csvfeed (CSVFeedSpider).

Exit codes: 0 ok; 1 tscrapy's templates are missing; 2 bad name or domain, unknown template, a spider of
that name already in the project, or an existing file (without --force).`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> books books.toscrape.com',
    '<%= config.bin %> <%= command.id %> shop https://shop.example/catalogue/ -t crawl',
    '<%= config.bin %> <%= command.id %> news https://news.example/rss.xml -t xmlfeed',
    '<%= config.bin %> <%= command.id %> -l',
    '<%= config.bin %> <%= command.id %> -d sitemap',
  ];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({ description: 'Spider name (also its file name).', required: false, ignoreStdin: true }),
    domain: Args.string({ description: 'Domain (example.com) or URL the spider starts at.', required: false, ignoreStdin: true }),
  };
  static override flags = {
    template: Flags.string({ char: 't', summary: 'Template: basic, crawl, sitemap, xmlfeed or csvfeed.', default: 'basic', helpValue: 'TEMPLATE' }),
    list: Flags.boolean({ char: 'l', summary: 'List the available templates.' }),
    dump: Flags.string({ char: 'd', summary: 'Print a template to stdout.', helpValue: 'TEMPLATE' }),
    force: Flags.boolean({ summary: 'Replace the spider file if it exists.' }),
  };

  async run(): Promise<GenspiderResult> {
    const { spiderTemplateNames, readSpiderTemplate } = await import('../scaffold/templates.js');
    const { args } = await this.parse(Genspider);
    const f = this.flags;
    const json = this.jsonEnabled();
    if (f.list) {
      const templates = await spiderTemplateNames();
      if (!json) {
        this.log('Available templates:');
        for (const t of templates) this.log(`  ${t}`);
      }
      return { templates };
    }
    if (f.dump !== undefined) {
      const text = await readSpiderTemplate(f.dump);
      if (!json) process.stdout.write(text);
      return { template: f.dump, text };
    }
    if (!args.name || !args.domain) {
      throw new InvalidArgumentError('genspider needs NAME and DOMAIN_OR_URL, e.g. `tscrapy genspider books books.toscrape.com` (or -l to list templates)');
    }
    const { createSpider } = await import('../scaffold/new-spider.js');
    const result = await createSpider({ name: args.name, target: args.domain, template: f.template, force: f.force });
    if (!json) {
      const { relative } = await import('node:path');
      const rel = relative(process.cwd(), result.file) || result.file;
      this.log(`Created spider "${result.name}" (class ${result.className}) using template "${result.template}" in ${rel}`);
      if (!result.inProject) this.log(`Run it with: ${this.config.bin} runspider ${rel}`);
    }
    return result;
  }
}
