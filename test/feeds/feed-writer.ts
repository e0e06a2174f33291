// One process writing feeds named after the time, driven by time-names.test.ts over IPC: for each
// trial it waits until the given instant (so that every writer starts in the same second), then
// runs a crawl's feed life cycle (validate, open, 300 items, close) into `dir`.
import { runFeeds, makeCrawler } from './helpers.js';

interface Trial {
  trial: number;
  dir: string;
  writer: number;
  /** Epoch milliseconds at which to start. */
  at: number;
}

process.on('message', (m: Trial | 'exit') => {
  if (m === 'exit') {
    process.disconnect();
    return;
  }
  while (Date.now() < m.at) {
    // Spin: a timer would spread the writers over milliseconds.
  }
  const crawler = makeCrawler({
    FEEDS: {
      [`${m.dir}/%(name)s-%(time)s.json`]: { format: 'json' },
      [`${m.dir}/%(name)s-%(time)s.jsonl`]: { format: 'jsonlines', overwrite: true },
      [`${m.dir}/batches/%(batch_time)s.jsonl`]: { format: 'jsonlines', batchItemCount: 100 },
    },
  });
  const items = Array.from({ length: 300 }, (_, i) => ({ writer: m.writer, i }));
  runFeeds(crawler, items).then(
    () => process.send!({ trial: m.trial, ok: true }),
    (err: unknown) => process.send!({ trial: m.trial, ok: false, error: String((err as Error)?.stack ?? err) }),
  );
});
process.send!('ready');
