import { BaseCommand } from '../cli/base-command.js';

export interface ListResult {
  spiders: string[];
}

export default class List extends BaseCommand<typeof List> {
  static override summary = 'List the spiders of the current project, one name a line.';
  static override description = `Must run inside a project (a folder with scrapy.cfg, or below one). The project is bundled
(cached by content hash) and its spiders discovered from the bundle.
Exit codes: 0 ok, 1 the project failed to load, 2 outside a project or it does not compile.`;
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json'];
  static override enableJsonFlag = true;

  async run(): Promise<ListResult> {
    const { requireProject } = await import('../cli/project-context.js');
    const project = await requireProject('list');
    const spiders = [...project.module.spidersByName.keys()];
    if (!this.jsonEnabled()) for (const name of spiders) this.log(name);
    return { spiders };
  }
}
