import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliResult } from '../cli/helpers.js';

/** Processes started together in each round of the concurrent-* tests: overlapping cron runs, workers of one spider file. */
export const PROCESSES = 8;
export const ROUNDS = 20;

/**
 * Three pages; each response carries a serial number in a header and in its body, so a response
 * pieced together from two writes of the HTTP cache shows up as an item whose two differ.
 */
export async function startTinySite(): Promise<{ origin: string; close: () => Promise<void> }> {
  let serial = 0;
  const server: Server = createServer((req, res) => {
    serial++;
    const links = req.url === '/' ? '<a href="/p/1">1</a> <a href="/p/2">2</a>' : '';
    res.writeHead(req.url === '/' || req.url === '/p/1' || req.url === '/p/2' ? 200 : 404, { 'content-type': 'text/html', 'x-serial': String(serial) });
    res.end(`<html><body><b id="serial">${serial}</b>${links}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A spider that differs in each round (a new bundle, so a new cache entry) and says which round it is. */
export function spiderSource(round: number): string {
  return `import { Spider, Request, type Response } from 'tscrapy';
export class TinySpider extends Spider {
  override name = 'tiny';
  readonly round = ${round};
  declare startUrl: string;
  override async *start() {
    yield new Request(this.startUrl);
  }
  override *parse(response: Response) {
    yield { round: this.round, url: response.url, header: response.headers.get('x-serial'), body: response.css('#serial::text').get() };
    yield* response.followAll(response.css('a'));
  }
}
`;
}

interface TinyItem {
  round: number;
  url: string;
  header: string;
  body: string;
}

/** Asserts that one process started, crawled the three pages and finished. */
export function assertFinished(r: CliResult, round: number, which: string): void {
  const context = `round ${round}, ${which}: exit ${r.code} ${r.signal ?? ''}\n${r.stderr.slice(-3000)}`;
  assert.equal(r.code, 0, context);
  const items = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as TinyItem);
  assert.equal(items.length, 3, context);
  for (const item of items) {
    assert.equal(item.round, round, context);
    assert.equal(item.header, item.body, `a response mixes two cache writes: ${JSON.stringify(item)}; ${context}`);
  }
}

