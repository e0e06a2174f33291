import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Field, Item, TakeFirst, UnknownFieldError } from '../../src/index.js';

class Product extends Item {
  name = Field<string>();
  price = Field<number>({ outputProcessor: TakeFirst() });
  tags = Field<string[]>();
}
class Book extends Product {
  isbn = Field<string>();
}

describe('Item', () => {
  it('holds declared fields as properties; unset fields are absent, as in Scrapy', () => {
    const p = new Product({ name: 'Lamp' });
    p.price = 12.5;
    assert.equal(p.name, 'Lamp');
    assert.equal('tags' in p, false);
    assert.equal(p.tags, undefined);
    assert.deepEqual(Object.keys(p), ['name', 'price']);
    assert.equal(JSON.stringify(p), '{"name":"Lamp","price":12.5}');
    assert.ok(p instanceof Product && p instanceof Item);
  });

  it('throws UnknownFieldError naming the field and the declared ones (Scrapy: "does not support field")', () => {
    const p = new Product();
    const unknown = (e: unknown) =>
      e instanceof UnknownFieldError && e.code === 'TSC_ERR_UNKNOWN_FIELD' && e.message === 'Product does not support field: colour. Its fields: name, price, tags; declare it in the class (colour = Field())';
    assert.throws(() => ((p as unknown as Record<string, unknown>).colour = 'red'), unknown);
    assert.throws(() => new Product({ colour: 'red' }), unknown);
    // @ts-expect-error: create() types the values by the declared fields
    assert.throws(() => Product.create({ colour: 'red' }), UnknownFieldError);
    assert.equal(Product.create({ name: 'x', price: 1 }).price, 1);
  });

  it('lists its fields with their metadata, inherited ones included', () => {
    assert.deepEqual(Object.keys(Book.fields), ['name', 'price', 'tags', 'isbn']);
    assert.equal(typeof Book.fields.price!.outputProcessor, 'function');
    const b = new Book({ isbn: '1', name: 'B' });
    assert.deepEqual(b.toJSON(), { isbn: '1', name: 'B' });
  });

  it('copies shallowly', () => {
    const p = new Product({ name: 'a', tags: ['x'] });
    const c = p.copy();
    c.name = 'b';
    assert.equal(p.name, 'a');
    assert.ok(c instanceof Product);
    assert.equal(c.tags, p.tags);
  });

  it('rejects a class property that is not a Field, pointing to Field()', () => {
    class Bad extends Item {
      name = 'default';
    }
    assert.throws(() => new Bad(), /Bad does not support field: name\. It declares no fields; declare it in the class \(name = Field\(\)\)/);
  });
});
