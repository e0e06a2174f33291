import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHtml, serialize } from '../../src/selector/document.js';
import { ParsePool } from '../../src/selector/parse-pool.js';

const page = (i: number) => `<!doctype html><title>Page ${i}</title><ul>${'<li class="x"><a href="/p/1">caf\u00e9</a></li>'.repeat(50)}</ul>`;

describe('ParsePool', { timeout: 60_000 }, () => {
  it('parses on a thread into the tree the main thread would build, in any encoding', async () => {
    const pool = new ParsePool({ threads: 2 });
    try {
      const texts = Array.from({ length: 40 }, (_, i) => page(i));
      const pages = await Promise.all(texts.map((t) => pool.parse(new TextEncoder().encode(t), 'utf-8')));
      pages.forEach((p, i) => assert.equal(serialize(p!.take()!, 'html'), serialize(parseHtml(texts[i]!), 'html')));
      // windows-1252: é is one byte, 0xE9
      const latin = Uint8Array.from([...'<p>caf'].map((c) => c.charCodeAt(0)).concat(0xe9, ...[...'</p>'].map((c) => c.charCodeAt(0))));
      const doc = (await pool.parse(latin, 'windows-1252'))!.take()!;
      assert.match(serialize(doc, 'html'), /<p>café<\/p>/);
      assert.equal(pool.backlog, 0);
    } finally {
      await pool.close();
    }
  });

  it('hands a page over once: take() gives the tree, then null', async () => {
    const pool = new ParsePool({ threads: 1 });
    try {
      const parsed = (await pool.parse(new TextEncoder().encode('<b>x</b>'), 'utf-8'))!;
      assert.ok(parsed.take());
      assert.equal(parsed.take(), null);
    } finally {
      await pool.close();
    }
  });

  it('answers null after close, and for jobs still pending at close', async () => {
    const pool = new ParsePool({ threads: 1 });
    const big = new TextEncoder().encode(page(0).repeat(200));
    const pending = Array.from({ length: 20 }, () => pool.parse(big, 'utf-8'));
    await pool.close();
    const results = await Promise.all(pending);
    assert.ok(results.includes(null), 'some jobs were still pending');
    assert.equal(await pool.parse(big, 'utf-8'), null);
    assert.equal(pool.usable, false);
  });

  it('starts one thread, however many it may start, while jobs come one at a time', async () => {
    const pool = new ParsePool({ threads: 8 });
    try {
      for (let i = 0; i < 80; i++) {
        const parsed = await pool.parse(new TextEncoder().encode(page(i)), 'utf-8');
        assert.match(serialize(parsed!.take()!, 'html'), new RegExp(`Page ${i}<`));
      }
      assert.equal(pool.threadCount, 1);
    } finally {
      await pool.close();
    }
  });

  it('starts no other thread for a burst of jobs that comes while the first is starting', async () => {
    const pool = new ParsePool({ threads: 8 });
    try {
      const texts = Array.from({ length: 50 }, (_, i) => page(i));
      const pages = await Promise.all(texts.map((t) => pool.parse(new TextEncoder().encode(t), 'utf-8')));
      pages.forEach((p, i) => assert.equal(serialize(p!.take()!, 'html'), serialize(parseHtml(texts[i]!), 'html')));
      assert.equal(pool.threadCount, 1);
    } finally {
      await pool.close();
    }
  });

  it('refuses a pool without threads', () => {
    assert.throws(() => new ParsePool({ threads: 0 }), /at least one thread/);
  });
});
