import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyNode } from 'domhandler';
import { dumpTree as dump } from '../support/dom-dump.js';
import { parseHtml, serialize } from '../../src/selector/document.js';
import { decodeTree, encodeTree } from '../../src/selector/tree-codec.js';

const PAGES: Record<string, string> = {
  empty: '',
  'no doctype, malformed': '<p>one<p>two <b>bold <i>both</b> italic</i><table><td>cell<div>fostered</div></table>',
  'doctype with ids (quirks)': '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd"><title>q</title>',
  'comments and entities': '<!doctype html><!-- top --><body>a &amp; b &lt;c&gt; &nbsp;&copy;<!-- in --><br/></body>',
  template: '<template id="t"><li class="x">item <a href="/a">a</a></li></template><p>after</p>',
  'svg and mathml': '<svg viewBox="0 0 1 1"><use xlink:href="#a" xml:lang="en"/><foreignObject><p>html</p></foreignObject></svg><math><mi>x</mi></math>',
  'script, style, noscript': '<script>if (a < b) { x = "</p>" }</script><style>p > a { color: red }</style><noscript><a href="/n">n</a></noscript>',
  'duplicate attributes': '<div id="a" id="b" class="c" data-x=\'1\' hidden>d</div>',
};

describe('tree-codec', () => {
  for (const [name, html] of Object.entries(PAGES)) {
    it(`rebuilds ${name} exactly as parse5 built it`, () => {
      const doc = parseHtml(html);
      const back = decodeTree(structuredClone(encodeTree(doc)));
      assert.deepEqual(dump(back), dump(doc));
      assert.equal(serialize(back, 'html'), serialize(doc, 'html'));
    });
  }

  it('handles a page nested 100,000 deep without overflowing the stack', () => {
    const html = '<div>'.repeat(100_000) + 'deep' + '</div>'.repeat(100_000);
    const doc = parseHtml(html);
    const back = decodeTree(encodeTree(doc));
    const depthOf = (root: AnyNode) => {
      let depth = 0;
      for (let n: AnyNode | undefined = root; n; n = (n as { children?: AnyNode[] }).children?.at(-1)) depth++;
      return depth;
    };
    assert.equal(depthOf(back), depthOf(doc));
    assert.ok(depthOf(back) > 100_000);
  });

  it('rejects a truncated or foreign tree with a TypeError', () => {
    const tree = encodeTree(parseHtml('<p>a</p>'));
    assert.throws(() => decodeTree({ ...tree, ops: tree.ops.slice(0, tree.ops.length - 3) }), TypeError);
    assert.throws(() => decodeTree({ ...tree, ops: Int32Array.of(9) }), /unknown node kind 9/);
  });
});
