import { CommandHelp, Help, type Command } from '@oclif/core';
import { reflow } from './reflow.js';

/**
 * The DESCRIPTION section reflowed to the output's width (the terminal's, 80 when piped, or
 * OCLIF_COLUMNS) by {@link reflow}. oclif's own wrap only breaks long lines, leaving the source's
 * hard line breaks as ragged short lines, and drops the indentation of table rows.
 */
class TscrapyCommandHelp extends CommandHelp {
  protected override description(): string | undefined {
    const { summary, description } = this.command;
    if (!description) return super.description();
    const text = this.render(summary && !this.opts.hideCommandSummaryInDescription ? `${summary}\n\n${description}` : description);
    // The section's body is indented by two columns.
    return reflow(text, this.opts.maxWidth - 2);
  }
}

/**
 * tscrapy's help: oclif's, with {@link TscrapyCommandHelp}, and the summary line on top of a
 * command's help and the description on top of `tscrapy --help` wrapped too (oclif prints both
 * as one line). Example commands stay on one line each, so they can be copied. Named in
 * package.json (`oclif.helpClass`).
 */
export class TscrapyHelp extends Help {
  protected override CommandHelpClass = TscrapyCommandHelp;
  /** True while a command's help is printed: `summary()` then feeds only its top line. */
  #commandPage = false;

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    this.#commandPage = true;
    try {
      await super.showCommandHelp(command);
    } finally {
      this.#commandPage = false;
    }
  }

  protected override summary(c: Command.Loadable): string | undefined {
    const summary = super.summary(c);
    // Elsewhere (the COMMANDS list) oclif wraps the summary in its column itself.
    return summary && this.#commandPage ? reflow(summary, this.opts.maxWidth) : summary;
  }

  override formatRoot(): string {
    const root = super.formatRoot();
    const end = root.indexOf('\n\n');
    return end < 0 ? root : reflow(root.slice(0, end), this.opts.maxWidth) + root.slice(end);
  }
}
