import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import type { CreateProjectResult } from '../scaffold/new-project.js';

export default class New extends BaseCommand<typeof New> {
  static override summary = 'Create a new tscrapy project (Scrapy\'s startproject).';
  static override description = `Creates NAME/ (or DIR/) with package.json (scripts crawl, list, test, build, deploy), tsconfig.json,
scrapy.cfg ([settings] and a [deploy] target at http://localhost:6800/), src/settings.ts, src/items.ts,
src/pipelines.ts, src/middlewares.ts, src/spiders/ with an example spider, test/ with an example test
against a saved page, README.md and .gitignore.

NAME must begin with a letter and hold only letters, digits and underscores, and must not be the name
of an existing module. DIR must not exist or be empty, unless --force.

The project depends on the running tscrapy: ^VERSION when it was installed from the registry;
otherwise a file: path to the tarball it was installed from (npm pack), or to its folder (a checkout),
so npm install needs the registry only for tscrapy's own dependencies. The choice is printed.
--link always uses the running tscrapy's folder; --tscrapy PATH another tscrapy folder.

Exit codes: 0 ok; 1 tscrapy's templates are missing; 2 bad name, non-empty folder, bad --tscrapy path.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> shop',
    '<%= config.bin %> <%= command.id %> shop crawlers/shop',
    '<%= config.bin %> <%= command.id %> shop --link',
    '<%= config.bin %> <%= command.id %> shop . --force --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({ description: 'Project name (letters, digits, underscores; starts with a letter).', required: true, ignoreStdin: true }),
    dir: Args.string({ description: 'Folder to create the project in (default: ./NAME).', required: false, ignoreStdin: true }),
  };
  static override flags = {
    force: Flags.boolean({ char: 'f', summary: 'Write into a non-empty folder (files of the same names are replaced).' }),
    link: Flags.boolean({ summary: 'Depend on this tscrapy installation (a file: dependency) instead of the registry\'s tscrapy.', exclusive: ['tscrapy'] }),
    tscrapy: Flags.string({ summary: 'Depend on the tscrapy package in this folder (a file: dependency).', helpValue: 'PATH', exclusive: ['link'] }),
  };

  async run(): Promise<CreateProjectResult> {
    const { createProject } = await import('../scaffold/new-project.js');
    const { tscrapyRoot } = await import('../scaffold/templates.js');
    const { args } = await this.parse(New);
    const f = this.flags;
    const result = await createProject({
      name: args.name,
      dir: args.dir,
      force: f.force,
      tscrapyPath: f.link ? tscrapyRoot() : f.tscrapy,
    });
    if (!this.jsonEnabled()) {
      this.log(`New tscrapy project "${result.project}" created in ${result.directory}`);
      this.log(`  tscrapy dependency: ${result.tscrapyDependency} (${result.tscrapyDependencyReason})`);
      this.log('');
      this.log('Next steps:');
      for (const step of result.nextSteps) this.log(`  ${step}`);
    }
    return result;
  }
}
