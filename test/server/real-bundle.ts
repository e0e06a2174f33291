// A real deploy bundle (one spider that imports tscrapy) and a local site for it to crawl,
// for tests whose jobs run in the real job child (src/server/launcher/child.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { packArchive } from '../../src/project/archive.js';

const SPIDER = `import { Request, Spider } from 'tscrapy';
export class Alpha extends Spider {
  name = 'alpha';
  async *start() {
    yield new Request(this.start_url);
  }
  *parse(response) {
    yield { url: response.url, title: response.css('title::text').get() };
    const next = response.css('a::attr(href)').get();
    if (next) yield response.follow(next);
  }
}
export const spiders = [Alpha];
export const settings = { LOG_LEVEL: 'INFO' };
export const components = {};
`;

/** A bundle of project `project` with the spider `alpha`: one item per page, following the page's first link. */
export async function realBundle(project: string, version: string): Promise<Buffer> {
  const map = Buffer.from(JSON.stringify({ version: 3, sources: [], names: [], mappings: '' }));
  return (await packArchive({ project, version, spiders: ['alpha'], settingsModule: 'settings', code: Buffer.from(SPIDER), map })).archive;
}

/** A site whose pages link on to the next (`/p1` → `/p2` … up to `pages`), each answered after `delayMs`. */
export async function site(pages = 1, delayMs = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const n = Number(/\/p(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html><title>page ${req.url}</title>${n > 0 && n < pages ? `<a href="/p${n + 1}">next</a>` : ''}</html>`);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}
