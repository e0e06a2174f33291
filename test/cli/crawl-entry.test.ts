import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selfSignedCert, startLocalProxy, type LocalProxy } from '../crawler/downloader/local-proxy.js';
import { runCli, tempTree } from './helpers.js';

/**
 * A spider that reports, in its items, whether the objects the crawler made (the response, its
 * selector lists, the request `follow` made) are instances of the classes it imported from
 * `tscrapy`, and whether the crawler calling it ran from the pre-bundled crawl entry (its frames
 * are in dist/bundled/). Two pages: the second is reached only if the engine took the spider's
 * `follow` output for a request.
 */
const SPIDER = `import { Request, Response, Selector, SelectorList, Spider } from 'tscrapy';

export class TwoPages extends Spider {
  override name = 'two';
  declare startUrl: string;
  override async *start() {
    yield new Request(this.startUrl);
  }
  override *parse(response: Response) {
    yield this.report(response);
    const next = response.follow(response.css('a::attr(href)').get()!, { callback: this.parseNext });
    if (next instanceof Request) yield next;
  }
  parseNext(response: Response) {
    return [this.report(response)];
  }
  report(response: Response) {
    const links = response.css('a, title');
    return {
      url: response.url,
      response: response instanceof Response,
      selectorList: links instanceof SelectorList,
      selector: links.length > 0 && links.every((s) => s instanceof Selector),
      bundled: /dist\\/bundled\\//.test(new Error().stack ?? ''),
    };
  }
}
`;

interface Report {
  url: string;
  response: boolean;
  selectorList: boolean;
  selector: boolean;
  bundled: boolean;
}

function reports(stdout: string): Report[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Report)
    .sort((a, b) => a.url.localeCompare(b.url));
}

describe('crawl and runspider start from the pre-bundled crawl entry', { timeout: 120_000 }, () => {
  let server: Server;
  let origin: string;
  let tree: Awaited<ReturnType<typeof tempTree>>;

  before(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(req.url === '/' ? '<title>one</title><a href="/next">next</a>' : '<title>two</title>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tree = await tempTree({
      'two.ts': SPIDER,
      'project/scrapy.cfg': '[settings]\ndefault = two.settings\n',
      'project/src/settings.ts': "export const BOT_NAME = 'two';\n",
      'project/src/spiders/two.ts': SPIDER,
    });
  });
  after(async () => {
    server.close();
    await tree.cleanup();
  });

  const expected = (): Report[] => [
    { url: `${origin}/`, response: true, selectorList: true, selector: true, bundled: true },
    { url: `${origin}/next`, response: true, selectorList: true, selector: true, bundled: true },
  ];

  it('runspider: the spider gets the classes of the crawler that runs it', async () => {
    const r = await runCli(['runspider', 'two.ts', '-a', `startUrl=${origin}/`, '-o', '-:jsonl', '--nolog'], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(reports(r.stdout), expected());
  });

  it('crawl: the same for a project spider', async () => {
    const r = await runCli(['crawl', 'two', '-a', `startUrl=${origin}/`, '-o', '-:jsonl', '--nolog'], `${tree.dir}/project`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(reports(r.stdout), expected());
  });

  it('runspider --help is the usual oclif help; a flag error is oclif\'s message with exit 2', async () => {
    const help = await runCli(['runspider', '--help'], tree.dir);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Run a spider from a single \.ts or \.js file/);
    assert.match(help.stdout, /USAGE\n {2}\$ tscrapy runspider FILE/);
    const bad = await runCli(['runspider', 'two.ts', '--no-such-flag'], tree.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Error: Nonexistent flag: --no-such-flag\n.*See more help with --help\n\nUSAGE/);
  });
});

/**
 * The bundle carries only undici's Agent and ProxyAgent (scripts/bundle.js), with the request API
 * undici's index gives every dispatcher: a tunnel through a proxy (CONNECT) needs it. Through
 * the CLI, since tests of the downloader itself run from the sources.
 */
const PROXIED = `import { Request, Spider, type Response } from 'tscrapy';

export class Proxied extends Spider {
  override name = 'proxied';
  declare urls: string;
  declare proxy: string;
  override async *start() {
    for (const url of this.urls.split(' ')) yield new Request(url, { meta: { proxy: this.proxy } });
  }
  override parse(response: Response) {
    return [{ url: response.url, status: response.status, body: response.text }];
  }
}
`;

describe('the crawl entry downloads through proxies', { timeout: 120_000 }, () => {
  let http: Server;
  let https: Server;
  let proxy: LocalProxy;
  let tree: Awaited<ReturnType<typeof tempTree>>;

  before(async () => {
    tree = await tempTree({ 'proxied.ts': PROXIED });
    const { key, cert } = selfSignedCert(tree.dir);
    const handler = (req: { url?: string }, res: import('node:http').ServerResponse) => res.end(`hello ${req.url}`);
    http = createServer(handler);
    https = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, handler);
    await Promise.all([http, https].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    proxy = await startLocalProxy();
  });
  after(async () => {
    await proxy.close();
    for (const s of [http, https]) {
      s.closeAllConnections();
      s.close();
    }
    await tree.cleanup();
  });

  it('http through the proxy, and https tunnelled with CONNECT', async () => {
    const plain = `http://127.0.0.1:${(http.address() as AddressInfo).port}/plain`;
    const hostPort = `127.0.0.1:${(https.address() as AddressInfo).port}`;
    const secure = `https://${hostPort}/secure`;
    const r = await runCli(
      ['runspider', join(tree.dir, 'proxied.ts'), '-a', `urls=${plain} ${secure}`, '-a', `proxy=${proxy.url}`, '-s', 'DOWNLOAD_TLS_VERIFY=false', '-o', '-:jsonl', '--nolog'],
      tree.dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const items = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { url: string; status: number; body: string });
    assert.deepEqual(items.sort((a, b) => a.url.localeCompare(b.url)), [
      { url: plain, status: 200, body: 'hello /plain' },
      { url: secure, status: 200, body: 'hello /secure' },
    ]);
    assert.deepEqual(proxy.seen.map((s) => `${s.kind} ${s.target}`).sort(), [`connect ${hostPort}`, `http ${plain}`]);
  });
});
