import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { applyHeapGrowingPercent, CRAWL_PROCESS_FLAGS } from '../../src/crawler/heap.js';
import { defaultChildScript } from '../../src/server/launcher/spawn.js';
import { runProcess } from '../support/process.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}bin/run.js`;

describe('crawling process flags', { timeout: 60_000 }, () => {
  it('start `tscrapy` (its first line), `npm start` and server jobs alike', () => {
    const shebang = readFileSync(bin, 'utf8').split('\n')[0]!;
    assert.equal(shebang, `#!/usr/bin/env -S node ${CRAWL_PROCESS_FLAGS.join(' ')}`);
    const start = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
    assert.equal(start, `node ${CRAWL_PROCESS_FLAGS.join(' ')} bin/run.js demo`);
    for (const flag of CRAWL_PROCESS_FLAGS) assert.ok(defaultChildScript().execArgv.includes(flag), `server jobs start with ${flag}`);
  });

  it('let the bin run straight from its first line', async () => {
    const r = await runProcess(bin, ['version'], { cwd: root, env: process.env, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^tscrapy \d+\.\d+\.\d+/);
  });

  it('HEAP_GROWING_PERCENT runs one full collection at once, and leaves gc() unexposed', async () => {
    // In a child: V8 flags are the whole process's.
    const script = `
      import { PerformanceObserver, constants } from 'node:perf_hooks';
      import { runInNewContext } from 'node:vm';
      import { applyHeapGrowingPercent } from ${JSON.stringify(new URL('../../src/crawler/heap.ts', import.meta.url).href)};
      // Waits for the collection's own report (a busy machine delivers it late), 20 s at most.
      let sawMajor;
      const major = new Promise((resolve) => {
        sawMajor = resolve;
        setTimeout(() => resolve(false), 20_000).unref();
      });
      const obs = new PerformanceObserver((list) => {
        if (list.getEntries().some((e) => e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR)) sawMajor(true);
      });
      obs.observe({ entryTypes: ['gc'] });
      applyHeapGrowingPercent(30);
      const result = { major: await major, gcInNewContext: runInNewContext('typeof gc'), gcHere: typeof globalThis.gc };
      obs.disconnect();
      console.log(JSON.stringify(result));`;
    const r = await runProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: process.env, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { major: true, gcInNewContext: 'undefined', gcHere: 'undefined' });
  });

  it('HEAP_GROWING_PERCENT refuses what is not a whole percentage', () => {
    assert.throws(() => applyHeapGrowingPercent(-1), /HEAP_GROWING_PERCENT must be a whole number from 0 to 1000/);
    assert.throws(() => applyHeapGrowingPercent(2.5), /got 2.5/);
  });
});
