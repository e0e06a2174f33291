import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FeedConfigError } from '../../src/feeds/errors.js';
import { Field, Item } from '../../src/items/index.js';
import { Selector } from '../../src/selector/selector.js';
import { errors, makeCrawler, runFeeds, tempDir } from './helpers.js';

// A page where one query matches nothing: `.get()` gives undefined, Scrapy's None.
const page = new Selector({ text: '<html><body><h1>Lamp</h1><ul><li>home</li><li>light</li></ul></body></html>' });
const ITEM = { name: page.css('h1::text').get(), price: page.css('.price::text').get(), tags: page.css('li::text').getall() };

class Product extends Item {
  name = Field<string>();
  price = Field<string>();
  tags = Field<string[]>();
}

async function exportAll(dir: string, settings: Record<string, unknown>, items: unknown[]): Promise<Record<string, string>> {
  const files = { jsonl: join(dir, 'o.jsonl'), json: join(dir, 'o.json'), csv: join(dir, 'o.csv'), xml: join(dir, 'o.xml') };
  const crawler = makeCrawler({ ...settings, FEEDS: Object.fromEntries(Object.values(files).map((f) => [f, { overwrite: true }])) });
  await runFeeds(crawler, items);
  assert.deepEqual(errors(crawler), []);
  return Object.fromEntries(Object.entries(files).map(([k, f]) => [k, readFileSync(f, 'utf8')]));
}

describe('feeds write values as Scrapy does', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('a missing value (.get() with no match) is null / an empty cell / an empty element, never a dropped key', async () => {
    assert.equal(ITEM.price, undefined);
    const out = await exportAll(dir, {}, [ITEM, { ...ITEM, nested: { a: undefined } }]);
    assert.equal(out.jsonl!.split('\n')[0], '{"name":"Lamp","price":null,"tags":["home","light"]}');
    assert.deepEqual(JSON.parse(out.json!)[1], { name: 'Lamp', price: null, tags: ['home', 'light'], nested: { a: null } });
    assert.equal(out.csv!.split('\r\n')[0], 'name,price,tags');
    assert.equal(out.csv!.split('\r\n')[1], 'Lamp,,"home,light"');
    assert.match(out.xml!, /<item><name>Lamp<\/name><price><\/price><tags><value>home<\/value><value>light<\/value><\/tags><\/item>/);
  });

  it('an Item with an unset field leaves it out, as Scrapy does; one set to undefined is null', async () => {
    const out = await exportAll(dir, {}, [new Product({ name: 'Lamp' }), new Product({ name: 'Desk', price: undefined })]);
    assert.deepEqual(out.jsonl!.trim().split('\n'), ['{"name":"Lamp"}', '{"name":"Desk","price":null}']);
  });

  it('csv takes its columns from an Item class’s declared fields, as Scrapy does, so a field unset in the first item keeps its column', async () => {
    const out = await exportAll(dir, {}, [new Product({ name: 'Lamp' }), new Product({ name: 'Desk', price: '3', tags: ['a'] })]);
    assert.deepEqual(out.csv!.split('\r\n'), ['name,price,tags', 'Lamp,,', 'Desk,3,a', '']);
    assert.equal(out.jsonl!.split('\n')[0], '{"name":"Lamp"}');
  });

  it('csv joins a list of plain values with commas (Scrapy: humor,inspirational); lists of objects stay JSON', async () => {
    const out = await exportAll(dir, {}, [{ tags: ['humor', 'inspirational'], n: [1, 2], objs: [{ a: 1 }], set: new Set(['a', 'b']) }]);
    assert.equal(out.csv!.split('\r\n')[1], '"humor,inspirational","1,2","[{""a"":1}]","a,b"');
  });

  it('writes Dates as ISO 8601 by default, and as Scrapy does with FEED_EXPORT_DATETIME_FORMAT=scrapy', async () => {
    const item = { at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), whole: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) };
    const iso = await exportAll(dir, {}, [item]);
    assert.equal(iso.jsonl, '{"at":"2024-01-02T03:04:05.678Z","whole":"2024-01-02T03:04:05.000Z"}\n');
    assert.equal(iso.csv!.split('\r\n')[1], '2024-01-02T03:04:05.678Z,2024-01-02T03:04:05.000Z');
    // Scrapy 2.x: ScrapyJSONEncoder writes "%Y-%m-%d %H:%M:%S"; the CSV and XML exporters write str(datetime).
    const scrapy = await exportAll(dir, { FEED_EXPORT_DATETIME_FORMAT: 'scrapy' }, [item]);
    assert.equal(scrapy.jsonl, '{"at":"2024-01-02 03:04:05","whole":"2024-01-02 03:04:05"}\n');
    assert.deepEqual(JSON.parse(scrapy.json!), [{ at: '2024-01-02 03:04:05', whole: '2024-01-02 03:04:05' }]);
    assert.equal(scrapy.csv!.split('\r\n')[1], '2024-01-02 03:04:05.678000,2024-01-02 03:04:05');
    assert.match(scrapy.xml!, /<at>2024-01-02 03:04:05\.678000<\/at><whole>2024-01-02 03:04:05<\/whole>/);
  });

  it('refuses an unknown datetime format, naming the setting and the valid values', async () => {
    const crawler = makeCrawler({ FEED_EXPORT_DATETIME_FORMAT: 'rfc' as never, FEEDS: { [join(dir, 'x.jsonl')]: {} } });
    await assert.rejects(runFeeds(crawler, []), (e: unknown) => e instanceof FeedConfigError && /FEED_EXPORT_DATETIME_FORMAT\) must be one of iso, scrapy, got "rfc"/.test((e as Error).message));
  });
});
