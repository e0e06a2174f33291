import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/crawler/errors.js';
import { Selector } from '../../src/selector/selector.js';

// Expected values from parsel 1.7.0 on the same markup.
const PAGE = '<div class="outer"><div class="quote"><span>A</span><p><span>B</span></p></div></div><span>C</span>';

describe("CSS on a sub-selector is scoped to its element (parsel's descendant-or-self)", () => {
  const quote = new Selector({ text: PAGE }).css('div.quote')[0]!;

  it('":scope > span" selects the children of the element', () => {
    assert.deepEqual(quote.css(':scope > span::text').getall(), ['A']);
  });

  it('does not match through ancestors outside the element', () => {
    assert.deepEqual(quote.css('div.outer span::text').getall(), []);
    assert.deepEqual(quote.css('div.outer > div span::text').getall(), []);
  });

  it('still lets the element itself take part in the query', () => {
    assert.deepEqual(quote.css('span::text').getall(), ['A', 'B']);
    assert.deepEqual(quote.css('div span::text').getall(), ['A', 'B']);
    assert.deepEqual(quote.css('div > span::text').getall(), ['A']);
    assert.deepEqual(quote.css('* > span::text').getall(), ['A', 'B']);
  });

  it('rejects a bare "> span" (as parsel does) and says what to write', () => {
    assert.throws(() => quote.css('> span'), (e: unknown) => e instanceof InvalidArgumentError && /:scope > /.test(e.message));
    assert.throws(() => quote.css('span, + p'), InvalidArgumentError);
  });

  it('leaves document queries unchanged', () => {
    const page = new Selector({ text: PAGE });
    assert.deepEqual(page.css('div.outer span::text').getall(), ['A', 'B']);
    assert.deepEqual(page.css(':scope > div').getall(), []);
    assert.deepEqual(page.css('body > span::text').getall(), ['C']);
  });
});
