import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';
import { parseSettingValue } from '../crawler/settings/settings.js';

/** Exit codes said in every command's help. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * Flags every command shares (logging) and the mapping of errors to exit codes:
 * bad input (InvalidArgumentError, flag errors, a spider file or project that does not build) → 2,
 * any other failure → 1.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    loglevel: Flags.string({
      char: 'L',
      summary: 'Log level: CRITICAL, ERROR, WARNING, INFO or DEBUG.',
      helpGroup: 'GLOBAL',
      options: ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'],
    }),
    logfile: Flags.string({ summary: 'Write the log to this file instead of stderr.', helpGroup: 'GLOBAL' }),
    nolog: Flags.boolean({ summary: 'Disable logging.', helpGroup: 'GLOBAL' }),
  };

  protected flags!: BaseFlags<T>;

  public override async init(): Promise<void> {
    await super.init();
    const { flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      enableJsonFlag: this.ctor.enableJsonFlag,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
  }

  /** Log settings from --loglevel/--logfile/--nolog, at command-line priority. */
  protected logSettings(): Record<string, unknown> {
    const f = this.flags as { loglevel?: string; logfile?: string; nolog?: boolean };
    const out: Record<string, unknown> = {};
    if (f.loglevel) out.LOG_LEVEL = f.loglevel;
    if (f.logfile) out.LOG_FILE = f.logfile;
    if (f.nolog) out.LOG_ENABLED = false;
    return out;
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    const json = this.jsonEnabled();
    if (isParseError(err)) {
      // oclif's flag and argument errors (unknown flag, missing argument, bad option value).
      const message = parseErrorMessage(err, this.argv);
      if (!json) {
        err.message = message + '\nSee more help with --help';
        return super.catch(err);
      }
      this.logJson({ error: { code: 'TSC_ERR_USAGE', message, exit: EXIT.usage } });
      return this.exit(EXIT.usage);
    }
    const exit =
      // A spider file or project that does not compile is a usage error; the message has file:line:column.
      err instanceof InvalidArgumentError || (err instanceof TscrapyError && err.code === 'TSC_ERR_BUILD')
        ? EXIT.usage
        : err instanceof TscrapyError
          ? EXIT.failed
          : undefined;
    if (exit === undefined) {
      // oclif's own exit, or an error tscrapy did not expect: oclif prints it (with its stack under DEBUG).
      if (!json || err instanceof Errors.ExitError) return super.catch(err);
      this.logJson({ error: { code: 'TSC_ERR_INTERNAL', message: err.message || String(err), exit: EXIT.failed } });
      return this.exit(EXIT.failed);
    }
    // One unwrapped line (oclif would wrap it at 80 columns with prefixes): scripts grep these.
    if (json) {
      const details = (err as { details?: unknown }).details;
      this.logJson({ error: { code: (err as TscrapyError).code, message: err.message, exit, ...(details === undefined ? {} : { details }) } });
    } else process.stderr.write(`Error: ${err.message}\n`);
    return this.exit(exit);
  }
}

/** An error of oclif's argv parser: it carries the parse state. */
function isParseError(err: Error): err is Errors.CLIError & { parse: { input: { flags: Record<string, { char?: string; multiple?: boolean; type?: string }> } } } {
  return err instanceof Errors.CLIError && 'parse' in err;
}

/**
 * oclif's parse error message without its "See more help" line, and without the note about
 * flags that take several values (`--set allows multiple values…`) unless one of them was
 * actually given: only then can it have swallowed an argument.
 */
function parseErrorMessage(err: Error & { parse: { input: { flags: Record<string, { char?: string; multiple?: boolean; type?: string }> } } }, argv: string[]): string {
  let message = err.message.replace(/\nSee more help with --help$/, '').replace(/^The following errors? occurred:\n((?:  .*(?:\n|$))+)/, (_, list: string) => list.replace(/^  /gm, ''));
  const note = /\n\nNote: (--[\w-]+(?:, --[\w-]+)*) allows? multiple values\.[\s\S]*?beginning of arguments\./.exec(message);
  if (note) {
    const given = note[1]!.split(', ').filter((flag) => {
      const def = err.parse.input.flags[flag.slice(2)];
      return argv.some((a) => a === flag || a.startsWith(`${flag}=`) || (def?.char !== undefined && a.startsWith(`-${def.char}`)));
    });
    const kept = given.length
      ? `\n\nNote: ${given.join(', ')} ${given.length === 1 ? 'takes' : 'take'} several values, so give the arguments before ${given.length === 1 ? 'it' : 'them'}, or put "--" before the arguments.`
      : '';
    message = message.slice(0, note.index) + kept + message.slice(note.index + note[0].length);
  }
  return message;
}

/** `-s NAME=VALUE` pairs → settings; values parsed (numbers, booleans, JSON). */
export function parseSetFlags(pairs: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`-s expects NAME=VALUE, got "${pair}" (for example -s DOWNLOAD_DELAY=0.5)`);
    out[pair.slice(0, i).trim()] = parseSettingValue(pair.slice(i + 1));
  }
  return out;
}

/** `-a NAME=VALUE` pairs → spider arguments (strings, as Scrapy passes them). */
export function parseArgFlags(pairs: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`-a expects NAME=VALUE, got "${pair}" (for example -a category=books)`);
    out[pair.slice(0, i).trim()] = pair.slice(i + 1);
  }
  return out;
}

/** The shared -s flag, for commands that take settings. */
export const setFlag = Flags.string({
  char: 's',
  helpValue: 'NAME=VALUE',
  summary: 'Set a setting, NAME=VALUE (repeatable). Values are parsed: numbers, true/false, JSON.',
  multiple: true,
});
