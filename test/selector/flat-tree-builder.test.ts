import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHtmlEncoded } from '../../src/selector/flat-tree-builder.js';
import { encodeTree } from '../../src/selector/tree-codec.js';
import { assertParsedAsStock, demoShopPages, parseStock, randomDocument, TEXT_PIECES, TRICKY } from '../support/html-corpus.js';
import { seeded } from '../support/seeded.js';

// Every parse goes through parse5 with the text fast path (src/selector/html-parser.ts); the
// reference is stock parse5, so these compare both the flat tree builder and the fast path.
describe('parseHtmlEncoded (the parse threads\' tree builder) and parseHtml', { timeout: 240_000 }, () => {
  for (const [name, html] of Object.entries(TRICKY)) {
    it(`builds stock parse5's tree for ${name}`, () => assertParsedAsStock(html, name));
  }

  it('builds stock parse5\'s tree for 400 random documents of tricky fragments', () => {
    const random = seeded(20);
    for (let i = 0; i < 400; i++) {
      const html = randomDocument(random);
      assertParsedAsStock(html, `random document ${i}: ${JSON.stringify(html)}`);
    }
  });

  it('builds stock parse5\'s tree for 400 random documents of text runs in every mode and state', () => {
    const random = seeded(21);
    for (let i = 0; i < 400; i++) {
      const html = randomDocument(random, TEXT_PIECES, 80);
      assertParsedAsStock(html, `text-run document ${i}: ${JSON.stringify(html)}`);
    }
  });

  it('builds stock parse5\'s tree for the demo shop\'s product and listing pages', () => {
    const pages = demoShopPages();
    assert.ok(pages.length > 300, `${pages.length} pages`);
    for (const { path, html } of pages) assertParsedAsStock(html, path);
  });

  it('builds stock parse5\'s tree for a document past the tokenizer\'s 64 KB buffer', () => {
    // parse5 drops the input it has parsed once past 64 KiB, which moves every position a text run holds.
    const random = seeded(22);
    let html = '';
    while (html.length < 300_000) html += randomDocument(random, TEXT_PIECES.filter((p) => p !== '<plaintext>'), 80) + '</table></select></svg></math></textarea></title></script></style></xmp></iframe>\n';
    assertParsedAsStock(html, 'a 300 KB document');
  });

  it('handles a page nested 100,000 deep without overflowing the stack', () => {
    const html = '<div>'.repeat(100_000) + 'deep' + '</div>'.repeat(100_000);
    assert.deepStrictEqual(parseHtmlEncoded(html), encodeTree(parseStock(html)));
  });
});
