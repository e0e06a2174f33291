import type { CrawlerContext } from '../components.js';
import { NotConfigured } from '../errors.js';
import type { Spider } from '../spider.js';
import { JobDir } from './job-dir.js';

/**
 * Keeps `spider.state` and the stats of a JOBDIR job across runs (Scrapy's SpiderState
 * extension, plus stats): restores both when the crawl starts, saves them at every checkpoint
 * (before the acks they go with are written) and when the spider closes. The final stats of a
 * resumed job cover the whole job: counters continue, `start_time` is the job's first start
 * and `elapsed_time_seconds` adds up the time of every run.
 */
export class SpiderStateExtension {
  readonly #jobdir: JobDir;

  constructor(crawler: CrawlerContext, jobdir: JobDir) {
    this.#jobdir = jobdir;
    const { signals, stats } = crawler;
    const saved = jobdir.saved;
    if (saved) {
      const spider = crawler.spider as Spider | undefined;
      if (spider) spider.state = { ...saved.spiderState };
      for (const [k, v] of Object.entries(saved.stats)) {
        const cur = stats.getValue(k);
        if (typeof v === 'number' && typeof cur === 'number') stats.setValue(k, cur + v);
        else if (cur === undefined) stats.setValue(k, v);
      }
      stats.incValue('jobdir/resumed_count');
    }
    const save = (spider: Spider) => this.#jobdir.saveState(spider.state ?? {}, stats);
    signals.connect('spiderOpened', () => {
      // After CoreStats (connected first): the job started when its first run did.
      if (saved) stats.setValue('start_time', saved.startedAt);
    });
    signals.connect('checkpoint', ({ spider }) => save(spider));
    signals.connect('spiderClosed', ({ spider }) => {
      stats.setValue('elapsed_time_seconds', Math.round(this.#jobdir.elapsedSeconds() * 1000) / 1000);
      return save(spider);
    });
  }

  static fromCrawler(crawler: CrawlerContext): SpiderStateExtension {
    const jobdir = JobDir.forCrawler(crawler);
    if (!jobdir) throw new NotConfigured('JOBDIR not set');
    return new SpiderStateExtension(crawler, jobdir);
  }
}
