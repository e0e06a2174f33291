import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, constants as zlibConstants, deflateSync, gzipSync } from 'node:zlib';
import { crawl } from '../../../src/crawler/crawl.js';
import { DownloadFailedError } from '../../../src/crawler/downloader/errors.js';
import { HttpHandler } from '../../../src/crawler/downloader/handlers/http.js';
import { ConnectionError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import type { Response } from '../../../src/crawler/http/response.js';
import { LEVELS, Logger, MemorySink } from '../../../src/crawler/logger.js';
import { Spider } from '../../../src/crawler/spider.js';
import { onlyMiddlewares, openDownloader, type Harness } from './helpers.js';

// Servers that close the connection right after the body (`Connection: close`): undici then
// finishes the message on the socket's end, which must never find it paused by the handler
// (undici 7 asserts, from a socket event: an uncatchable crash of the whole crawl).

const SIZES = [1_000, 64_000, 325_000, 650_000, 1_500_000, 5_000_000];
const ENCODINGS = ['identity', 'gzip', 'deflate', 'br'] as const;
type Encoding = (typeof ENCODINGS)[number];
/** How the body's end is marked: Content-Length, chunked encoding, or only the close. */
const FRAMINGS = ['content-length', 'chunked', 'close-delimited'] as const;
type Framing = (typeof FRAMINGS)[number];

/** Text that compresses about 4:3, so that compressed bodies stay large. */
function pageOf(size: number): Buffer {
  return Buffer.from(randomBytes(Math.ceil(size * 0.75)).toString('base64').slice(0, size));
}

function encode(body: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'gzip') return gzipSync(body);
  if (encoding === 'deflate') return deflateSync(body);
  // Quality 4: the default (11) takes seconds for 5 MB, and the decoder does not care.
  if (encoding === 'br') return brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } });
  return body;
}

/** Writes `wire` in pieces of up to 64 KiB, the way a busy server would, then ends the socket. */
function sendThenClose(socket: Socket, head: string, wire: Buffer, framing: Framing, complete: boolean): void {
  socket.write(head);
  for (let i = 0; i < wire.length; i += 65_536) {
    const piece = wire.subarray(i, i + 65_536);
    if (framing === 'chunked') socket.write(`${piece.length.toString(16)}\r\n`);
    socket.write(piece);
    if (framing === 'chunked') socket.write('\r\n');
  }
  if (framing === 'chunked' && complete) socket.write('0\r\n\r\n');
  socket.end();
}

describe('responses followed by Connection: close', { timeout: 240_000 }, () => {
  const pages = new Map<number, Buffer>();
  const wires = new Map<string, Buffer>();
  let server: Server;
  let origin: string;
  let h: Harness;

  before(async () => {
    for (const size of SIZES) {
      const page = pageOf(size);
      pages.set(size, page);
      for (const e of ENCODINGS) wires.set(`${e}/${size}`, encode(page, e));
    }
    // GET /<framing>/<encoding>/<size>[/truncated]
    server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', (data) => {
        const path = data.toString('latin1').split(' ')[1]!;
        const [, framing, encoding, size, truncated] = path.split('/') as [string, Framing, Encoding, string, string?];
        const wire = wires.get(`${encoding}/${size}`)!;
        const sent = truncated ? wire.subarray(0, wire.length >> 1) : wire;
        const head =
          'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n' +
          (encoding === 'identity' ? '' : `Content-Encoding: ${encoding}\r\n`) +
          (framing === 'content-length' ? `Content-Length: ${wire.length}\r\n` : framing === 'chunked' ? 'Transfer-Encoding: chunked\r\n' : '') +
          '\r\n';
        sendThenClose(socket, head, sent, framing, !truncated);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await openDownloader({ ...onlyMiddlewares('HttpCompressionMiddleware'), DOWNLOAD_TIMEOUT: 60, DOWNLOAD_MAXSIZE: 0, DOWNLOAD_WARNSIZE: 0 });
  });
  after(async () => {
    await h?.close();
    await new Promise((r) => server.close(r));
  });

  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  for (const framing of FRAMINGS) {
    it(`downloads every body whole (${framing}, plain and compressed, 1 KB to 5 MB)`, async () => {
      for (const encoding of ENCODINGS) {
        for (const size of SIZES) {
          // Several times each: whether the last piece meets a full decoder depends on timing.
          for (let round = 0; round < 3; round++) {
            const r = await h.get(`${origin}/${framing}/${encoding}/${size}`);
            assert.equal(r.body.length, size, `${framing} ${encoding} ${size}: length`);
            assert.equal(sha(r.body), sha(pages.get(size)!), `${framing} ${encoding} ${size}: content`);
          }
        }
      }
    });
  }

  it('fails a body cut short by the close as a ConnectionError, and goes on downloading', async () => {
    for (const encoding of ENCODINGS) {
      for (const size of SIZES.filter((s) => s >= 325_000)) {
        for (const framing of ['content-length', 'chunked'] as const) {
          await assert.rejects(h.get(`${origin}/${framing}/${encoding}/${size}/truncated`), ConnectionError, `${framing} ${encoding} ${size}`);
        }
      }
    }
    const r = await h.get(`${origin}/content-length/gzip/650000`);
    assert.equal(sha(r.body), sha(pages.get(650_000)!));
  });

  it('lets a crawl of such pages finish with every page scraped', async () => {
    const urls = SIZES.flatMap((size) => ENCODINGS.map((e) => `${origin}/content-length/${e}/${size}`));
    class ClosingSite extends Spider {
      override name = 'closing-site';
      override startUrls = urls;
      override *parse(response: Response) {
        yield { url: response.url, length: response.body.length };
      }
    }
    const result = await crawl(ClosingSite, {
      settings: { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, DOWNLOAD_MAXSIZE: 0, DOWNLOAD_WARNSIZE: 0 },
      logSink: new MemorySink(),
    });
    assert.equal(result.reason, 'finished');
    const lengths = new Map((result.items as Array<{ url: string; length: number }>).map((i) => [i.url, i.length]));
    for (const url of urls) assert.equal(lengths.get(url), Number(url.split('/').pop()), url);
  });

  it('turns an unexpected error inside the exchange into a failed request, and goes on', async () => {
    // A log sink that fails on warnings: the warning about the declared size is written from
    // undici's header callback, where nothing of ours may throw.
    const lines: string[] = [];
    const sink = {
      write(line: string, level: number) {
        if (level === LEVELS.WARNING) throw new TypeError('the log is broken');
        lines.push(line);
      },
    };
    const handler = new HttpHandler({ timeout: 30, maxSize: 0, warnSize: 10_000, connectionsPerOrigin: 2, tlsVerify: true, logger: new Logger('test', LEVELS.DEBUG, sink) });
    try {
      await assert.rejects(handler.download(new Request(`${origin}/content-length/identity/64000`)), (e: Error) => {
        assert.ok(e instanceof DownloadFailedError, `${e.name}: ${e.message}`);
        assert.match(e.message, /failed inside tscrapy: the log is broken/);
        return true;
      });
      assert.ok(lines.some((l) => l.includes('Unexpected error downloading')));
      const r = await handler.download(new Request(`${origin}/content-length/identity/1000`));
      assert.equal(r.body.length, 1000);
    } finally {
      await handler.close();
    }
  });
});
