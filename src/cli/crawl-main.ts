import { Config, Errors, flush, handle, type Command } from '@oclif/core';
import Crawl from '../commands/crawl.js';
import Runspider from '../commands/runspider.js';
import { useTscrapyEntryUrl } from '../project/load.js';

/**
 * The commands bin/run.js starts through the pre-bundled crawl entry (scripts/bundle.js). Their
 * `--help` takes oclif's usual path instead: it is rendered from the manifest and needs nothing
 * of the crawler.
 */
export const CRAWL_COMMANDS: Record<string, Command.Class> = { crawl: Crawl, runspider: Runspider };

/**
 * Runs `tscrapy crawl …` or `tscrapy runspider …` the way oclif's `execute` runs a command (its
 * hooks, flag parsing, error output and exit codes are oclif's own, from the same code), except
 * that the command class is the one of this bundle rather than the file the manifest names:
 * one file to read and compile instead of several hundred modules, and one copy of every class
 * for the command and the spiders it loads.
 */
export async function main(argv: string[], bin: string): Promise<void> {
  // Spider bundles loaded from now on import `tscrapy` from this bundle's copy of the library
  // (dist/bundled/crawl-api.js, which scripts/bundle.js writes).
  useTscrapyEntryUrl(new URL('../bundled/crawl-api.js', import.meta.url).href);
  try {
    await runCommand(argv, bin);
    flush();
  } catch (err) {
    await handle(err as Error);
  }
}

async function runCommand(argv: string[], bin: string): Promise<void> {
  const [id = '', ...rest] = argv;
  const cls = CRAWL_COMMANDS[id];
  if (!cls) throw new Errors.CLIError(`${id} is not a command of the crawl entry (${Object.keys(CRAWL_COMMANDS).join(', ')})`);
  const config = await Config.load(bin);
  await config.runHook('init', { argv: rest, id });
  const cached = config.findCommand(id, { must: true });
  // What oclif's plugin sets on a command class it loads.
  Object.assign(cls, { id, plugin: config.plugins.get(cached.pluginName ?? ''), isESM: true, relativePath: cached.relativePath });
  let error: Error | undefined;
  try {
    await config.runCommand(id, rest, { ...cached, load: async () => cls });
  } catch (err) {
    error = err as Error;
    throw err;
  } finally {
    await config.runHook('finally', { argv: rest, Command: cached, error, id });
  }
}
