import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFirstRecord } from '../../src/feeds/exporters/csv.js';
import { SAMPLE_ITEMS, errors, makeCrawler, runFeeds, tempDir } from './helpers.js';

/** A small CSV reader (RFC 4180 quoting) to read back what the exporter wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let rest = text;
  while (rest.length) {
    const row = parseFirstRecord(rest);
    assert.ok(row, `incomplete CSV record: ${JSON.stringify(rest.slice(0, 80))}`);
    rows.push(row);
    // Skip past the record: find its terminator outside quotes.
    let i = 0;
    let q = false;
    for (; i < rest.length; i++) {
      if (rest[i] === '"') q = !q;
      else if (!q && rest[i] === '\n') break;
    }
    rest = rest.slice(i + 1);
  }
  return rows;
}

/** Expected JSON round trip of the sample items (what JSON.parse gives back). */
const asJson = (items: unknown[]): unknown => JSON.parse(JSON.stringify(items));

describe('feed formats round trip', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('jsonl: one object per line', async () => {
    const path = join(dir, 'out.jsonl');
    const crawler = makeCrawler({ FEEDS: { [path]: {} } });
    await runFeeds(crawler, SAMPLE_ITEMS);
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines.map((l) => JSON.parse(l)), asJson(SAMPLE_ITEMS));
    assert.deepEqual(errors(crawler), []);
    assert.equal(crawler.stats.getValue('feedexport/success_count'), 1);
  });

  for (const alias of ['jl', 'jsonlines']) {
    it(`jsonl alias "${alias}" (format and extension)`, async () => {
      const a = join(dir, `alias.${alias}`);
      const b = join(dir, `alias-${alias}.txt`);
      const crawler = makeCrawler({ FEEDS: { [a]: {}, [b]: { format: alias } } });
      await runFeeds(crawler, [{ a: 1 }]);
      assert.equal(readFileSync(a, 'utf8'), '{"a":1}\n');
      assert.equal(readFileSync(b, 'utf8'), '{"a":1}\n');
    });
  }

  it('json: a valid array, compact and indented', async () => {
    const compact = join(dir, 'out.json');
    const pretty = join(dir, 'pretty.json');
    const empty = join(dir, 'empty.json');
    const crawler = makeCrawler({ FEEDS: { [compact]: {}, [pretty]: { format: 'json', indent: 2 } } });
    await runFeeds(crawler, SAMPLE_ITEMS);
    assert.deepEqual(JSON.parse(readFileSync(compact, 'utf8')), asJson(SAMPLE_ITEMS));
    assert.deepEqual(JSON.parse(readFileSync(pretty, 'utf8')), asJson(SAMPLE_ITEMS));
    assert.match(readFileSync(pretty, 'utf8'), /\n {2}"title"/);
    await runFeeds(makeCrawler({ FEEDS: { [empty]: {} } }), []);
    assert.deepEqual(JSON.parse(readFileSync(empty, 'utf8')), []);
  });

  it('json: fields order, Dates as ISO strings, toJSON items, Map/Set/bigint', async () => {
    const path = join(dir, 'fields.json');
    class Book {
      constructor(readonly title: string) {}
      toJSON(): object {
        return { title: this.title, kind: 'book' };
      }
    }
    const when = new Date('2026-01-02T03:04:05.006Z');
    const crawler = makeCrawler({ FEEDS: { [path]: { fields: ['kind', 'title', 'when', 'big', 'set'] } } });
    await runFeeds(crawler, [new Book('Dune'), { when, title: 'T', extra: 1, big: 10n, set: new Set([1, 2]) }, 'not an item']);
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(JSON.parse(text), [
      { kind: 'book', title: 'Dune' },
      { title: 'T', when: '2026-01-02T03:04:05.006Z', big: '10', set: [1, 2] },
    ]);
    assert.ok(text.indexOf('"kind"') < text.indexOf('"title"'), 'fields order kept');
    assert.equal(crawler.stats.getValue('feedexport/skipped_items_count'), 1);
  });

  it('csv: header from the first item, quoting, lists joined with commas (as Scrapy), objects as JSON', async () => {
    const path = join(dir, 'out.csv');
    const crawler = makeCrawler({ FEEDS: { [path]: {} } });
    await runFeeds(crawler, [...SAMPLE_ITEMS, { title: 'only title', unknown: 'dropped' }]);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\r\n'));
    const rows = parseCsv(text);
    assert.deepEqual(rows[0], ['title', 'price', 'tags', 'meta', 'inStock']);
    assert.deepEqual(rows[1], ['A "quoted" title, with comma', '12.5', 'x,y', '{"isbn":"123","pages":300}', 'true']);
    assert.deepEqual(rows[2], ['Line\nbreak & <tag>', '0', '', '{"isbn":null}', 'false']);
    assert.deepEqual(rows[3], ['Ünïcödé — 日本語 🎉', '-1.25', 'ñ', '{}', '']);
    assert.deepEqual(rows[4], ['only title', '', '', '', '']);
    assert.equal(rows.length, 5);
  });

  it('csv: fields from FEED_EXPORT_FIELDS; latin1 encoding', async () => {
    const path = join(dir, 'latin1.csv');
    const crawler = makeCrawler({ FEEDS: { [path]: { encoding: 'latin1' } }, FEED_EXPORT_FIELDS: ['name', 'city'] });
    await runFeeds(crawler, [{ city: 'Köln', name: 'Zoë' }, { name: 'Łódź 日' }]);
    const bytes = readFileSync(path);
    assert.equal(bytes.toString('latin1'), 'name,city\r\nZoë,Köln\r\n?ód? ?,\r\n');
    assert.equal(bytes.includes(Buffer.from('Zoë', 'utf8')), false, 'written as latin1, not utf-8');
    assert.ok(crawler.sink.lines.some((l) => /3 characters could not be written in ISO-8859-1/.test(l)));
  });

  it('json in latin1 escapes what latin1 cannot hold and stays the same JSON', async () => {
    const path = join(dir, 'latin1.json');
    await runFeeds(makeCrawler({ FEEDS: { [path]: { encoding: 'iso-8859-1' } } }), [{ s: 'é 日 🎉' }]);
    const bytes = readFileSync(path);
    assert.deepEqual(JSON.parse(bytes.toString('latin1')), [{ s: 'é 日 🎉' }]);
  });

  it('xml: Scrapy shape, nested objects and lists, escaping', async () => {
    const path = join(dir, 'out.xml');
    const crawler = makeCrawler({ FEEDS: { [path]: {} } });
    await runFeeds(crawler, [
      { name: 'a & b < c > d', tags: ['x', 'y'], meta: { isbn: '1', dims: { w: 2 } }, empty: null, 'bad key': 1, 'ctl': 'a\u0001b' },
    ]);
    assert.equal(
      readFileSync(path, 'utf8'),
      '<?xml version="1.0" encoding="utf-8"?>\n<items>\n<item><name>a &amp; b &lt; c &gt; d</name>' +
        '<tags><value>x</value><value>y</value></tags><meta><isbn>1</isbn><dims><w>2</w></dims></meta>' +
        '<empty></empty><bad_key>1</bad_key><ctl>ab</ctl></item>\n</items>\n',
    );
  });

  it('xml: indented, and latin1 writes character references', async () => {
    const path = join(dir, 'pretty.xml');
    await runFeeds(makeCrawler({ FEEDS: { [path]: { indent: 2, encoding: 'latin1' } } }), [{ a: 'é日', l: [1] }]);
    assert.equal(
      readFileSync(path, 'latin1'),
      '<?xml version="1.0" encoding="ISO-8859-1"?>\n<items>\n  <item>\n    <a>é&#26085;</a>\n    <l>\n      <value>1</value>\n    </l>\n  </item>\n</items>\n',
    );
  });

  it('closes files properly whatever the close reason', async () => {
    const path = join(dir, 'shutdown.json');
    await runFeeds(makeCrawler({ FEEDS: { [path]: {} } }), [{ a: 1 }], 'shutdown');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), [{ a: 1 }]);
  });
});
