import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError } from './errors.js';
import { formatLogMessage } from './log-format.js';
import { makeDirSync } from '../util/make-dir.js';

export const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;
export type LevelName = keyof typeof LEVELS;

/** Where formatted log lines go. The CLI's live status line wraps one to redraw around them. */
export interface LogSink {
  write(line: string, level: number): void;
  close?(): Promise<void>;
}

/** Writes lines to a stream (stderr by default). */
export class StreamSink implements LogSink {
  constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {}
  write(line: string): void {
    this.stream.write(line + '\n');
  }
}

/**
 * Appends (or truncates and writes) lines to a file. The file is opened at once, so a LOG_FILE
 * that cannot be written (a folder, a missing drive) is one clear error before the crawl starts.
 * A write that fails later (disk full) must not end the crawl and lose its items: the sink says
 * so once on stderr and sends the lines there from then on.
 */
export class FileSink implements LogSink {
  readonly #stream: WriteStream;
  #failed = false;
  constructor(path: string, append = true) {
    let fd: number;
    try {
      makeDirSync(dirname(path));
      fd = openSync(path, append ? 'a' : 'w');
    } catch (err) {
      throw new InvalidArgumentError(`LOG_FILE ${JSON.stringify(path)} cannot be opened for writing (${(err as Error).message}): name a file in a folder you can write, or unset LOG_FILE to log to stderr`);
    }
    this.#stream = createWriteStream(path, { fd });
    this.#stream.on('error', (err) => {
      if (this.#failed) return;
      this.#failed = true;
      process.stderr.write(`Writing the log file ${path} failed (${err.message}); log lines go to stderr from now on\n`);
    });
  }
  write(line: string): void {
    if (this.#failed) process.stderr.write(line + '\n');
    else this.#stream.write(line + '\n');
  }
  close(): Promise<void> {
    if (this.#failed || this.#stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.#stream.end(resolve));
  }
}

/** Keeps lines in memory (tests, the HTTP example service). */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

export function parseLevel(level: unknown): number {
  const name = String(level ?? 'DEBUG').toUpperCase();
  if (name === 'WARN') return LEVELS.WARNING;
  const n = LEVELS[name as LevelName];
  if (n === undefined) {
    throw new InvalidArgumentError(`LOG_LEVEL must be one of ${Object.keys(LEVELS).join(', ')}, got ${JSON.stringify(level)}`);
  }
  return n;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function timestamp(d = new Date()): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Scrapy-like lines: `2026-11-22 10:00:00 [tscrapy.core.engine] INFO: Spider opened`. */
export class Logger {
  constructor(
    readonly name: string,
    readonly level: number,
    readonly sink: LogSink | null,
  ) {}

  /** A logger with another name writing to the same sink at the same level. */
  child(name: string): Logger {
    return new Logger(name, this.level, this.sink);
  }

  isEnabledFor(level: number): boolean {
    return this.sink !== null && level >= this.level;
  }

  log(level: number, message: string): void {
    if (this.sink === null || level < this.level) return;
    const name = (Object.keys(LEVELS) as LevelName[]).find((k) => LEVELS[k] === level) ?? `LEVEL${level}`;
    this.sink.write(`${timestamp()} [${this.name}] ${name}: ${message}`, level);
  }

  /**
   * Logs at DEBUG. Like Python's logging, `args` fill printf-style placeholders in `message`
   * (`'Saved %d items from %s'`, or `'%(name)s'` with one object); see formatLogMessage.
   */
  debug(message: unknown, ...args: unknown[]): void {
    if (this.sink !== null && LEVELS.DEBUG >= this.level) this.log(LEVELS.DEBUG, formatLogMessage(message, args));
  }
  /** Logs at INFO; `args` fill printf-style placeholders (see `debug`). */
  info(message: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(LEVELS.INFO)) this.log(LEVELS.INFO, formatLogMessage(message, args));
  }
  /** Logs at WARNING (Python's name); `args` fill printf-style placeholders (see `debug`). */
  warning(message: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(LEVELS.WARNING)) this.log(LEVELS.WARNING, formatLogMessage(message, args));
  }
  /** Same as `warning`. */
  warn(message: unknown, ...args: unknown[]): void {
    this.warning(message, ...args);
  }
  /** Logs at ERROR; `args` fill printf-style placeholders (see `debug`). */
  error(message: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(LEVELS.ERROR)) this.log(LEVELS.ERROR, formatLogMessage(message, args));
  }
  /** Logs at CRITICAL; `args` fill printf-style placeholders (see `debug`). */
  critical(message: unknown, ...args: unknown[]): void {
    if (this.isEnabledFor(LEVELS.CRITICAL)) this.log(LEVELS.CRITICAL, formatLogMessage(message, args));
  }
  /**
   * Logs at ERROR with the error's stack on the following lines, as Python's
   * `logger.exception()` does inside `except`: pass the caught error last
   * (`catch (e) { this.logger.exception('Parsing %s failed', url, e) }`) or alone.
   */
  exception(message: unknown, ...args: unknown[]): void {
    if (!this.isEnabledFor(LEVELS.ERROR)) return;
    if (message instanceof Error && args.length === 0) {
      this.log(LEVELS.ERROR, message.stack ?? String(message));
      return;
    }
    const last = args[args.length - 1];
    const error = last instanceof Error ? last : null;
    const text = formatLogMessage(message, error ? args.slice(0, -1) : args);
    this.log(LEVELS.ERROR, error ? `${text}\n${error.stack ?? String(error)}` : text);
  }
}
