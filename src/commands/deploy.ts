import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';

/** `deploy --json` result. */
export interface DeployCommandResult {
  targets?: Array<{ name: string; url: string }>;
  projects?: string[];
  bundle?: { file: string; manifest: Record<string, unknown> };
  deployed?: Array<{ target: string; url: string; project: string; version: string; status: number; ok: boolean; response: unknown }>;
}

export default class Deploy extends BaseCommand<typeof Deploy> {
  static override summary = 'Deploy the project to a Scrapyd-compatible server (scrapyd-deploy compatible).';
  static override description = `Builds the project into one bundle (esbuild, cached) and uploads it to addversion.json of a target
from scrapy.cfg: [deploy] is the target "default" when it has a url; [deploy:NAME] adds to it.
Config files, lowest priority first: /etc/scrapy.cfg, $XDG_CONFIG_HOME/scrapy.cfg (~/.config/scrapy.cfg),
~/.scrapy.cfg, then the closest scrapy.cfg. Credentials: the target's username/password, else ~/.netrc
for the url's host, else the OS keychain (tscrapy login TARGET).
Progress goes to stderr, the server's JSON answer to stdout.

Exit codes: 0 ok; 1 build failed, server unreachable, TLS or authentication error, or the server
answered "status": "error" (with -a: any target failed); 2 no project, unknown target, bad scrapy.cfg,
or a target's url, project or version that cannot be used (all checked before building).`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> -l',
    '<%= config.bin %> <%= command.id %> -L production',
    '<%= config.bin %> <%= command.id %> production -p myproject -v GIT',
    '<%= config.bin %> <%= command.id %> -a',
    '<%= config.bin %> <%= command.id %> --build-only dist/myproject.tar.gz && <%= config.bin %> <%= command.id %> -a --egg dist/myproject.tar.gz',
  ];
  static override enableJsonFlag = true;
  static override args = {
    target: Args.string({ description: 'Target name from scrapy.cfg ([deploy:NAME]); default: "default" ([deploy]).', required: false, ignoreStdin: true }),
  };
  // -L means --list-projects here (as in scrapyd-deploy), so --loglevel has no short form.
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    loglevel: Flags.string({ summary: 'Log level: CRITICAL, ERROR, WARNING, INFO or DEBUG.', helpGroup: 'GLOBAL', options: ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'] }),
  };
  static override flags = {
    'list-targets': Flags.boolean({ char: 'l', summary: 'List the targets and their URLs.' }),
    'list-projects': Flags.string({ char: 'L', summary: 'List the projects on the server of this target.', helpValue: 'TARGET' }),
    project: Flags.string({ char: 'p', summary: 'Project name (default: the target\'s project key, then [deploy] project, then the folder name).' }),
    version: Flags.string({
      char: 'v',
      summary: 'Version: a name, GIT (git describe + branch) or HG (default: the target\'s version, else the bundle\'s own with --egg, else the current Unix time).',
    }),
    'all-targets': Flags.boolean({ char: 'a', summary: 'Deploy to every target.' }),
    'build-only': Flags.string({ aliases: ['build-egg'], summary: 'Write the bundle to FILE and upload nothing.', helpValue: 'FILE' }),
    egg: Flags.string({ summary: 'Upload this bundle (built earlier with --build-only) instead of building.', helpValue: 'FILE' }),
    debug: Flags.boolean({ summary: 'Show the requests and responses (credentials masked) on stderr.' }),
  };

  async run(): Promise<DeployCommandResult> {
    const deploy = await import('../deploy/deploy.js');
    const f = this.flags;
    const json = this.jsonEnabled();
    const { args } = await this.parse(Deploy);
    const ctx = {
      cwd: process.cwd(),
      env: process.env,
      io: {
        progress: (line: string) => {
          if (!json) process.stderr.write(line + '\n');
        },
        answer: (text: string) => {
          if (!json) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
        },
        debug: f.debug ? (line: string) => process.stderr.write(line + '\n') : undefined,
      },
    };
    if (f['list-targets']) {
      const targets = await deploy.listTargets(ctx);
      if (!json) for (const t of targets) this.log(`${t.name.padEnd(20)} ${t.url || '(no url)'}`);
      return { targets };
    }
    if (f['list-projects']) {
      const projects = await deploy.listTargetProjects(ctx, f['list-projects']);
      if (!json) for (const p of projects) this.log(p);
      return { projects };
    }
    const opts = { target: args.target, project: f.project, version: f.version, allTargets: f['all-targets'], egg: f.egg };
    if (f['build-only']) {
      const { file, manifest } = await deploy.buildOnly(ctx, f['build-only'], opts);
      return { bundle: { file, manifest: { ...manifest } } };
    }
    const deployed = await deploy.deploy(ctx, opts);
    return { deployed };
  }
}
