import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FeedExporter, FeedResumeError, feedsStatePath, type FeedsJobState } from '../../src/feeds/index.js';
import { errors, makeCrawler, runFeeds, tempDir } from './helpers.js';

const range = (from: number, to: number): Array<{ i: number }> => Array.from({ length: to - from }, (_, k) => ({ i: from + k }));

/**
 * Runs a feed in a child process that exports `items`, flushes them durably and then kills
 * itself with SIGKILL: the files are left as a crash leaves them (no footer, state open).
 */
function crashAfter(dir: string, feeds: Record<string, object>, jobdir: string, items: unknown[], extra: Record<string, unknown> = {}): void {
  const script = join(dir, `crash-${Math.random().toString(36).slice(2)}.mts`);
  const helpers = pathToFileURL(join(import.meta.dirname, 'helpers.ts')).href;
  const feedsModule = pathToFileURL(join(import.meta.dirname, '../../src/feeds/index.ts')).href;
  writeFileSync(
    script,
    `import { makeCrawler } from ${JSON.stringify(helpers)};
     import { FeedExporter } from ${JSON.stringify(feedsModule)};
     const crawler = makeCrawler(${JSON.stringify({ FEEDS: feeds, JOBDIR: jobdir, ...extra })});
     const exporter = FeedExporter.fromCrawler(crawler);
     await exporter.open();
     for (const item of ${JSON.stringify(items)}) await exporter.exportItem(item);
     await exporter.flush(true);
     process.kill(process.pid, 'SIGKILL');`,
  );
  const res = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(res.signal, 'SIGKILL', `child should die by SIGKILL: ${res.stderr}`);
}

describe('feeds resume with the job (JOBDIR)', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('an overwrite feed is truncated only when the job starts fresh', async () => {
    const jobdir = join(dir, 'job-overwrite');
    const path = join(dir, 'overwrite.json');
    writeFileSync(path, '[\n{"old":true}\n]\n');
    const feeds = { [path]: { overwrite: true } };
    await runFeeds(makeCrawler({ FEEDS: feeds, JOBDIR: jobdir }), range(0, 2), 'shutdown');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), range(0, 2), 'fresh job: truncated, valid after the pause');
    const state = JSON.parse(readFileSync(feedsStatePath(jobdir), 'utf8')) as FeedsJobState;
    assert.equal(state.feeds[path]!.itemCount, 2);
    assert.equal(state.feeds[path]!.closed, true);
    const crawler = makeCrawler({ FEEDS: feeds, JOBDIR: jobdir });
    const exporter = await runFeeds(crawler, range(2, 4));
    assert.equal(exporter.resumed, true);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), range(0, 4), 'resumed: appended');
    assert.deepEqual(errors(crawler), []);
  });

  it('an overwrite feed is never truncated when feeds.json is lost but the job ran before', async () => {
    const jobdir = join(dir, 'job-lost-state');
    const path = join(dir, 'lost-state.jsonl');
    const feeds = { [path]: { format: 'jsonlines', overwrite: true } };
    await runFeeds(makeCrawler({ FEEDS: feeds, JOBDIR: jobdir }), range(0, 3), 'shutdown');
    // The job's own state is there (it ran), its feeds state is not (deleted, restored from an old backup...).
    writeFileSync(join(jobdir, 'state.json'), '{}');
    rmSync(feedsStatePath(jobdir));
    const crawler = makeCrawler({ FEEDS: feeds, JOBDIR: jobdir });
    await runFeeds(crawler, range(3, 5));
    assert.deepEqual(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), range(0, 5), 'the earlier run\'s items are kept');
    assert.ok(crawler.sink.lines.some((l) => l.includes('feeds.json is missing although the job') && l.includes('instead of overwriting it')), crawler.sink.lines.join('\n'));
  });

  it('append feeds keep appending in every format', async () => {
    const jobdir = join(dir, 'job-append');
    const base = join(dir, 'append');
    const feeds = { [`${base}.jsonl`]: {}, [`${base}.csv`]: {}, [`${base}.xml`]: {}, [`${base}.json`]: { indent: 2 } };
    for (let run = 0; run < 3; run++) await runFeeds(makeCrawler({ FEEDS: feeds, JOBDIR: jobdir }), range(run * 2, run * 2 + 2), 'shutdown');
    assert.deepEqual(readFileSync(`${base}.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), range(0, 6));
    assert.equal(readFileSync(`${base}.csv`, 'utf8'), 'i\r\n0\r\n1\r\n2\r\n3\r\n4\r\n5\r\n');
    assert.equal((readFileSync(`${base}.xml`, 'utf8').match(/<item>/g) ?? []).length, 6);
    assert.equal((readFileSync(`${base}.xml`, 'utf8').match(/<items>/g) ?? []).length, 1);
    assert.deepEqual(JSON.parse(readFileSync(`${base}.json`, 'utf8')), range(0, 6));
  });

  it('%(batch_id)d keeps counting instead of overwriting earlier batches', async () => {
    const jobdir = join(dir, 'job-batches');
    const folder = join(dir, 'batches');
    const feeds = { [join(folder, 'b-%(batch_id)d.jsonl')]: { batchItemCount: 2, overwrite: true } };
    await runFeeds(makeCrawler({ FEEDS: feeds, JOBDIR: jobdir }), range(0, 3), 'shutdown');
    await runFeeds(makeCrawler({ FEEDS: feeds, JOBDIR: jobdir }), range(3, 6), 'shutdown');
    await runFeeds(makeCrawler({ FEEDS: feeds, JOBDIR: jobdir }), range(6, 7));
    const files = readdirSync(folder).sort();
    assert.deepEqual(files, ['b-1.jsonl', 'b-2.jsonl', 'b-3.jsonl', 'b-4.jsonl']);
    const read = (f: string): unknown[] => readFileSync(join(folder, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(files.map(read), [range(0, 2), range(2, 4), range(4, 6), range(6, 7)]);
  });

  it('after a crash, a JSON feed with no "]" and a torn tail is repaired and ends a valid array', async () => {
    const jobdir = join(dir, 'job-crash-json');
    const path = join(dir, 'crash.json');
    const feeds = { [path]: { overwrite: true } };
    crashAfter(dir, feeds, jobdir, range(0, 3));
    const crashed = readFileSync(path, 'utf8');
    assert.ok(!crashed.trimEnd().endsWith(']'), 'the crash left no closing bracket');
    appendFileSync(path, ',\n{"i":3,"half');
    const crawler = makeCrawler({ FEEDS: feeds, JOBDIR: jobdir });
    await runFeeds(crawler, range(3, 5));
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), range(0, 5));
    assert.ok(crawler.sink.lines.some((l) => /WARNING: .*dropped a torn last element/.test(l)), crawler.sink.lines.join('\n'));
    assert.equal(crawler.stats.getValue('feedexport/repaired_count'), 1);
  });

  it('after a crash: JSONL drops a torn last line, CSV a torn record, XML a torn item', async () => {
    const jobdir = join(dir, 'job-crash-lines');
    const base = join(dir, 'crash-lines');
    const feeds = { [`${base}.jsonl`]: {}, [`${base}.csv`]: {}, [`${base}.xml`]: {} };
    crashAfter(dir, feeds, jobdir, range(0, 2));
    appendFileSync(`${base}.jsonl`, '{"i":2,"to');
    appendFileSync(`${base}.csv`, '2,"a quoted\r\nfield that never');
    appendFileSync(`${base}.xml`, '\n<item><i>2</i><dict><item>x</item>');
    const crawler = makeCrawler({ FEEDS: feeds, JOBDIR: jobdir });
    await runFeeds(crawler, range(2, 3));
    assert.deepEqual(readFileSync(`${base}.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)), range(0, 3));
    assert.equal(readFileSync(`${base}.csv`, 'utf8'), 'i\r\n0\r\n1\r\n2\r\n');
    assert.equal(
      readFileSync(`${base}.xml`, 'utf8'),
      '<?xml version="1.0" encoding="utf-8"?>\n<items>\n<item><i>0</i></item>\n<item><i>1</i></item>\n<item><i>2</i></item>\n</items>\n',
    );
    assert.equal(crawler.stats.getValue('feedexport/repaired_count'), 3);
  });

  it('a JSON feed that crashed before its first item, and one crashed with a complete last element', async () => {
    const jobdir = join(dir, 'job-crash-edge');
    const a = join(dir, 'edge-a.json');
    const b = join(dir, 'edge-b.json');
    crashAfter(dir, { [a]: {}, [b]: { indent: 4 } }, jobdir, []);
    appendFileSync(a, '\n{"i":0');
    await runFeeds(makeCrawler({ FEEDS: { [a]: {}, [b]: { indent: 4 } }, JOBDIR: jobdir }), range(0, 1), 'shutdown');
    assert.deepEqual(JSON.parse(readFileSync(a, 'utf8')), range(0, 1));
    assert.deepEqual(JSON.parse(readFileSync(b, 'utf8')), range(0, 1));
    const jobdir2 = join(dir, 'job-crash-edge2');
    const c = join(dir, 'edge-c.json');
    crashAfter(dir, { [c]: { indent: 2 } }, jobdir2, [{ i: 0, nested: { list: [1, { x: [] }] } }]);
    await runFeeds(makeCrawler({ FEEDS: { [c]: { indent: 2 } }, JOBDIR: jobdir2 }), range(1, 2));
    assert.deepEqual(JSON.parse(readFileSync(c, 'utf8')), [{ i: 0, nested: { list: [1, { x: [] }] } }, { i: 1 }]);
  });

  it('a crashed batched feed: the torn batch is repaired and closed, numbering continues', async () => {
    const jobdir = join(dir, 'job-crash-batches');
    const folder = join(dir, 'crash-batches');
    const feeds = { [join(folder, 'p-%(batch_id)03d.json')]: { batchItemCount: 2 } };
    crashAfter(dir, feeds, jobdir, range(0, 3));
    appendFileSync(join(folder, 'p-002.json'), ',\n{"i":3');
    await runFeeds(makeCrawler({ FEEDS: feeds, JOBDIR: jobdir }), range(3, 5));
    const files = readdirSync(folder).sort();
    assert.deepEqual(files, ['p-001.json', 'p-002.json', 'p-003.json']);
    const arrays = files.map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')) as unknown[]);
    assert.deepEqual(arrays, [range(0, 2), range(2, 3), range(3, 5)]);
  });

  it('a file that is not a feed, or a feeds.json of another version, is refused with a clear error', async () => {
    const path = join(dir, 'foreign.json');
    writeFileSync(path, 'hello, this is not json');
    const crawler = makeCrawler({ FEEDS: { [path]: {} } });
    const exporter = FeedExporter.fromCrawler(crawler);
    await assert.rejects(exporter.open(), (e: Error) => e instanceof FeedResumeError && /foreign\.json.*not a JSON array.*-O/.test(e.message));
    assert.equal(readFileSync(path, 'utf8'), 'hello, this is not json', 'left untouched');
    const jobdir = join(dir, 'job-version');
    await runFeeds(makeCrawler({ FEEDS: { [join(dir, 'v.jsonl')]: {} }, JOBDIR: jobdir }), []);
    const state = JSON.parse(readFileSync(feedsStatePath(jobdir), 'utf8')) as FeedsJobState;
    writeFileSync(feedsStatePath(jobdir), JSON.stringify({ ...state, version: 99 }));
    assert.throws(
      () => FeedExporter.fromCrawler(makeCrawler({ FEEDS: { [join(dir, 'v.jsonl')]: {} }, JOBDIR: jobdir })),
      (e: Error) => e instanceof FeedResumeError && /feeds\.json.*version 99/.test(e.message),
    );
    assert.ok(existsSync(feedsStatePath(jobdir)));
    assert.deepEqual(readdirSync(jobdir), ['feeds.json'], 'no temp files left behind');
  });
});
