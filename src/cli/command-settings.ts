import { parseSetFlags } from './base-command.js';
import { findAndLoadProject, projectSpider, requireProject, type LoadedProject } from './project-context.js';
import { layeredSettings } from './crawl-runner.js';
import type { Settings } from '../crawler/settings/settings.js';
import type { SpiderClass } from '../crawler/spider.js';

/** Defaults of the one-page commands (`fetch`, `parse`, `shell`): no periodic stats, no stats dump. */
export const ONE_PAGE_SETTINGS = { LOGSTATS_INTERVAL: 0, STATS_DUMP: false, LOG_LEVEL: 'INFO' };

/**
 * Settings and spider for the one-page commands: the project's (when inside one), the command's
 * defaults, -s and log flags; the spider named by --spider (in the project), else none.
 */
export async function onePageContext(
  command: string,
  flags: { set?: string[]; spider?: string; loglevel?: string; logfile?: string; nolog?: boolean },
  commandSettings: Record<string, unknown> = ONE_PAGE_SETTINGS,
): Promise<{
  project: LoadedProject | null;
  settings: Settings;
  spiderClass: SpiderClass | undefined;
}> {
  const cli = parseSetFlags(flags.set);
  if (flags.loglevel) cli.LOG_LEVEL = flags.loglevel;
  if (flags.logfile) cli.LOG_FILE = flags.logfile;
  if (flags.nolog) cli.LOG_ENABLED = false;
  const project = flags.spider ? await requireProject(`${command} --spider`) : await findAndLoadProject();
  const spiderClass = flags.spider && project ? await projectSpider(project, flags.spider) : undefined;
  const settings = layeredSettings({ commandSettings, projectSettings: project?.module.settings, cliSettings: cli });
  return { project, settings, spiderClass };
}
