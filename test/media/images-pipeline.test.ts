import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { crawl } from '../../src/crawler/crawl.js';
import { MemorySink } from '../../src/crawler/logger.js';
import type { MediaResult } from '../../src/crawler/pipelines/media/index.js';
import { Spider } from '../../src/crawler/spider.js';
import { startMediaSite, type MediaSite } from './media-site.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false };
const root = fileURLToPath(new URL('../..', import.meta.url));

function itemSpider(items: Array<Record<string, unknown>>, origin: string) {
  return class extends Spider {
    override name = 'images';
    override startUrls = [`${origin}/index`];
    override *parse() {
      for (const it of items) yield structuredClone(it);
    }
  };
}

/** A PNG whose header claims `w`×`h` pixels but holds almost no data (a decompression bomb's shape). */
function claimedPng(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0))]);
}

type ImagesItem = { n: number; images: MediaResult[] };

describe('ImagesPipeline', { timeout: 60_000 }, () => {
  let site: MediaSite;
  let store: string;
  before(async () => {
    site = await startMediaSite();
    store = mkdtempSync(join(tmpdir(), 'tscrapy-images-'));
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 10, g: 120, b: 200 } } }).jpeg().toBuffer();
    const clear = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const tiny = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#000' } }).png().toBuffer();
    site.routes.set('/index', { body: '<html></html>', headers: { 'content-type': 'text/html' } });
    site.routes.set('/img/photo.jpg', { body: photo, headers: { 'content-type': 'image/jpeg' } });
    site.routes.set('/img/clear.png', { body: clear, headers: { 'content-type': 'image/png' } });
    site.routes.set('/img/tiny.png', { body: tiny });
    site.routes.set('/img/corrupt.jpg', { body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]) });
    site.routes.set('/img/bomb.png', { body: claimedPng(60_000, 60_000) });
  });
  after(async () => {
    await site.close();
    rmSync(store, { recursive: true, force: true });
  });

  const settings = (extra: Record<string, unknown> = {}) => ({
    ...quiet,
    ITEM_PIPELINES: { ImagesPipeline: 1 },
    IMAGES_STORE: store,
    IMAGES_THUMBS: { small: [50, 50], big: [270, 270], huge: [2000, 2000] },
    IMAGES_MIN_WIDTH: 30,
    IMAGES_MIN_HEIGHT: 30,
    ...extra,
  });

  it('stores a JPEG of every image and its thumbnails; transparency goes white; results as in Scrapy', async () => {
    const photo = `${site.origin}/img/photo.jpg`;
    const clear = `${site.origin}/img/clear.png`;
    const Sp = itemSpider([{ n: 1, image_urls: [photo, clear] }], site.origin);
    const { items, stats } = await crawl(Sp, { settings: settings(), logSink: new MemorySink() });
    const images = (items[0] as ImagesItem).images;
    assert.deepEqual(images.map((i) => [i.url, i.path, i.status]), [
      [photo, `full/${sha1(photo)}.jpg`, 'downloaded'],
      [clear, `full/${sha1(clear)}.jpg`, 'downloaded'],
    ]);
    const full = readFileSync(join(store, images[1]!.path));
    assert.equal(images[1]!.checksum, md5(full), 'the checksum is that of the stored (converted) image');
    const meta = await sharp(full).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['jpeg', 300, 200, 3]);
    const { data } = await sharp(full).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[0]! > 240 && data[1]! > 240 && data[2]! > 240, `a transparent pixel became white, got ${[...data.subarray(0, 3)]}`);
    const size = async (thumb: string, url: string) => {
      const m = await sharp(join(store, 'thumbs', thumb, `${sha1(url)}.jpg`)).metadata();
      return [m.width, m.height];
    };
    assert.deepEqual(await size('small', photo), [50, 38]);
    assert.deepEqual(await size('big', photo), [270, 203]);
    assert.deepEqual(await size('huge', photo), [640, 480], 'thumbnails never enlarge');
    assert.deepEqual(await size('big', clear), [270, 180]);
    assert.equal(stats['file_status_count/downloaded'], 2);
  });

  it('a corrupt, too small or decompression-bomb image fails that image only; the crawl goes on', async () => {
    const photo = `${site.origin}/img/photo.jpg`;
    const Sp = itemSpider(
      [{ n: 1, image_urls: [`${site.origin}/img/corrupt.jpg`, `${site.origin}/img/bomb.png`, `${site.origin}/img/tiny.png`, photo] }, { n: 2, image_urls: [photo] }],
      site.origin,
    );
    const sink = new MemorySink();
    const { items, stats, reason } = await crawl(Sp, { settings: settings({ IMAGES_EXPIRES: 0 }), logSink: sink });
    assert.equal(reason, 'finished');
    assert.deepEqual((items as ImagesItem[]).map((i) => i.images.map((r) => r.url)), [[photo], [photo]]);
    const warnings = sink.lines.filter((l) => l.includes('WARNING: ImagesPipeline'));
    assert.ok(warnings.some((l) => l.includes('Cannot read image') && l.includes('corrupt.jpg')), warnings.join('\n'));
    assert.ok(warnings.some((l) => l.includes('decompression bomb') && l.includes('60000x60000')), warnings.join('\n'));
    assert.ok(warnings.some((l) => l.includes('Image too small (20x20 < 30x30)')), warnings.join('\n'));
    assert.ok(!existsSync(join(store, 'full', `${sha1(`${site.origin}/img/bomb.png`)}.jpg`)));
    assert.equal(stats.item_scraped_count, 2);
  });

  it('a second run within IMAGES_EXPIRES downloads nothing', async () => {
    const photo = `${site.origin}/img/photo.jpg`;
    const hits = site.hits.get('/img/photo.jpg');
    const { items } = await crawl(itemSpider([{ n: 1, image_urls: [photo] }], site.origin), { settings: settings(), logSink: new MemorySink() });
    assert.equal((items[0] as ImagesItem).images[0]!.status, 'uptodate');
    assert.equal(site.hits.get('/img/photo.jpg'), hits);
  });

  it('IMAGES_THUMBS with a bad entry is a clear settings error', async () => {
    const run = crawl(itemSpider([], site.origin), { settings: settings({ IMAGES_THUMBS: { '../x': [10, 10] } }), logSink: new MemorySink() });
    await assert.rejects(Promise.resolve(run), /IMAGES_THUMBS: entry "\.\.\/x"/);
  });

  it('sharp is loaded only when ImagesPipeline is enabled', () => {
    // A data: page: spawnSync blocks this process, so the child must not need the local site.
    const script = (pipeline: string) => `
      import { crawl, Spider } from './src/index.ts';
      class S extends Spider { name = 's'; startUrls = ['data:,page']; *parse() { yield { n: 1 }; } }
      await crawl(S, { settings: { LOG_LEVEL: 'ERROR', ITEM_PIPELINES: { ${pipeline}: 1 }, FILES_STORE: ${JSON.stringify(store)}, IMAGES_STORE: ${JSON.stringify(store)} } });
      const libs = process.report.getReport().sharedObjects.filter((p) => /vips|sharp/.test(p));
      console.log(libs.length);`;
    const loaded = (pipeline: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(pipeline)], { cwd: root, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      return Number(r.stdout.trim());
    };
    assert.equal(loaded('FilesPipeline'), 0);
    assert.ok(loaded('ImagesPipeline') > 0);
  });
});
