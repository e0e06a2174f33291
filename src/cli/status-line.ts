import type { EngineStatus } from '../crawler/engine.js';
import type { LogSink } from '../crawler/logger.js';
import { CLEAR_LINE, colorLogLine, paint, stripAnsi, type TerminalInfo } from './terminal.js';

/** One reading of a running crawl, as the status line shows it. */
export interface StatusSnapshot {
  elapsedMs: number;
  pages: number;
  items: number;
  pagesPerMin: number;
  itemsPerMin: number;
  inFlight: number;
  queued: number;
  errors: number;
  /** Why the engine holds back new requests (slow pipeline, per-domain limit, delay, robots.txt), or null. */
  holdingBack: string | null;
}

/** `75 s` → `1:15`; an hour or more → `1:02:03`. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

const num = (n: number) => Math.round(n).toLocaleString('en-US');

/** A rate, compact from 10,000 on (`16.1k`), so the line fits a narrow terminal. */
const rate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : num(n));

/**
 * The status line's text, fitted to `columns` (a line that wraps cannot be redrawn in place):
 * `0:42 │ 1,204 pages (1,720/min) │ 1,100 items (1,571/min) │ 16 in flight │ 3,911 queued │ 0 errors │ holding back: per-domain limit`.
 * When too wide, the parts that matter least go first (a zero error count, the items rate, a shorter
 * 'held:', the pages rate), then it is cut.
 */
export function renderStatus(s: StatusSnapshot, columns = 200, color = false): string {
  const sep = paint(color, 'dim', ' │ ');
  const max = Math.max(10, columns - 1);
  for (const level of [0, 1, 2, 3, 4]) {
    const parts = [
      paint(color, 'bold', formatElapsed(s.elapsedMs)),
      level >= 4 ? `${num(s.pages)} pages` : `${num(s.pages)} pages (${rate(s.pagesPerMin)}/min)`,
      level >= 2 ? `${num(s.items)} items` : `${num(s.items)} items (${rate(s.itemsPerMin)}/min)`,
      `${num(s.inFlight)} in flight`,
      `${num(s.queued)} queued`,
    ];
    if (s.errors > 0) parts.push(paint(color, 'red', `${num(s.errors)} errors`));
    else if (level < 1) parts.push(`0 errors`);
    if (s.holdingBack) parts.push(paint(color, 'yellow', `${level >= 3 ? 'held' : 'holding back'}: ${s.holdingBack}`));
    const line = parts.join(sep);
    if (stripAnsi(line).length <= max) return line;
    if (level === 4) {
      const plain = stripAnsi(line);
      return plain.slice(0, max - 1) + '…';
    }
  }
  return '';
}

/**
 * Pages and items per minute over the last `windowMs` (a sliding window, so the rate follows the
 * crawl's current speed rather than its average since the start).
 */
export class RateMeter {
  #samples: Array<{ t: number; pages: number; items: number }> = [];
  constructor(private readonly windowMs = 10_000) {}

  sample(t: number, pages: number, items: number): { pagesPerMin: number; itemsPerMin: number } {
    this.#samples.push({ t, pages, items });
    while (this.#samples.length > 2 && t - this.#samples[1]!.t >= this.windowMs) this.#samples.shift();
    const first = this.#samples[0]!;
    const dt = t - first.t;
    if (dt <= 0) return { pagesPerMin: 0, itemsPerMin: 0 };
    return { pagesPerMin: ((pages - first.pages) * 60_000) / dt, itemsPerMin: ((items - first.items) * 60_000) / dt };
  }
}

/** Where the live status reads the crawl from. */
export interface StatusSource {
  stats: { getValue<T = unknown>(key: string, fallback?: T): T | undefined };
  engine?: { status(): EngineStatus };
}

/**
 * A log sink for a terminal: log lines scroll above a status line that is redrawn in place
 * (every `intervalMs`, and after each log line). Without a terminal, use the plain sink and
 * LogStats' periodic lines instead: no escape codes then.
 */
export class LiveStatus implements LogSink {
  #timer: NodeJS.Timeout | null = null;
  #source: StatusSource | null = null;
  #started = performance.now();
  #meter = new RateMeter();
  #shown = false;
  #last = '';

  /**
   * @param out the terminal (stderr)
   * @param logs where log lines go: null to write them to `out` above the status line (a
   *   LOG_FILE sink gets them instead; `--nolog` gives none)
   */
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly term: TerminalInfo,
    private readonly logs: LogSink | null | 'terminal',
    private readonly intervalMs = 500,
  ) {}

  /** Starts redrawing, reading from `source` (the crawler: its stats and engine). */
  start(source: StatusSource): void {
    this.#source = source;
    this.#started = performance.now();
    this.#timer = setInterval(() => this.redraw(), this.intervalMs);
    this.#timer.unref();
  }

  write(line: string, level: number): void {
    if (this.logs === 'terminal') {
      this.out.write((this.#shown ? CLEAR_LINE : '') + colorLogLine(line, level, this.term.color) + '\n');
      this.#shown = false;
      this.redraw();
    } else {
      this.logs?.write(line, level);
    }
  }

  /** Draws the status line again (the crawl's state now). */
  redraw(): void {
    const src = this.#source;
    if (!src) return;
    const now = performance.now();
    const pages = src.stats.getValue<number>('response_received_count', 0) ?? 0;
    const items = src.stats.getValue<number>('item_scraped_count', 0) ?? 0;
    const status = src.engine?.status();
    const rates = this.#meter.sample(now, pages, items);
    const line = renderStatus(
      {
        elapsedMs: now - this.#started,
        pages,
        items,
        ...rates,
        inFlight: status?.inFlight ?? 0,
        queued: status?.pending ?? 0,
        errors: src.stats.getValue<number>('log_count/ERROR', 0) ?? 0,
        holdingBack: status?.holdingBack ?? null,
      },
      this.term.columns,
      this.term.color,
    );
    this.#last = line;
    this.out.write(CLEAR_LINE + line);
    this.#shown = true;
  }

  /** Stops redrawing and erases the status line (the final summary is printed instead). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#shown) this.out.write(CLEAR_LINE);
    this.#shown = false;
    this.#source = null;
  }

  /** The last status line drawn (tests). */
  get lastLine(): string {
    return this.#last;
  }

  async close(): Promise<void> {
    if (this.logs !== 'terminal') await this.logs?.close?.();
  }
}
