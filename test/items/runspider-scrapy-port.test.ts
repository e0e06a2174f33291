import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempTree } from '../cli/helpers.js';

// A spider with Scrapy's structure (Item classes, an ItemLoader with TakeFirst/MapCompose/Join,
// one meta dict reused for every request, printf-style logging, a plain *start() generator),
// ported with camelCase only.
const SPIDER = `import { Spider, Request, Item, Field, ItemLoader, TakeFirst, MapCompose, Join, Identity, type Response } from 'tscrapy';

class BookItem extends Item {
  title = Field<string>();
  price = Field<number>();
  category = Field<string>();
  description = Field<string>();
  rank = Field<number>();
}

const strip = (s: string) => s.trim() || null;

class BookLoader extends ItemLoader<BookItem> {
  static override defaultItemClass = BookItem;
  static override defaultInputProcessor = MapCompose(strip);
  static override defaultOutputProcessor = TakeFirst();
  static override fieldProcessors = {
    price: { input: MapCompose(strip, (s: string) => Number(s.replace('£', ''))) },
    description: { output: Join(' ') },
    rank: { input: Identity() },
  };
}

export class Books extends Spider {
  override name = 'books';
  declare base: string;

  override *start() {
    yield new Request(this.base + '/');
  }

  override *parse(response: Response) {
    const meta: Record<string, unknown> = {};
    let rank = 0;
    for (const a of response.css('a.book')) {
      meta.rank = ++rank;
      this.logger.info('Book %d at %s', rank, a.attrib.href);
      yield response.follow(a, { callback: this.parseBook, meta });
    }
  }

  *parseBook(response: Response) {
    const loader = new BookLoader({ response });
    loader.addCss('title', 'h1::text');
    loader.addCss('price', 'p.price::text');
    loader.addCss('category', 'ul.breadcrumb li:last-child::text');
    loader.addCss('description', 'div.desc p::text');
    loader.addValue('rank', response.meta.rank);
    yield loader.loadItem();
    yield { title: response.css('h1::text').get(), isbn: response.css('td.isbn::text').get() };
  }
}
`;

const BOOKS: Record<string, string> = {
  '/b/1': '<h1> Dune </h1><p class="price">£12.50</p><ul class="breadcrumb"><li>Home</li><li> SF </li></ul><div class="desc"><p>Sand.</p><p>Spice.</p></div><table><td class="isbn">111</td></table>',
  '/b/2': '<h1>Emma</h1><p class="price">£3.00</p><ul class="breadcrumb"><li>Home</li><li>Classics</li></ul>',
  '/b/3': '<h1>Ulysses</h1><ul class="breadcrumb"><li>Home</li><li>Classics</li></ul><div class="desc"><p>Long.</p></div>',
};

describe('tscrapy runspider with a spider written in Scrapy’s structure', { timeout: 120_000 }, () => {
  let server: Server;
  let origin = '';
  let tree: Awaited<ReturnType<typeof tempTree>>;

  before(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      const listing = Object.keys(BOOKS).map((p) => `<a class="book" href="${p}">${p}</a>`).join('');
      res.end(`<html><body>${req.url === '/' ? listing : (BOOKS[req.url ?? ''] ?? '')}</body></html>`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tree = await tempTree({ 'books.ts': SPIDER });
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await tree.cleanup();
  });

  it('gives Scrapy’s items: loader output, each request’s own meta, missing values as null', async () => {
    const r = await runCli(['runspider', 'books.ts', '-a', `base=${origin}`, '-O', 'out.jsonl', '-O', 'out.csv', '-L', 'INFO'], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[books\] INFO: Book 2 at \/b\/2/);
    assert.doesNotMatch(r.stderr, /WARNING/);
    const items = readFileSync(join(tree.dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const loaded = items.filter((i) => 'rank' in i).sort((a, b) => (a.rank as number) - (b.rank as number));
    assert.deepEqual(loaded, [
      { title: 'Dune', price: 12.5, category: 'SF', description: 'Sand. Spice.', rank: 1 },
      { title: 'Emma', price: 3, category: 'Classics', rank: 2 },
      { title: 'Ulysses', category: 'Classics', description: 'Long.', rank: 3 },
    ]);
    const plain = items.filter((i) => 'isbn' in i).sort((a, b) => String(a.title).localeCompare(String(b.title)));
    assert.deepEqual(plain, [
      { title: ' Dune ', isbn: '111' },
      { title: 'Emma', isbn: null },
      { title: 'Ulysses', isbn: null },
    ]);
    assert.equal(items.length, 6);
  });
});
