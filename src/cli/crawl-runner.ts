import { access, constants } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ComponentClass } from '../crawler/components.js';
import type { CrawlResult } from '../crawler/crawler.js';
import { InvalidArgumentError } from '../crawler/errors.js';
import { applyHeapGrowingPercent, checkHeapGrowingPercent } from '../crawler/heap.js';
import { FileSink, type LogSink } from '../crawler/logger.js';
import { Settings } from '../crawler/settings/settings.js';
import type { SpiderClass } from '../crawler/spider.js';
import { crawlOutcome, type CrawlOutcome } from '../crawler/crawl-outcome.js';
import { LiveStatus } from './status-line.js';
import { crawlUnderWay } from './crawl-under-way.js';
import { colorLogLine, terminalInfo } from './terminal.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { makeDir } from '../util/make-dir.js';

/** What `crawl` and `runspider` hand over once they know the spider. */
export interface RunCrawlOptions {
  spiderClass: SpiderClass;
  /** The project's settings module (applied at `project` priority). */
  projectSettings?: Record<string, unknown>;
  /** The command's own defaults (at `command` priority, under the project's). */
  commandSettings?: Record<string, unknown>;
  /** `-s`, `-o`, `--redis`, log flags (at `cmdline` priority, above everything). */
  cliSettings?: Record<string, unknown>;
  /** Spider arguments (`-a`). */
  args?: Record<string, unknown>;
  /** Classes that ITEM_PIPELINES & co. may name (the project's exports). */
  components?: Record<string, ComponentClass>;
  /** Live status line; undefined: when stderr is a terminal. */
  progress?: boolean;
  /** Write the final stats here as JSON. */
  jsonStats?: string;
  /** Receives an item as it is scraped (the bench counts them). */
  onItem?: (item: unknown) => void;
  /** Where progress and (without LOG_FILE) logs go. @default process.stderr */
  stderr?: NodeJS.WriteStream;
}

export interface RunCrawlResult {
  result: CrawlResult;
  outcome: CrawlOutcome;
  settings: Settings;
}

/** Settings at their priorities: command < project < spider (applied by the Crawler) < cmdline. */
export function layeredSettings(o: Pick<RunCrawlOptions, 'commandSettings' | 'projectSettings' | 'cliSettings'>): Settings {
  const settings = new Settings();
  if (o.commandSettings) settings.update(o.commandSettings, 'command');
  if (o.projectSettings) settings.update(o.projectSettings, 'project');
  if (o.cliSettings) settings.update(o.cliSettings, 'cmdline');
  return settings;
}

/** A sink that drops lines (LOG_ENABLED false); the crawler still counts them in log_count/*. */
const NO_LOG: LogSink = { write() {} };

/** A sink writing to a terminal or a pipe, coloured by level when colours are on. */
class StderrSink implements LogSink {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly color: boolean,
  ) {}
  write(line: string, level: number): void {
    this.out.write(colorLogLine(line, level, this.color) + '\n');
  }
}

/**
 * Runs one crawl for the CLI: settings layered with priorities, logs to stderr (or LOG_FILE)
 * with a live status line on a terminal, Ctrl-C/SIGTERM handled (first graceful, second
 * forced), the final stats written to `--json-stats`, and the exit code decided by
 * {@link crawlOutcome}. Never writes to stdout, which may carry a feed (`-o -:jsonl`).
 */
export async function runCrawl(o: RunCrawlOptions): Promise<RunCrawlResult> {
  const [{ Crawler }, { installShutdownHandlers }] = await Promise.all([import('../crawler/crawler.js'), import('../crawler/shutdown.js')]);
  const stderr = o.stderr ?? process.stderr;
  const settings = layeredSettings(o);
  // What the crawl will see, spider settings included, to choose where logs go.
  const effective = settings.copy();
  if (o.spiderClass.customSettings) effective.update(o.spiderClass.customSettings, 'spider');
  const jsonStats = o.jsonStats ? resolve(o.jsonStats) : undefined;
  if (jsonStats) await checkWritable(jsonStats, '--json-stats');
  // This process is the crawl's own: V8's heap is tuned for it (see heap.ts) once the crawl is
  // under way; a bad value fails now, before crawling.
  const heapGrowingPercent = effective.getInt('HEAP_GROWING_PERCENT');
  checkHeapGrowingPercent(heapGrowingPercent);

  const term = terminalInfo(stderr);
  const progress = o.progress ?? term.isTTY;
  const logEnabled = effective.getBool('LOG_ENABLED');
  const logFile = effective.get('LOG_FILE');
  const fileSink = logEnabled && logFile ? new FileSink(String(logFile), effective.getBool('LOG_FILE_APPEND')) : null;
  let live: LiveStatus | null = null;
  let sink: LogSink;
  if (progress) {
    live = new LiveStatus(stderr, term, !logEnabled ? null : fileSink ?? 'terminal');
    sink = live;
  } else {
    sink = !logEnabled ? NO_LOG : fileSink ?? new StderrSink(stderr, term.color);
  }

  const crawler = new Crawler(o.spiderClass, { settings, args: o.args, components: o.components, logSink: sink, keepItems: false });
  let forced = false;
  const removeHandlers = installShutdownHandlers(
    {
      stop: (reason, force) => {
        if (force) forced = true;
        crawler.stop(reason, force);
      },
    },
    crawler.logger,
  );
  // The engine exists once the crawl has opened; the status line reads it from then on.
  if (live) live.start({ stats: crawler.stats, get engine() { return crawler.engine; } });
  // What can wait until the first response rather than stand between the command and its first
  // request: a full collection of V8's heap (≈ 20 ms), and what the process left for then
  // (crawl-under-way.ts). A crawl that ends without a response has no need of the heap's tuning.
  let underWay = false;
  crawler.signals.connect('responseReceived', () => {
    if (underWay) return;
    underWay = true;
    crawlUnderWay();
    applyHeapGrowingPercent(heapGrowingPercent);
  });
  let result: CrawlResult;
  try {
    result = await crawler.crawl(o.onItem);
  } finally {
    removeHandlers();
    live?.stop();
    if (!underWay) crawlUnderWay();
  }
  const outcome = crawlOutcome(result.stats, result.reason, crawler.settings.getInt('EXIT_ERROR_THRESHOLD', 0), forced);
  // Renamed into place: a dashboard reading it, or another run writing it, never sees half a file.
  if (jsonStats) await writeFileAtomic(jsonStats, JSON.stringify(result.stats, null, 2) + '\n');
  if (logEnabled) {
    const s = result.stats;
    const secs = Number(s.elapsed_time_seconds ?? 0);
    stderr.write(
      `Crawled ${Number(s.response_received_count ?? 0)} pages, scraped ${Number(s.item_scraped_count ?? 0)} items in ${secs.toFixed(1)} s (${result.reason}).\n`,
    );
  }
  return { result, outcome, settings: crawler.settings };
}

/** Fails before the crawl when `file` cannot be written, naming the flag. */
async function checkWritable(file: string, flag: string): Promise<void> {
  const dir = dirname(file);
  try {
    await makeDir(dir);
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new InvalidArgumentError(`${flag} ${file}: the folder ${dir} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
