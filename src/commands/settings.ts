import { Flags } from '@oclif/core';
import { BaseCommand, parseSetFlags, setFlag } from '../cli/base-command.js';
import { InvalidArgumentError } from '../crawler/errors.js';

export interface SettingsResult {
  name: string;
  value: unknown;
}

export default class SettingsCommand extends BaseCommand<typeof SettingsCommand> {
  static override summary = 'Print the value of a setting (the project\'s, inside a project).';
  static override description = `Reads the default settings, then the project's settings module (inside a project), then -s.
--get prints strings as they are and other values as JSON; --getbool, --getint, --getfloat and
--getlist convert the value the way the crawler does and fail when it cannot be converted.
Exit codes: 0 ok, 1 the project failed to load, 2 a value that does not convert or bad flags.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --get BOT_NAME',
    '<%= config.bin %> <%= command.id %> --getint CONCURRENT_REQUESTS -s CONCURRENT_REQUESTS=32',
    '<%= config.bin %> <%= command.id %> --getbool ROBOTSTXT_OBEY',
    '<%= config.bin %> <%= command.id %> --get FEEDS --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    get: Flags.string({ summary: 'Print the setting\'s value.', helpValue: 'NAME', exactlyOne: ['get', 'getbool', 'getint', 'getfloat', 'getlist'] }),
    getbool: Flags.string({ summary: 'Print the setting as true or false.', helpValue: 'NAME' }),
    getint: Flags.string({ summary: 'Print the setting as a whole number.', helpValue: 'NAME' }),
    getfloat: Flags.string({ summary: 'Print the setting as a number.', helpValue: 'NAME' }),
    getlist: Flags.string({ summary: 'Print the setting as a list (JSON).', helpValue: 'NAME' }),
    set: setFlag,
  };

  async run(): Promise<SettingsResult> {
    const { flags } = await this.parse(SettingsCommand);
    const cli = parseSetFlags(flags.set);
    const [{ findAndLoadProject }, { layeredSettings }] = await Promise.all([import('../cli/project-context.js'), import('../cli/crawl-runner.js')]);
    const project = await findAndLoadProject();
    const settings = layeredSettings({ projectSettings: project?.module.settings, cliSettings: cli });
    let name: string;
    let value: unknown;
    if (flags.getbool) value = settings.getBool((name = flags.getbool));
    else if (flags.getint) value = settings.getInt((name = flags.getint));
    else if (flags.getfloat) value = settings.getFloat((name = flags.getfloat));
    else if (flags.getlist) value = settings.getList((name = flags.getlist));
    else if (flags.get) value = settings.get((name = flags.get), null);
    else throw new InvalidArgumentError('Name a setting with --get NAME (or --getbool, --getint, --getfloat, --getlist)');
    if (!this.jsonEnabled()) this.log(typeof value === 'string' ? value : JSON.stringify(value) ?? 'null');
    return { name, value: value ?? null };
  }
}
