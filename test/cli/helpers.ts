import type { ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, type ProcessResult } from '../support/process.js';

/** The built CLI (npm test builds first). */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export type CliResult = ProcessResult;

export interface CliOptions {
  env?: Record<string, string>;
  input?: string;
  /** Killed after this many ms. @default 25000 */
  timeoutMs?: number;
  /** Called with the child once it is running (to signal it). */
  onSpawn?: (child: ChildProcess, output: { stdout: () => string; stderr: () => string }) => void;
}

/** Runs `tscrapy ARGS` in `cwd` as a child process with a clean environment (no colours, fake HOME). */
export function runCli(args: string[], cwd: string, o: CliOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, TSCRAPY_NO_KEYCHAIN: '1', NO_COLOR: '1', OCLIF_COLUMNS: '1000', ...o.env },
    input: o.input,
    timeoutMs: o.timeoutMs ?? 25_000,
    onSpawn: o.onSpawn,
  });
}

/** A fresh temp folder with `files` (path → content); `cleanup` removes it. */
export async function tempTree(files: Record<string, string> = {}, prefix = 'tscrapy-cli-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A spider file that follows the demo shop's listing pages and yields one item per product. */
export const SHOP_SPIDER = `import { Spider, Request, type Response } from 'tscrapy';

interface Product { url: string; name: string | undefined; price: number; tags: string[]; meta: { sku: string | undefined } }

export class ShopSpider extends Spider {
  override name = 'shop';
  declare startUrl: string;
  override async *start() {
    yield new Request(this.startUrl);
  }
  override *parse(response: Response) {
    yield* response.followAll(response.css('li.product a.title'), { callback: this.parseProduct });
    const next = response.css('li.next a::attr(href)').get();
    if (next) yield response.follow(next);
  }
  *parseProduct(response: Response) {
    const page = response.css('div.product-page');
    const item: Product = {
      url: response.url,
      name: page.css('h1.name::text').get(),
      price: Number((page.css('p.price::text').get() ?? '0').replace(/[^0-9.]/g, '')),
      tags: ['a', 'b'],
      meta: { sku: page.attrib['data-sku'] },
    };
    yield item;
  }
}
`;

/** Waits until `check()` is true (polling), failing after `ms`. */
export async function waitFor(check: () => boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A spider file that requests the URL given as `-a url=…` and yields the page's title;
 * `startLine`, if given, runs first in start() (a line a test can look for in the output).
 */
export function onePageSpider(startLine = ''): string {
  return `import { Request, Spider, type Response } from 'tscrapy';
export default class Once extends Spider {
  override name = 'once';
  declare url: string;
  override async *start() {
    ${startLine}
    yield new Request(this.url);
  }
  override parse(response: Response) {
    return [{ title: response.css('title::text').get() }];
  }
}
`;
}

/** A site on 127.0.0.1 answering every request with a page titled `title`. */
export async function startTitleSite(title: string): Promise<{ url: string; close: () => void }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<title>${title}</title>`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}
