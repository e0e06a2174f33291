/**
 * The entry of a job's child process (forked by spawn.ts): receives the JobSpec over IPC,
 * loads the deployed bundle, runs the crawl, reports live counts every second and a final
 * message, and turns SIGINT/SIGTERM (or the server going away) into a graceful stop.
 *
 * This is the only server file that touches the crawler and the project loader. They are
 * imported dynamically from computed specifiers so that `tsc` type-checks this file on its
 * own contracts (below) even before src/project/load.ts and src/crawler/crawl.ts exist.
 */
import { parseSettingValue } from '../../crawler/settings/settings.js';
import type { ChildMessage, JobSpec, ParentMessage } from './types.js';

/** What src/project/load.ts's `loadProjectModule(bundleFile)` returns (contract). */
interface ProjectModule {
  spiders: Array<{ name: string } & (abstract new (...args: never[]) => unknown)>;
  settings: Record<string, unknown>;
  components: Record<string, unknown>;
}

/** What src/crawler/crawl.ts's `crawl(SpiderClass, opts)` returns (contract). */
interface CrawlRun extends PromiseLike<{ items?: unknown; stats: Record<string, unknown>; reason: string }> {
  stop(reason?: string): unknown;
  stats?: { getValue(key: string): unknown };
}

const LOAD_MODULE = ['..', '..', 'project', 'load.js'].join('/');
const CRAWL_MODULE = ['..', '..', 'crawler', 'crawl.js'].join('/');

function send(msg: ChildMessage): void {
  if (process.connected) process.send?.(msg);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

async function run(spec: JobSpec): Promise<void> {
  const { loadProjectModule } = (await import(LOAD_MODULE)) as { loadProjectModule(file: string): Promise<ProjectModule> };
  const { crawl } = (await import(CRAWL_MODULE)) as {
    crawl(spider: unknown, opts: { settings: Record<string, unknown>; args: Record<string, string>; components: Record<string, unknown> }): CrawlRun;
  };
  const project = await loadProjectModule(spec.bundleFile);
  const Spider = project.spiders.find((s) => s.name === spec.spider);
  if (!Spider) throw new Error(`spider ${spec.spider} is not in ${spec.bundleFile} (it has ${project.spiders.map((s) => s.name).join(', ')})`);
  const settings: Record<string, unknown> = { ...project.settings };
  for (const [k, v] of Object.entries(spec.settings)) settings[k] = typeof v === 'string' ? parseSettingValue(v) : v;
  const crawlRun = crawl(Spider, { settings, args: spec.args, components: project.components });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    crawlRun.stop('shutdown');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop); // the server went away (e.g. kill -9): stop cleanly, JOBDIR saved

  const tick = setInterval(() => {
    const s = crawlRun.stats;
    if (!s) return;
    send({
      type: 'counts',
      items: num(s.getValue('item_scraped_count')),
      pages: num(s.getValue('response_received_count')),
      errors: num(s.getValue('log_count/ERROR')),
    });
  }, 1000);
  try {
    const result = await crawlRun;
    const stats = result.stats ?? {};
    send({ type: 'counts', items: num(stats.item_scraped_count), pages: num(stats.response_received_count), errors: num(stats['log_count/ERROR']) });
    send({ type: 'final', finish_reason: String(stats.finish_reason ?? result.reason), stats, exit_code: 0 });
  } finally {
    clearInterval(tick);
  }
}

process.once('message', (raw: unknown) => {
  const msg = raw as ParentMessage;
  if (msg?.type !== 'start') return;
  run(msg.spec).then(
    () => {
      process.exitCode = 0;
      process.disconnect?.();
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      send({ type: 'final', finish_reason: 'failed', stats: {}, exit_code: 1 });
      process.exitCode = 1;
      process.disconnect?.();
    },
  );
});
