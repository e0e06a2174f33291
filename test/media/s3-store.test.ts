import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { crawl } from '../../src/crawler/crawl.js';
import { MemorySink } from '../../src/crawler/logger.js';
import type { MediaResult } from '../../src/crawler/pipelines/media/index.js';
import { Settings } from '../../src/crawler/settings/settings.js';
import { Spider } from '../../src/crawler/spider.js';
import { createS3Client } from '../../src/feeds/storages/index.js';
import { startMediaSite, type MediaSite } from './media-site.js';
import { startLocalS3, type LocalS3 } from './s3-server.js';

/** Images on the local site: the 500 of issue 17's Done-when. */
const IMAGES = 500;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

describe('ImagesPipeline with IMAGES_STORE = s3://bucket/prefix (local S3-compatible server)', { timeout: 300_000 }, () => {
  let site: MediaSite;
  let s3: LocalS3;
  let client: S3Client;
  before(async () => {
    site = await startMediaSite();
    s3 = await startLocalS3();
    client = await createS3Client(new Settings(s3.settings));
    site.routes.set('/index', { body: '<html></html>', headers: { 'content-type': 'text/html' } });
    for (let i = 0; i < IMAGES; i++) {
      const png = await sharp({ create: { width: 120, height: 90, channels: 3, background: { r: i % 256, g: 40, b: 90 } } }).png().toBuffer();
      site.routes.set(`/img/${i}.png`, { body: png, headers: { 'content-type': 'image/png' } });
    }
  });
  after(async () => {
    client.destroy();
    await site.close();
    await s3.close();
  });

  class Gallery extends Spider {
    override name = 'gallery';
    override startUrls = [`${site.origin}/index`];
    override *parse() {
      // Ten images per item, each image in two items: every URL must still be fetched once.
      for (let i = 0; i < IMAGES; i += 5) {
        yield { page: i, image_urls: Array.from({ length: 10 }, (_, k) => `${site.origin}/img/${(i + k) % IMAGES}.png`) };
      }
    }
  }
  const settings = () => ({
    ...s3.settings,
    LOG_LEVEL: 'INFO',
    LOGSTATS_INTERVAL: 0,
    STATS_DUMP: false,
    ITEM_PIPELINES: { ImagesPipeline: 1 },
    IMAGES_STORE: 's3://bucket/media',
    IMAGES_THUMBS: { small: [50, 50], big: [100, 100] },
  });
  /** Keys under media/, listed per folder: each holds < 1000 keys (s3rver fails on continuation tokens). */
  const listAll = async () => {
    const out: string[] = [];
    for (const prefix of ['media/full/', 'media/thumbs/small/', 'media/thumbs/big/']) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
      assert.ok(!page.IsTruncated);
      out.push(...(page.Contents ?? []).map((o) => o.Key!));
    }
    return out;
  };

  it('stores every image and two thumbnail sizes in the bucket; a second run within IMAGES_EXPIRES downloads nothing', async () => {
    const first = await crawl(Gallery, { settings: settings(), logSink: new MemorySink() });
    const items = first.items as Array<{ images: MediaResult[] }>;
    assert.equal(items.length, IMAGES / 5);
    assert.ok(items.every((it) => it.images.length === 10));
    assert.equal(first.stats['file_status_count/downloaded'], IMAGES);
    const keys = new Set(await listAll());
    assert.equal(keys.size, IMAGES * 3);
    const url0 = `${site.origin}/img/0.png`;
    for (const p of [`full/${sha1(url0)}.jpg`, `thumbs/small/${sha1(url0)}.jpg`, `thumbs/big/${sha1(url0)}.jpg`]) assert.ok(keys.has(`media/${p}`), p);
    const entry = items[0]!.images[0]!;
    assert.deepEqual([entry.url, entry.path, entry.status], [url0, `full/${sha1(url0)}.jpg`, 'downloaded']);
    const stored = await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `media/${entry.path}` }))).Body!.transformToByteArray();
    assert.equal(entry.checksum, md5(stored));
    assert.equal((await sharp(stored).metadata()).format, 'jpeg');
    const small = await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `media/thumbs/small/${sha1(url0)}.jpg` }))).Body!.transformToByteArray();
    assert.deepEqual([(await sharp(small).metadata()).width, (await sharp(small).metadata()).height], [50, 38]);
    assert.ok([...site.hits].filter(([p]) => p.startsWith('/img/')).every(([, n]) => n === 1), 'each image downloaded once');

    const second = await crawl(Gallery, { settings: settings(), logSink: new MemorySink() });
    assert.equal(second.stats['file_status_count/uptodate'], IMAGES);
    assert.equal(second.stats['file_status_count/downloaded'], undefined);
    assert.ok([...site.hits].filter(([p]) => p.startsWith('/img/')).every(([, n]) => n === 1), 'nothing downloaded again');
    const again = (second.items as Array<{ images: MediaResult[] }>)[0]!.images[0]!;
    assert.deepEqual(again, { ...entry, status: 'uptodate' });
  });

  it('an unreachable store fails each file, not the crawl; a bad store URI is a clear error', async () => {
    const sink = new MemorySink();
    const { items, reason } = await crawl(Gallery, { settings: { ...settings(), AWS_ENDPOINT_URL: 'http://127.0.0.1:1', IMAGES_EXPIRES: 0 }, logSink: sink });
    assert.equal(reason, 'finished');
    assert.ok((items as Array<{ images: MediaResult[] }>).every((it) => it.images.length === 0));
    assert.ok(sink.lines.some((l) => l.includes('WARNING: ImagesPipeline') && l.includes('could not store')));
    await assert.rejects(Promise.resolve(crawl(Gallery, { settings: { ...settings(), IMAGES_STORE: 'gs://bucket/x' }, logSink: new MemorySink() })), /IMAGES_STORE: unsupported store "gs:\/\/"; use a folder path/);
  });
});
