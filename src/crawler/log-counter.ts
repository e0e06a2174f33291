import { LEVELS, type LogSink } from './logger.js';
import type { StatsCollector } from './stats.js';

const NAMES = new Map<number, string>(Object.entries(LEVELS).map(([k, v]) => [v, k]));

/** Counts lines per level into `log_count/<LEVEL>` and passes them on. */
export class LogCounter implements LogSink {
  constructor(
    private readonly inner: LogSink | null,
    private readonly stats: StatsCollector,
  ) {}

  write(line: string, level: number): void {
    this.stats.incValue(`log_count/${NAMES.get(level) ?? level}`);
    this.inner?.write(line, level);
  }

  close(): Promise<void> {
    return this.inner?.close?.() ?? Promise.resolve();
  }
}
