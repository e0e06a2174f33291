import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ConnectionError, DownloadTimeoutError, MaxSizeExceededError } from '../../../src/crawler/errors.js';
import { FileNotFoundError, InvalidDataUrlError, UnsupportedSchemeError } from '../../../src/crawler/downloader/errors.js';
import { SYNC_MAX_DECODED } from '../../../src/crawler/downloader/body-decoder.js';
import { Request } from '../../../src/crawler/http/request.js';
import { COMPRESSED_TEXT, startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { onlyMiddlewares, openDownloader, text, type Harness } from './helpers.js';

describe('download handlers', { timeout: 60_000 }, () => {
  let site: FaultSite;
  let h: Harness;
  let dir: string;
  before(async () => {
    site = await startFaultSite();
    h = await openDownloader({ ...onlyMiddlewares('HttpCompressionMiddleware', 'DownloaderStats'), DOWNLOAD_TIMEOUT: 1, DOWNLOAD_MAXSIZE: 100_000 });
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-dl-'));
  });
  after(async () => {
    await h.close();
    await site.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads over http with status, headers and body', async () => {
    const r = await h.get(site.url('/ok'));
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /text\/html/);
    assert.match(text(r), /<p>ok<\/p>/);
    assert.equal(typeof r.meta.download_latency, 'number');
  });

  for (const route of ['/gzip', '/deflate', '/deflate-raw', '/br', '/gzip-br']) {
    it(`decodes ${route} and removes Content-Encoding`, async () => {
      const r = await h.get(site.url(route));
      assert.equal(text(r), COMPRESSED_TEXT);
      assert.equal(r.headers.get('content-encoding'), null);
    });
  }

  it('leaves the body encoded when the request did not accept the encoding', async () => {
    const h2 = await openDownloader(onlyMiddlewares());
    try {
      const r = await h2.get(site.url('/gzip'));
      assert.equal(r.headers.get('content-encoding'), 'gzip');
      assert.equal(r.body[0], 0x1f);
      assert.equal(r.body[1], 0x8b);
    } finally {
      await h2.close();
    }
  });

  it('fails with DownloadTimeoutError after DOWNLOAD_TIMEOUT, and meta.download_timeout overrides it', async () => {
    await assert.rejects(h.get(site.url('/delay/3000')), DownloadTimeoutError);
    await assert.rejects(h.get(new Request(site.url('/delay/800'), { meta: { download_timeout: 0.2 } })), (e: Error) => {
      assert.ok(e instanceof DownloadTimeoutError);
      assert.match(e.message, /0\.2 seconds/);
      return true;
    });
    // A slow drip that lasts longer than the timeout fails too (total time, not idle time).
    await assert.rejects(h.get(new Request(site.url('/slow-drip?chunks=20&interval=50'), { meta: { download_timeout: 0.4 } })), DownloadTimeoutError);
  });

  it('maps dropped, partial and broken responses to ConnectionError (retryable)', async () => {
    for (const path of ['/drop', '/partial', '/broken-chunk']) {
      await assert.rejects(h.get(site.url(path)), ConnectionError, path);
    }
    await assert.rejects(h.get('http://127.0.0.1:1/'), ConnectionError);
  });

  it('enforces DOWNLOAD_MAXSIZE on Content-Length before reading', async () => {
    await assert.rejects(h.get(site.url('/large/200000')), (e: Error) => {
      assert.ok(e instanceof MaxSizeExceededError);
      assert.match(e.message, /expected response size \(200000\)/);
      return true;
    });
  });

  it('enforces DOWNLOAD_MAXSIZE while streaming a body without Content-Length', async () => {
    await assert.rejects(h.get(site.url('/large-chunked/5000000')), MaxSizeExceededError);
    const ok = await h.get(site.url('/large-chunked/50000'));
    assert.equal(ok.body.length, 50000);
  });

  it('stops a gzip bomb at the limit on decoded bytes', async () => {
    const before = process.memoryUsage().arrayBuffers;
    await assert.rejects(h.get(new Request(site.url('/gzip-bomb?mb=64'), { meta: { download_maxsize: 1_000_000 } })), (e: Error) => {
      assert.ok(e instanceof MaxSizeExceededError);
      assert.match(e.message, /decoded/);
      return true;
    });
    // Without Content-Length the body is decoded as a stream, and stops at the limit as well.
    await assert.rejects(h.get(new Request(site.url('/gzip-bomb?mb=64&chunked'), { meta: { download_maxsize: 1_000_000 } })), /received \d+ bytes \(decoded\)/);
    // Far from the 64 MB the bomb would inflate to.
    assert.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024);
  });

  it('inflates bodies past the synchronous cap in the thread pool, with the same limit', async () => {
    assert.ok(3 * 1024 * 1024 > SYNC_MAX_DECODED);
    const big = await h.get(new Request(site.url('/gzip-bomb?mb=3'), { meta: { download_maxsize: 8_000_000 } }));
    assert.equal(big.body.length, 3 * 1024 * 1024);
    assert.ok(big.body.every((b) => b === 0));
    await assert.rejects(h.get(new Request(site.url('/gzip-bomb?mb=64'), { meta: { download_maxsize: 8_000_000 } })), (e: Error) => {
      assert.ok(e instanceof MaxSizeExceededError, String(e));
      assert.match(e.message, /more than 8000000 bytes once decoded/);
      return true;
    });
  });

  it('warns once when a body passes DOWNLOAD_WARNSIZE', async () => {
    const h2 = await openDownloader({ ...onlyMiddlewares('HttpCompressionMiddleware'), DOWNLOAD_WARNSIZE: 1000 });
    try {
      await h2.get(site.url('/large-chunked/300000'));
      await h2.get(site.url('/gzip'));
      const warnings = h2.sink.lines.filter((l) => l.includes('WARNING') && l.includes('warn size'));
      assert.equal(warnings.length, 2, warnings.join('\n'));
    } finally {
      await h2.close();
    }
  });

  it('serves data: URLs, base64 and percent-encoded, with their media type', async () => {
    const a = await h.get('data:text/html;charset=utf-8;base64,' + Buffer.from('<b>hé</b>').toString('base64'));
    assert.equal(a.headers.get('content-type'), 'text/html;charset=utf-8');
    assert.equal(text(a), '<b>hé</b>');
    const b = await h.get('data:,Hello%2C%20World%21');
    assert.equal(b.headers.get('content-type'), 'text/plain;charset=US-ASCII');
    assert.equal(text(b), 'Hello, World!');
    const c = await h.get('data:application/octet-stream,%FF%00');
    assert.deepEqual([...c.body], [0xff, 0x00]);
    await assert.rejects(h.get('data:text/plain;base64,@@@'), InvalidDataUrlError);
  });

  it('serves file: URLs and fails with FileNotFoundError when missing', async () => {
    const file = join(dir, 'page.html');
    await writeFile(file, '<p>from disk</p>');
    const r = await h.get(pathToFileURL(file).href);
    assert.equal(r.status, 200);
    assert.equal(text(r), '<p>from disk</p>');
    assert.equal(r.headers.get('content-type'), 'text/html');
    await assert.rejects(h.get(pathToFileURL(join(dir, 'missing.html')).href), FileNotFoundError);
  });

  it('rejects unsupported schemes clearly', async () => {
    await assert.rejects(h.get('ftp://127.0.0.1/x'), UnsupportedSchemeError);
  });

  it('counts downloader stats', async () => {
    const s = h.stats.getStats();
    assert.ok((s['downloader/request_count'] as number) > 5);
    assert.ok((s['downloader/response_status_count/200'] as number) > 3);
    assert.ok((s['downloader/request_method_count/GET'] as number) > 3);
    assert.ok((s['downloader/response_bytes'] as number) > 0);
    assert.ok((s['downloader/request_bytes'] as number) > 0);
    assert.ok((s['downloader/exception_type_count/DownloadTimeoutError'] as number) >= 2);
    assert.ok((s['downloader/exception_count'] as number) >= 5);
    assert.ok((s['httpcompression/response_count'] as number) >= 5);
  });
});
