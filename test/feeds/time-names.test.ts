import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startContenders, type Contenders } from '../support/contenders.js';
import { tempDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./feed-writer.ts', import.meta.url));
const WRITERS = 4;
const TRIALS = 5;

interface Done {
  trial: number;
  ok: boolean;
  error?: string;
}

describe('feeds named %(time)s / %(batch_time)s written by processes started in the same second', { timeout: 120_000 }, () => {
  const tmp = tempDir();
  let writers: Contenders<Done>;
  before(async () => {
    writers = await startContenders<Done>(WRITER, WRITERS);
  });
  after(async () => {
    await writers.close();
    tmp.cleanup();
  });

  /** Items of a feed file: a JSON array or JSON lines. */
  function itemsOf(path: string): Array<{ writer: number; i: number }> {
    const text = readFileSync(path, 'utf8');
    if (path.endsWith('.json')) return JSON.parse(text) as Array<{ writer: number; i: number }>;
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { writer: number; i: number });
  }

  it(`${WRITERS} processes, ${TRIALS} times: each writes its own files, whole`, async () => {
    for (let t = 0; t < TRIALS; t++) {
      const dir = join(tmp.dir, `trial-${t}`);
      mkdirSync(dir);
      // 300 ms into the next second: every writer renders the same %(time)s.
      const at = (Math.floor(Date.now() / 1000) + 1) * 1000 + 300;
      for (const d of await writers.trial(t, (writer) => ({ trial: t, dir, writer, at }))) assert.ok(d.ok, d.error);

      const files = readdirSync(dir).filter((f) => f !== 'batches');
      const batches = readdirSync(join(dir, 'batches')).map((f) => join('batches', f));
      for (const [ext, expected] of [['.json', WRITERS], ['.jsonl', WRITERS]] as const) {
        assert.equal(files.filter((f) => f.endsWith(ext)).length, expected, `trial ${t}: ${files.join(', ')}`);
      }
      assert.equal(batches.length, WRITERS * 3, `trial ${t}: ${batches.join(', ')}`);
      // Every file holds one writer's items, complete and in order (a batch: 100 of them).
      const seen = new Map<string, number>();
      for (const f of [...files, ...batches]) {
        const items = itemsOf(join(dir, f));
        const writers = new Set(items.map((x) => x.writer));
        assert.equal(writers.size, 1, `trial ${t}: ${f} mixes the items of writers ${[...writers].join(', ')}`);
        const kind = f.startsWith('batches') ? 'batch' : f.endsWith('.jsonl') ? 'jsonl' : 'json';
        const key = `${kind}:${items[0]!.writer}`;
        seen.set(key, (seen.get(key) ?? 0) + items.length);
        if (kind !== 'batch') assert.deepEqual(items.map((x) => x.i), [...Array(300).keys()], `trial ${t}: ${f}`);
      }
      for (let w = 0; w < WRITERS; w++) for (const kind of ['json', 'jsonl', 'batch']) assert.equal(seen.get(`${kind}:${w}`), 300, `trial ${t}: writer ${w}'s ${kind} items`);
    }
  });
});
