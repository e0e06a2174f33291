import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { MemorySink } from '../../src/crawler/logger.js';
import type { MediaResult } from '../../src/crawler/pipelines/media/index.js';
import { Spider } from '../../src/crawler/spider.js';
import { startLocalFtp, type LocalFtp } from './ftp-server.js';
import { startMediaSite, type MediaSite } from './media-site.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('FilesPipeline with FILES_STORE = ftp://user:password@host/folder (local FTP server)', { timeout: 60_000 }, () => {
  let site: MediaSite;
  let ftp: LocalFtp;
  before(async () => {
    site = await startMediaSite();
    ftp = await startLocalFtp();
    site.routes.set('/index', { body: '<html></html>', headers: { 'content-type': 'text/html' } });
    for (let i = 0; i < 6; i++) site.routes.set(`/doc/${i}.pdf`, { body: `document ${i}` });
  });
  after(async () => {
    await site.close();
    await ftp.close();
  });

  it('stores files under the folder; a second run finds them fresh (MDTM) with the same checksum; the password is never printed', async () => {
    class Docs extends Spider {
      override name = 'docs';
      override startUrls = [`${site.origin}/index`];
      override *parse() {
        yield { file_urls: [0, 1, 2].map((i) => `${site.origin}/doc/${i}.pdf`) };
        yield { file_urls: [2, 3, 4, 5].map((i) => `${site.origin}/doc/${i}.pdf`) };
      }
    }
    const settings = { LOG_LEVEL: 'DEBUG', LOGSTATS_INTERVAL: 0, ITEM_PIPELINES: { FilesPipeline: 1 }, FILES_STORE: `${ftp.origin}/media/files` };
    const sink = new MemorySink();
    const first = await crawl(Docs, { settings, logSink: sink });
    const url0 = `${site.origin}/doc/0.pdf`;
    const files = (first.items as Array<{ files: MediaResult[] }>).flatMap((i) => i.files);
    assert.equal(files.length, 7);
    assert.deepEqual(files[0], { url: url0, path: `full/${sha1(url0)}.pdf`, checksum: md5('document 0'), status: 'downloaded' });
    assert.equal(readFileSync(join(ftp.root, 'media', 'files', 'full', `${sha1(url0)}.pdf`), 'utf8'), 'document 0');
    assert.equal(first.stats['file_status_count/downloaded'], 6);
    assert.ok(!sink.lines.join('\n').includes(ftp.password));

    const second = await crawl(Docs, { settings, logSink: new MemorySink() });
    assert.equal(second.stats['file_status_count/uptodate'], 6);
    assert.deepEqual((second.items as Array<{ files: MediaResult[] }>)[0]!.files[0], { ...files[0], status: 'uptodate' });
    assert.ok([...site.hits].filter(([p]) => p.startsWith('/doc/')).every(([, n]) => n === 1));
  });
});
