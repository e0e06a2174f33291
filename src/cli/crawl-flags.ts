import { Flags } from '@oclif/core';
import { InvalidArgumentError } from '../crawler/errors.js';
import { parseArgFlags, parseSetFlags, setFlag } from './base-command.js';

/** Flags of the commands that run a crawl (`crawl`, `runspider`). */
export const crawlFlags = {
  set: setFlag,
  arg: Flags.string({ char: 'a', helpValue: 'NAME=VALUE', summary: 'Set a spider argument, NAME=VALUE (repeatable); the spider gets it as a property.', multiple: true }),
  output: Flags.string({
    char: 'o',
    helpValue: 'FILE[:FORMAT]',
    summary: 'Append scraped items to FILE; the format comes from the extension or FILE:FORMAT (jsonl, json, csv, xml). "-:jsonl" writes to stdout.',
    multiple: true,
  }),
  'overwrite-output': Flags.string({ char: 'O', helpValue: 'FILE[:FORMAT]', summary: 'Like -o, but overwrite FILE.', multiple: true }),
  redis: Flags.string({ summary: 'Share the request queue through Redis: same as -s SCHEDULER_URL=URL.', helpValue: 'URL' }),
  'jobdir-repair': Flags.boolean({
    summary: 'Resume a JOBDIR whose queue is damaged with what is readable, instead of refusing: same as -s JOBDIR_REPAIR=true.',
  }),
  'json-stats': Flags.string({ summary: 'Write the final stats to FILE as JSON.', helpValue: 'FILE' }),
  progress: Flags.boolean({
    summary: 'Show the live status line on stderr (default: on when stderr is a terminal).',
    allowNo: true,
  }),
};

export interface CrawlFlagValues {
  set?: string[];
  arg?: string[];
  output?: string[];
  'overwrite-output'?: string[];
  redis?: string;
  'jobdir-repair'?: boolean;
  loglevel?: string;
  logfile?: string;
  nolog?: boolean;
}

/**
 * Settings given on the command line (`-s`, `-o`/`-O`, `--redis`, log flags), for `cmdline`
 * priority. `-o`/`-O` replace FEEDS, as in Scrapy. Async because the feeds module loads lazily.
 */
export async function cliSettings(flags: CrawlFlagValues): Promise<Record<string, unknown>> {
  const out = parseSetFlags(flags.set);
  if (flags.redis !== undefined) {
    if (!/^rediss?:\/\/./.test(flags.redis)) {
      throw new InvalidArgumentError(`--redis expects a redis:// or rediss:// URL, got "${flags.redis}" (for example --redis redis://127.0.0.1:6379/0)`);
    }
    out.SCHEDULER_URL = flags.redis;
  }
  if (flags['jobdir-repair']) out.JOBDIR_REPAIR = true;
  if (flags.output?.length || flags['overwrite-output']?.length) {
    const { feedsFromCliOptions } = await import('../feeds/options.js');
    out.FEEDS = feedsFromCliOptions(flags.output ?? [], flags['overwrite-output'] ?? []);
  }
  if (flags.loglevel) out.LOG_LEVEL = flags.loglevel;
  if (flags.logfile) out.LOG_FILE = flags.logfile;
  if (flags.nolog) out.LOG_ENABLED = false;
  return out;
}

/** Spider arguments from `-a`. */
export function spiderArgs(flags: CrawlFlagValues): Record<string, string> {
  return parseArgFlags(flags.arg);
}
