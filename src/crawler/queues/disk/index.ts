import type { CrawlerContext } from '../../components.js';
import { JobDir } from '../../jobdir/job-dir.js';
import { DiskDupeFilter } from './disk-dupefilter.js';
import { DiskQueue } from './disk-queue.js';
import { DiskStore } from './disk-store.js';

export { DiskDupeFilter } from './disk-dupefilter.js';
export { DiskQueue, isStartTracker, type StartTracker, type DiskQueueOptions } from './disk-queue.js';
export { DiskStore, type DiskStoreOptions, type StartProgress } from './disk-store.js';

/** The JOBDIR backend: a disk queue and dupefilter sharing one store, committed at `checkpoint`s. */
export function createDiskBackend(crawler: CrawlerContext, jobdir: JobDir, lifo: boolean) {
  const logger = crawler.logger.child('tscrapy.jobdir');
  const store = new DiskStore({
    paths: jobdir.paths,
    lifo,
    logger,
    beforeCommit: () => crawler.signals.sendAsync('checkpoint', { spider: crawler.spider }),
    ran: jobdir.saved !== null,
    durable: jobdir.saved?.queue ?? null,
    repair: crawler.settings.getBool('JOBDIR_REPAIR'),
  });
  jobdir.trackQueue(() => store.durablePosition);
  const items = jobdir.saved?.stats['item_scraped_count'];
  const queue = new DiskQueue({
    store,
    logger,
    stats: crawler.stats,
    debug: crawler.settings.getBool('SCHEDULER_DEBUG'),
    itemsSoFar: typeof items === 'number' ? items : 0,
    resumed: !jobdir.isNew,
  });
  return { kind: 'disk', queue, dupefilter: new DiskDupeFilter(store) };
}
