import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Compose,
  Field,
  Identity,
  InvalidArgumentError,
  Item,
  ItemLoader,
  Join,
  MapCompose,
  Request,
  Response,
  Selector,
  TakeFirst,
  UnknownFieldError,
} from '../../src/index.js';

const PAGE = `<html><body>
<div class="product" id="p1">
  <h1>  Desk lamp </h1>
  <p class="price">Price: $12.50</p>
  <ul class="tags"><li>home</li><li> light </li><li></li></ul>
  <div class="seller"><span class="name">ACME</span><span class="city">Paris</span></div>
</div>
</body></html>`;
const response = () => new Response({ url: 'https://shop.test/p/1', request: new Request('https://shop.test/p/1'), headers: { 'content-type': 'text/html' }, body: Buffer.from(PAGE) });

class Product extends Item {
  name = Field<string>();
  price = Field<number>();
  tags = Field<string[]>({ outputProcessor: Identity() });
  seller = Field<string>();
  city = Field<string>();
  url = Field<string>();
}

const strip = (s: string) => s.trim() || null;

class ProductLoader extends ItemLoader<Product> {
  static override defaultItemClass = Product;
  static override defaultInputProcessor = MapCompose(strip);
  static override defaultOutputProcessor = TakeFirst();
  static override fieldProcessors = { price: { input: MapCompose(strip, (s: string) => Number(s.replace(/[^\d.]/g, ''))) } };
}

describe('ItemLoader', () => {
  it('loads an item with CSS queries, values, field and default processors', () => {
    const l = new ProductLoader({ response: response() });
    l.addCss('name', 'h1::text');
    l.addCss('price', 'p.price::text');
    l.addCss('tags', 'ul.tags li::text');
    l.addValue('url', 'https://shop.test/p/1');
    const item = l.loadItem();
    assert.ok(item instanceof Product);
    assert.deepEqual(item.toJSON(), { name: 'Desk lamp', price: 12.5, tags: ['home', 'light'], url: 'https://shop.test/p/1' });
  });

  it('replaceValue, getOutputValue, getCollectedValues, the re option and per-call processors', () => {
    const l = new ProductLoader({ response: response() });
    l.addValue('name', ['  a ', 'b']);
    assert.deepEqual(l.getCollectedValues('name'), ['a', 'b']);
    assert.equal(l.getOutputValue('name'), 'a');
    l.replaceValue('name', 'c');
    assert.deepEqual(l.getCollectedValues('name'), ['c']);
    l.addCss('seller', 'p.price::text', { re: /\$([\d.]+)/ });
    assert.deepEqual(l.getCollectedValues('seller'), ['12.50']);
    l.addValue('city', 'paris', (v: string) => v.toUpperCase());
    assert.equal(l.getOutputValue('city'), 'PARIS');
    assert.deepEqual(l.getCss('ul.tags li::text', MapCompose(strip)), ['home', 'light']);
    assert.equal(l.getOutputValue('price'), undefined, 'no value collected: TakeFirst gives nothing and loadItem leaves the field unset');
    assert.equal('price' in l.loadItem(), false);
  });

  it('applies { re } before the processors, starts from the values an item holds, and leaves null outputs unset (Scrapy order)', () => {
    const l = new ProductLoader({ response: response(), item: new Product({ name: 'Given', url: 'u' }) });
    l.addCss('seller', 'p.price::text', (v: string[]) => v.map((s) => `[${s}]`), { re: /\$([\d.]+)/ });
    assert.deepEqual(l.getCollectedValues('seller'), ['[12.50]']);
    l.addCss('name', 'h1::text');
    assert.deepEqual(l.getCollectedValues('name'), ['Given', 'Desk lamp']);
    assert.equal(l.loadItem().name, 'Given');
    class NullOut extends ItemLoader {
      static override defaultOutputProcessor = () => null;
    }
    const n = new NullOut();
    n.addValue('a', 1);
    assert.deepEqual(n.loadItem(), {});
  });

  it('nested loaders query inside an element and fill the same item', () => {
    const l = new ProductLoader({ response: response() });
    l.addCss('name', 'h1::text');
    const seller = l.nestedCss('div.seller');
    seller.addCss('seller', 'span.name::text');
    seller.addCss('city', 'span.city::text');
    assert.equal(seller.item, l.item);
    assert.deepEqual(l.loadItem().toJSON(), { name: 'Desk lamp', seller: 'ACME', city: 'Paris' });
  });

  it('works on a plain object item, a Selector and with Join/Compose processors', () => {
    const sel = new Selector({ text: PAGE });
    const l = new ItemLoader({ selector: sel });
    l.addCss('tags', 'ul.tags li::text', MapCompose(strip), Join(', '));
    l.addValue('name', ['x', 'y'], Compose((v: string[]) => v.join('+'), (s: string) => s.toUpperCase()));
    assert.deepEqual(l.loadItem(), { tags: ['home, light'], name: ['X+Y'] });
  });

  it('uses the input/output processors declared on the Item field', () => {
    class Priced extends Item {
      price = Field<number>({ inputProcessor: MapCompose(Number), outputProcessor: Compose((v: number[]) => v.reduce((a, b) => a + b, 0)) });
    }
    const l = new ItemLoader<Priced>({ item: new Priced() });
    l.addValue('price', ['1', '2']);
    assert.equal(l.loadItem().price, 3);
  });

  it('refuses a field the Item does not declare, and queries without a selector', () => {
    const l = new ProductLoader();
    // @ts-expect-error: field names are checked against the item type
    assert.throws(() => l.addValue('colour', 'red'), (e: unknown) => e instanceof UnknownFieldError && /Product does not support field: colour/.test((e as Error).message));
    assert.throws(() => l.addCss('name', 'h1'), (e: unknown) => e instanceof InvalidArgumentError && /need a selector or response/.test((e as Error).message));
  });

  it('addXpath and nestedXpath query through the selector’s xpath()', () => {
    const l = new ProductLoader({ response: response() });
    l.addXpath('name', '//h1/text()');
    l.nestedXpath('//div[@class="seller"]').addXpath('seller', 'span[@class="name"]/text()');
    assert.deepEqual(l.loadItem().toJSON(), { name: 'Desk lamp', seller: 'ACME' });
  });
});
