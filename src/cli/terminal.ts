import { LEVELS } from '../crawler/logger.js';

/** What the CLI knows about the stream it writes progress and logs to. */
export interface TerminalInfo {
  /** A terminal: redraw a status line in place. */
  isTTY: boolean;
  /** Colours allowed: a terminal, and NO_COLOR unset (https://no-color.org). */
  color: boolean;
  /** Width in columns, for cutting the status line (a wrapped line cannot be redrawn). */
  columns: number;
}

/** Terminal facts of `stream` under `env`; FORCE_COLOR=1 turns colours on even without a TTY. */
export function terminalInfo(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): TerminalInfo {
  const isTTY = Boolean(stream.isTTY);
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== '';
  return { isTTY, color: !noColor && (isTTY || force), columns: stream.columns || 100 };
}

const SGR = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', magenta: '\x1b[35m' } as const;
export type Style = Exclude<keyof typeof SGR, 'reset'>;

/** `text` in `style` when colours are on, else unchanged. */
export function paint(on: boolean, style: Style, text: string): string {
  return on ? `${SGR[style]}${text}${SGR.reset}` : text;
}

/** A log line coloured by its level (warnings yellow, errors red, debug dim). */
export function colorLogLine(line: string, level: number, on: boolean): string {
  if (!on) return line;
  if (level >= LEVELS.ERROR) return paint(true, 'red', line);
  if (level >= LEVELS.WARNING) return paint(true, 'yellow', line);
  if (level <= LEVELS.DEBUG) return paint(true, 'dim', line);
  return line;
}

/** Erases the current line and puts the cursor at its start. */
export const CLEAR_LINE = '\r\x1b[2K';

/** Removes escape sequences, e.g. to measure or cut a painted line. */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}
