import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { startLocalFtp, type LocalFtp } from '../media/ftp-server.js';
import { errors, makeCrawler, runFeeds, tempDir } from './helpers.js';

const items = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ i: from + i }));
const ids = (text: string) => text.trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i);

describe('FEEDS to ftp:// (a local FTP server)', { timeout: 60_000 }, () => {
  let ftp: LocalFtp;
  let spool: { dir: string; cleanup: () => void };
  before(async () => {
    ftp = await startLocalFtp();
    spool = tempDir();
  });
  after(async () => {
    await ftp.close();
    spool.cleanup();
  });

  it('batches land in folders created as needed; overwrite replaces, append (-o) appends', async () => {
    const crawler = makeCrawler({ FEED_TEMPDIR: spool.dir, FEEDS: { [`${ftp.origin}/out/deep/part-%(batch_id)d.jsonl`]: { format: 'jsonl', overwrite: true } }, FEED_EXPORT_BATCH_ITEM_COUNT: 3 });
    await runFeeds(crawler, items(7));
    assert.deepEqual(errors(crawler), []);
    assert.deepEqual([1, 2, 3].map((b) => ids(readFileSync(join(ftp.root, 'out', 'deep', `part-${b}.jsonl`), 'utf8'))), [[0, 1, 2], [3, 4, 5], [6]]);
    for (const from of [0, 2]) {
      const c = makeCrawler({ FEED_TEMPDIR: spool.dir, FEEDS: { [`${ftp.origin}/append.jsonl`]: { format: 'jsonl', overwrite: false } } });
      await runFeeds(c, items(2, from));
      assert.deepEqual(errors(c), []);
    }
    assert.deepEqual(ids(readFileSync(join(ftp.root, 'append.jsonl'), 'utf8')), [0, 1, 2, 3]);
  });

  it('a refused login keeps the feed locally, named in the log; the password is never printed', async () => {
    const uri = `ftp://${ftp.user}:Wrong-Pass-77@127.0.0.1:${ftp.port}/denied.jsonl`;
    class S extends Spider {
      override name = 's';
      override startUrls = ['data:,x'];
      override *parse() {
        yield* items(3);
      }
    }
    const sink = new MemorySink();
    const { stats } = await crawl(S, { settings: { LOG_LEVEL: 'DEBUG', FEED_TEMPDIR: spool.dir, FEEDS: { [uri]: { format: 'jsonl' } } }, logSink: sink });
    const log = sink.lines.join('\n');
    assert.ok(!log.includes('Wrong-Pass-77'), log.split('\n').filter((l) => l.includes('Wrong-Pass-77')).join('\n'));
    const path = /kept in (\S+)$/m.exec(log)?.[1];
    assert.ok(path, log);
    assert.deepEqual(ids(readFileSync(path, 'utf8')), [0, 1, 2]);
    assert.match(log, /ERROR: Feed ftp:\/\/crawler:\*\*\*\*@127\.0\.0\.1:\d+\/denied\.jsonl: could not upload/);
    assert.equal(stats['feedexport/failed_count'], 1);
  });
});

describe('FTP feed URIs in errors', () => {
  it('a configuration error names the feed with its password masked', async () => {
    const { FeedExporter } = await import('../../src/feeds/index.js');
    assert.throws(
      () => FeedExporter.fromCrawler(makeCrawler({ FEEDS: { 'ftp://u:Hidden-Pw-5@127.0.0.1:1/%(nope)s.jsonl': {} } })),
      (err: Error) => /Feed "ftp:\/\/u:\*\*\*\*@127\.0\.0\.1:1\/.*unknown placeholder %\(nope\)s/.test(err.message) && !err.message.includes('Hidden-Pw-5'),
    );
  });
});
