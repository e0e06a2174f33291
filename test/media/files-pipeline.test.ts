import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import type { Request } from '../../src/crawler/http/request.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { FilesPipeline, type MediaResult } from '../../src/crawler/pipelines/media/index.js';
import { Spider } from '../../src/crawler/spider.js';
import { startMediaSite, type MediaSite } from './media-site.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');
const quiet = { LOG_LEVEL: 'DEBUG', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, TELNETCONSOLE_ENABLED: false };

/** A spider whose one page yields `items` (URL paths made absolute on `origin`). */
function itemSpider(origin: string, items: Array<Record<string, unknown>>) {
  return class extends Spider {
    override name = 'media';
    override startUrls = [`${origin}/index`];
    override *parse() {
      for (const it of items) yield structuredClone(it);
    }
  };
}

type FilesItem = { n: number; files: MediaResult[] };

describe('FilesPipeline', { timeout: 60_000 }, () => {
  let site: MediaSite;
  let store: string;
  before(async () => {
    site = await startMediaSite();
    store = mkdtempSync(join(tmpdir(), 'tscrapy-files-'));
    site.routes.set('/index', { body: '<html></html>', headers: { 'content-type': 'text/html' } });
    site.routes.set('/files/a.pdf', { body: 'PDF-A', headers: { 'content-type': 'application/pdf' } });
    site.routes.set('/files/b', { body: 'B body' });
    site.routes.set('/files/moved.pdf', { status: 302, headers: { location: '/files/a.pdf' } });
    site.routes.set('/files/empty.txt', { body: '' });
    site.routes.set('/files/flaky.bin', { body: 'finally', failFirst: 1 });
    site.routes.set('/private/secret.pdf', { body: 'nope' });
    site.routes.set('/robots.txt', { body: 'User-agent: *\nDisallow: /private/\n', headers: { 'content-type': 'text/plain' } });
  });
  after(async () => {
    await site.close();
    rmSync(store, { recursive: true, force: true });
  });

  const settings = (extra: Record<string, unknown> = {}) => ({
    ...quiet,
    ITEM_PIPELINES: { FilesPipeline: 1 },
    FILES_STORE: store,
    ...extra,
  });

  it('stores each file once under full/<sha1 of url><ext>, with Scrapy result entries and stats', async () => {
    const a = `${site.origin}/files/a.pdf`;
    const b = `${site.origin}/files/b`;
    const Sp = itemSpider(site.origin, [
      { n: 1, file_urls: [a, b] },
      { n: 2, file_urls: [a] },
      { n: 3 },
    ]);
    const { items, stats } = await crawl(Sp, { settings: settings(), logSink: new MemorySink() });
    const byN = new Map((items as FilesItem[]).map((i) => [i.n, i]));
    assert.deepEqual(byN.get(1)!.files, [
      { url: a, path: `full/${sha1(a)}.pdf`, checksum: md5('PDF-A'), status: 'downloaded' },
      { url: b, path: `full/${sha1(b)}`, checksum: md5('B body'), status: 'downloaded' },
    ]);
    assert.deepEqual(byN.get(2)!.files, [byN.get(1)!.files[0]]);
    assert.deepEqual(byN.get(3)!.files, []);
    assert.equal(readFileSync(join(store, 'full', `${sha1(a)}.pdf`), 'utf8'), 'PDF-A');
    assert.equal(site.hits.get('/files/a.pdf'), 1, 'a URL named by two items is downloaded once');
    assert.equal(stats.file_count, 2);
    assert.equal(stats['file_status_count/downloaded'], 2);
  });

  it('a second run within FILES_EXPIRES downloads nothing (status uptodate); FILES_EXPIRES=0 downloads again', async () => {
    const a = `${site.origin}/files/a.pdf`;
    const Sp = itemSpider(site.origin, [{ n: 1, file_urls: [a] }]);
    const before = site.hits.get('/files/a.pdf') ?? 0;
    const { items, stats } = await crawl(Sp, { settings: settings(), logSink: new MemorySink() });
    assert.deepEqual((items[0] as FilesItem).files, [{ url: a, path: `full/${sha1(a)}.pdf`, checksum: md5('PDF-A'), status: 'uptodate' }]);
    assert.equal(site.hits.get('/files/a.pdf') ?? 0, before);
    assert.equal(stats['file_status_count/uptodate'], 1);
    const again = await crawl(Sp, { settings: settings({ FILES_EXPIRES: 0 }), logSink: new MemorySink() });
    assert.equal((again.items[0] as FilesItem).files[0]!.status, 'downloaded');
    assert.equal(site.hits.get('/files/a.pdf'), before + 1);
  });

  it('a failed file is an item-level error: logged, left out, the item goes on', async () => {
    const ok = `${site.origin}/files/b`;
    const Sp = itemSpider(site.origin, [
      { n: 1, file_urls: [`${site.origin}/files/missing.pdf`, ok, `${site.origin}/files/empty.txt`, `${site.origin}/files/moved.pdf`, 'http://127.0.0.1:1/refused.pdf'] },
    ]);
    const sink = new MemorySink();
    const { items, stats } = await crawl(Sp, { settings: settings({ FILES_EXPIRES: 0, RETRY_ENABLED: false }), logSink: sink });
    assert.equal(items.length, 1);
    assert.deepEqual((items[0] as FilesItem).files.map((f) => f.url), [ok]);
    const warnings = sink.lines.filter((l) => l.includes('WARNING: FilesPipeline'));
    assert.equal(warnings.length, 4, warnings.join('\n'));
    assert.ok(warnings.some((l) => l.includes('File (code: 404)') && l.includes('missing.pdf')));
    assert.ok(warnings.some((l) => l.includes('File (code: 302)') && l.includes('moved.pdf')), 'redirects are not followed by default');
    assert.ok(warnings.some((l) => l.includes('File (empty-content)')));
    assert.ok(warnings.some((l) => l.includes('refused.pdf')));
    assert.equal(stats.item_scraped_count, 1);
  });

  it('MEDIA_ALLOW_REDIRECTS follows redirects; retries and robots.txt apply to media downloads', async () => {
    const moved = `${site.origin}/files/moved.pdf`;
    const flaky = `${site.origin}/files/flaky.bin`;
    const Sp = itemSpider(site.origin, [{ n: 1, file_urls: [moved, flaky, `${site.origin}/private/secret.pdf`] }]);
    const sink = new MemorySink();
    const { items, stats } = await crawl(Sp, {
      settings: settings({ MEDIA_ALLOW_REDIRECTS: true, ROBOTSTXT_OBEY: true, FILES_EXPIRES: 0 }),
      logSink: sink,
    });
    const files = (items[0] as FilesItem).files;
    assert.deepEqual(files.map((f) => [f.url, f.checksum]), [
      [moved, md5('PDF-A')],
      [flaky, md5('finally')],
    ]);
    assert.equal(site.hits.get('/files/flaky.bin'), 2, 'the 503 was retried through the downloader');
    assert.equal(site.hits.get('/private/secret.pdf'), undefined, 'robots.txt forbids it');
    assert.equal(stats['retry/count'], 1);
    assert.ok(sink.lines.some((l) => l.includes('WARNING: FilesPipeline') && l.includes('secret.pdf')));
  });

  it('filePath() can be overridden; a path escaping the store fails that file only', async () => {
    const b = `${site.origin}/files/b`;
    const a = `${site.origin}/files/a.pdf`;
    class Named extends FilesPipeline {
      override filePath(request: Request): string {
        return request.url.endsWith('/b') ? 'named/b.bin' : '../escape.pdf';
      }
    }
    const Sp = itemSpider(site.origin, [{ n: 1, file_urls: [b, a] }]);
    const sink = new MemorySink();
    const { items } = await crawl(Sp, { settings: settings({ ITEM_PIPELINES: [[Named, 1]], FILES_EXPIRES: 0 }), logSink: sink });
    assert.deepEqual((items[0] as FilesItem).files.map((f) => f.path), ['named/b.bin']);
    assert.equal(readFileSync(join(store, 'named', 'b.bin'), 'utf8'), 'B body');
    assert.ok(!existsSync(join(store, '..', 'escape.pdf')));
    assert.ok(sink.lines.some((l) => l.includes('"../escape.pdf"') && l.includes('relative path')));
  });

  it('FILES_URLS_FIELD / FILES_RESULT_FIELD rename the fields; without FILES_STORE the pipeline is off, with a warning', async () => {
    const b = `${site.origin}/files/b`;
    const Sp = itemSpider(site.origin, [{ n: 1, docs: [b] }]);
    const { items } = await crawl(Sp, { settings: settings({ FILES_URLS_FIELD: 'docs', FILES_RESULT_FIELD: 'stored' }), logSink: new MemorySink() });
    assert.equal((items[0] as { stored: MediaResult[] }).stored[0]!.url, b);
    const sink = new MemorySink();
    const off = await crawl(Sp, { settings: { ...quiet, ITEM_PIPELINES: { FilesPipeline: 1 } }, logSink: sink });
    assert.equal((off.items[0] as Record<string, unknown>).files, undefined);
    assert.ok(sink.lines.some((l) => l.includes('FilesPipeline is disabled: set FILES_STORE')));
  });
});
