import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError } from './errors.js';

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

/** Appends (or truncates and writes) lines to a file. */
export class FileSink implements LogSink {
  readonly #stream: WriteStream;
  constructor(path: string, append = true) {
    mkdirSync(dirname(path), { recursive: true });
    this.#stream = createWriteStream(path, { flags: append ? 'a' : 'w' });
  }
  write(line: string): void {
    this.#stream.write(line + '\n');
  }
  close(): Promise<void> {
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

  debug(message: string): void {
    if (this.sink !== null && LEVELS.DEBUG >= this.level) this.log(LEVELS.DEBUG, message);
  }
  info(message: string): void {
    this.log(LEVELS.INFO, message);
  }
  warn(message: string): void {
    this.log(LEVELS.WARNING, message);
  }
  error(message: string): void {
    this.log(LEVELS.ERROR, message);
  }
}
