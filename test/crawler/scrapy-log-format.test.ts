// Crawl logs in Scrapy's format, read the way LogParser 0.8.4 (and ScrapydWeb's job stats)
// read them: the line prefix, the periodic LogStats lines, `Dumping Scrapy stats:` with a
// Python dict, `Spider closed (finished)`. See test/support/logparser.ts for the port.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { pformat, pyRepr } from '../../src/crawler/python-repr.js';
import { startCatalogueSite, type CatalogueSite } from '../../src/demo/catalogue-site.js';
import { CatalogueSpider } from '../../src/demo/catalogue-spider.js';
import { tempDir } from '../server/helpers.js';
import { logparserParse, parseCrawlerStats } from '../support/logparser.js';

let site: CatalogueSite;
let dir: string;
before(async () => {
  site = await startCatalogueSite({ products: 20, productBytes: 400 });
  dir = tempDir('tscrapy-logformat-');
});
after(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Scrapy log format (LogParser)', { timeout: 60_000 }, () => {
  it('LogParser reads pages, items, finish reason, LogStats lines and the whole stats dump from a LOG_FILE', async () => {
    const logFile = join(dir, 'crawl.log');
    // LOGSTATS_INTERVAL small so the periodic line appears; the final stats do not depend on it
    const { stats } = await crawl(CatalogueSpider, { args: { startUrl: `${site.origin}/` }, settings: { LOG_FILE: logFile, LOGSTATS_INTERVAL: 0.05 } });
    const log = readFileSync(logFile, 'utf8');
    // Scrapy's LOG_FORMAT and LOG_DATEFORMAT: '%(asctime)s [%(name)s] %(levelname)s: %(message)s'
    for (const line of log.split('\n').filter((l) => /^\d{4}-/.test(l))) {
      assert.match(line, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[[\w.-]+\] (DEBUG|INFO|WARNING|ERROR|CRITICAL): /, line);
    }
    assert.match(log, /INFO: Spider closed \(finished\)\n$/);
    const parsed = logparserParse(log);
    assert.equal(parsed.finish_reason, 'finished');
    assert.equal(parsed.pages, stats.response_received_count);
    assert.equal(parsed.items, stats.item_scraped_count);
    assert.equal(parsed.items, site.expectedProductIds().length);
    assert.ok(parsed.datas.length >= 1, 'at least the LogStats line at spider open');
    assert.ok(!('json_loads_error' in parsed.crawler_stats), String(parsed.crawler_stats.json_loads_error));
    // the dump itself and "Spider closed" are INFO lines logged after it, as in Scrapy
    const expected = { ...stats, 'log_count/INFO': (stats['log_count/INFO'] as number) - 2 };
    assert.deepEqual(parsed.crawler_stats, expected);
  });

  it('prints values as Python repr, sorted and wrapped like pprint, and LogParser turns them back', () => {
    assert.equal(pyRepr({ b: 1, a: 'x', c: null, d: true, e: 1.5, f: "it's" }), `{'a': 'x', 'b': 1, 'c': None, 'd': True, 'e': 1.5, 'f': "it's"}`);
    assert.equal(pyRepr('a\\b\n\'"'), `'a\\\\b\\n\\'"'`);
    const stats = { 'log_count/INFO': 12, finish_reason: 'finished', start_time: '2026-01-01T00:00:00.000Z', 'downloader/response_status_count/200': 21, nothing: null, nested: { k: 1 } };
    const text = pformat(stats);
    assert.equal(
      text,
      `{'downloader/response_status_count/200': 21,\n 'finish_reason': 'finished',\n 'log_count/INFO': 12,\n 'nested': {'k': 1},\n 'nothing': None,\n 'start_time': '2026-01-01T00:00:00.000Z'}`,
    );
    assert.deepEqual(parseCrawlerStats(text), stats);
    assert.equal(pformat({ a: 1 }), `{'a': 1}`); // fits on one line: stays on one line
  });
});
