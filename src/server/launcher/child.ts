/**
 * The entry of a job's child process (forked by spawn.ts): receives the JobSpec over IPC,
 * loads the deployed bundle, runs the crawl, reports live counts every second and a final
 * message. The first SIGINT/SIGTERM (or the server going away, even a kill -9 of it) stops
 * gracefully — feeds and JOBDIR are flushed — and a second one forces, like `tscrapy crawl`.
 */
import { crawl } from '../../crawler/crawl.js';
import { crawlOutcome } from '../../crawler/crawl-outcome.js';
import { TscrapyError } from '../../crawler/errors.js';
import { applyHeapGrowingPercent } from '../../crawler/heap.js';
import { FileSink, LEVELS, Logger, StreamSink, type LogSink } from '../../crawler/logger.js';
import { Settings, parseSettingValue } from '../../crawler/settings/settings.js';
import { installShutdownHandlers } from '../../crawler/shutdown.js';
import { getSpider, loadProjectModule } from '../../project/load.js';
import type { ChildMessage, JobSpec, ParentMessage } from './types.js';

// Until the crawl exists (the bundle is still loading), a cancel must not kill the process
// with Node's default SIGINT handling: remember the signals and replay them to the crawl.
const early: NodeJS.Signals[] = [];
const remember = (signal: NodeJS.Signals) => void early.push(signal);
process.on('SIGINT', remember);
process.on('SIGTERM', remember);
// The server can vanish at any moment (kill -9): from then on this job stops gracefully, and
// nothing it does may throw for want of the channel (ERR_IPC_CHANNEL_CLOSED/DISCONNECTED).
let serverGone = false;
process.once('disconnect', () => (serverGone = true));

function send(msg: ChildMessage): void {
  // with a callback, a send on a channel closing meanwhile fails quietly instead of emitting 'error'
  if (process.connected) process.send?.(msg, undefined, undefined, () => {});
}

function disconnect(): void {
  if (process.connected) process.disconnect();
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Runs the job's crawl; resolves to the exit code of the crawl-outcome rule (the CLI's). */
async function run(spec: JobSpec): Promise<number> {
  const project = await loadProjectModule(spec.bundleFile);
  const Spider = getSpider(project, spec.spider);
  // Project settings under the spider's customSettings; the job's settings (setting=K=V,
  // FEEDS, LOG_FILE, JOBDIR) over both, like `-s` on the command line.
  const settings = new Settings(project.settings, 'project');
  for (const [k, v] of Object.entries(spec.settings)) settings.set(k, typeof v === 'string' ? parseSettingValue(v) : v, 'cmdline');
  const run = crawl(Spider, { settings, args: spec.args, components: project.components, keepItems: false });
  // The crawler's settings already include the spider's; the crawl starts on the next turn.
  applyHeapGrowingPercent(run.crawler.settings.getInt('HEAP_GROWING_PERCENT')); // this process is the job's own
  const stats = run.crawler.stats;

  const sink: LogSink = spec.logFile ? new FileSink(spec.logFile) : new StreamSink(process.stderr);
  const jobLogger = new Logger('tscrapy.server.job', LEVELS.INFO, sink);
  let forced = false;
  const stoppable = {
    stop: (reason?: string, force = false) => {
      if (force) forced = true;
      run.crawler.stop(reason, force);
    },
  };
  const removeHandlers = installShutdownHandlers(stoppable, jobLogger);
  process.off('SIGINT', remember);
  process.off('SIGTERM', remember);
  for (const signal of early.splice(0)) process.emit(signal, signal);
  const onDisconnect = () => run.crawler.stop('shutdown'); // the server went away (e.g. kill -9)
  process.on('disconnect', onDisconnect);
  if (serverGone) onDisconnect(); // it went while the bundle was loading

  const counts = () => ({
    items: num(stats.getValue('item_scraped_count')),
    pages: num(stats.getValue('response_received_count')),
    errors: num(stats.getValue('log_count/ERROR')),
  });
  const tick = setInterval(() => send({ type: 'counts', ...counts() }), 1000);
  try {
    const result = await run;
    const reason = String(result.stats.finish_reason ?? result.reason);
    const outcome = crawlOutcome(result.stats, reason, run.crawler.settings.getInt('EXIT_ERROR_THRESHOLD'), forced || result.forced);
    if (outcome.failure) jobLogger.info(`Crawl failed: ${outcome.failure}`);
    send({ type: 'counts', ...counts() });
    send({ type: 'final', finish_reason: reason, stats: result.stats, exit_code: outcome.exitCode, ...(outcome.failure ? { error: outcome.failure } : {}) });
    return outcome.exitCode;
  } finally {
    clearInterval(tick);
    removeHandlers();
    process.off('disconnect', onDisconnect);
    await sink.close?.();
  }
}

process.once('message', (raw: unknown) => {
  const msg = raw as ParentMessage;
  if (msg?.type !== 'start') return;
  run(msg.spec).then(
    (code) => {
      process.exitCode = code;
      disconnect();
    },
    (err: unknown) => {
      // one Scrapy-format line in the job's log (stderr goes there), the stack only when the
      // error is not one of tscrapy's own, whose message already says what to change
      const expected = err instanceof TscrapyError;
      const message = err instanceof Error ? err.message : String(err);
      const detail = err instanceof Error && !expected ? `\n${err.stack ?? ''}` : '';
      new Logger('tscrapy.server.job', LEVELS.INFO, new StreamSink(process.stderr)).log(LEVELS.CRITICAL, `Job failed: ${message}${detail}`);
      send({ type: 'final', finish_reason: 'failed', stats: {}, exit_code: 1, error: message });
      process.exitCode = 1;
      disconnect();
    },
  );
});
