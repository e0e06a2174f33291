// Peak memory of ImagesPipeline: a crawl of N distinct ~200 KB JPEG images (default 1,000), each
// converted and thumbnailed twice into a local IMAGES_STORE. Target (issue 17): peak RSS < 250 MB.
// Usage: node --import tsx bench/media-images.ts [N]
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { crawl, MemorySink, Spider } from '../src/index.js';

const N = Number(process.argv[2] ?? 1000);
const TARGET_BYTES = 200 * 1024;

/** A noisy JPEG (noise does not compress) of about TARGET_BYTES. */
async function sampleImage(): Promise<Buffer> {
  let side = 300;
  for (;;) {
    const raw = randomBytes(side * side * 3);
    const jpeg = await sharp(raw, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
    if (jpeg.length >= TARGET_BYTES) return jpeg;
    side = Math.ceil(side * Math.sqrt(TARGET_BYTES / jpeg.length) * 1.02);
  }
}

const image = await sampleImage();
const server = createServer((req, res) => {
  if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
  else res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length }).end(image);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const store = mkdtempSync(join(tmpdir(), 'tscrapy-bench-images-'));

class Gallery extends Spider {
  override name = 'gallery';
  override startUrls = [`${origin}/`];
  override *parse() {
    for (let i = 0; i < N; i += 10) yield { page: i, image_urls: Array.from({ length: 10 }, (_, k) => `${origin}/img/${i + k}.jpg`) };
  }
}

const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const t0 = performance.now();
try {
  const { stats } = await crawl(Gallery, {
    settings: {
      LOG_LEVEL: 'WARNING',
      LOGSTATS_INTERVAL: 0,
      STATS_DUMP: false,
      ITEM_PIPELINES: { ImagesPipeline: 1 },
      IMAGES_STORE: store,
      IMAGES_THUMBS: { small: [50, 50], big: [270, 270] },
    },
    keepItems: false,
    logSink: new MemorySink(),
  });
  clearInterval(sampler);
  const secs = (performance.now() - t0) / 1000;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(`images: ${stats['file_status_count/downloaded']} of ${N} (${(image.length / 1024).toFixed(0)} KB each) in ${secs.toFixed(1)} s (${(N / secs).toFixed(0)}/s)`);
  console.log(`RSS: before ${mb(rssBefore)} MB, sampled peak ${mb(peak)} MB, process max ${mb(maxRss)} MB (target < 250 MB)`);
} finally {
  server.close();
  rmSync(store, { recursive: true, force: true });
}
