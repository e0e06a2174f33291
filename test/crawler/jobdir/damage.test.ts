import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { feedUrls, productIds, runJob, startCountingSite, tempDir, type CountingSite } from './helpers.js';

describe('JOBDIR damage, versions, lock and unserializable requests (child processes)', { timeout: 240_000 }, () => {
  let site: CountingSite;
  const tmp = tempDir();
  /** A job paused cleanly (Ctrl-C), and one killed with -9, to copy for each case. */
  const base = { paused: '', crashed: '' };
  before(async () => {
    site = await startCountingSite(600);
    for (const [kind, signal] of [['paused', 'SIGINT'], ['crashed', 'SIGKILL']] as const) {
      const jobdir = join(tmp.dir, kind);
      const r = await runJob({ origin: site.origin, jobdir, feed: `${jobdir}.jl` }, site, { after: 150, signals: [signal] });
      if (signal === 'SIGINT') {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.result?.reason, 'shutdown');
      } else assert.equal(r.signal, 'SIGKILL', r.stderr);
      base[kind] = jobdir;
    }
  });
  after(async () => {
    await site.close();
    tmp.cleanup();
  });

  function copyJob(name: string, from: keyof typeof base = 'paused') {
    const jobdir = join(tmp.dir, name);
    const feed = join(tmp.dir, `${name}.jl`);
    cpSync(base[from], jobdir, { recursive: true });
    cpSync(`${base[from]}.jl`, feed);
    // The feed state names the feed file: point it at the copy.
    const fs = join(jobdir, 'feeds.json');
    writeFileSync(fs, readFileSync(fs, 'utf8').split(`${base[from]}.jl`).join(feed));
    return { origin: site.origin, jobdir, feed };
  }

  function lastSegment(jobdir: string): string {
    const q = join(jobdir, 'queue');
    return join(q, readdirSync(q).sort().at(-1)!);
  }

  it('after a crash, drops a torn tail with a warning and resumes to a complete result', async () => {
    const opts = copyJob('torn', 'crashed');
    // Half a record: a header that declares 200 bytes, followed by 30.
    const half = Buffer.alloc(38);
    half.writeUInt32LE(200, 0);
    appendFileSync(lastSegment(opts.jobdir), half);
    const r = await runJob(opts, site);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.match(r.stderr, /dropped a torn tail of 38 bytes/);
    assert.equal(r.result?.reason, 'finished');
    const ids = productIds(feedUrls(opts.feed));
    assert.deepEqual([...new Set(ids)].sort((a, b) => a - b), site.site.expectedProductIds());
  });

  it('after a crash, refuses a log damaged in the middle, naming the file and the byte', async () => {
    const opts = copyJob('damaged', 'crashed');
    const seg = lastSegment(opts.jobdir);
    const data = readFileSync(seg);
    data[8 + 18 + 8 + 30] ^= 0xff; // inside the first push (after the file header and the start record)
    writeFileSync(seg, data);
    const r = await runJob(opts, site);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(seg), r.stderr.slice(-1000));
    assert.match(r.stderr, /the record at byte \d+ fails its checksum, and it is not a torn write/);
    assert.match(r.stderr, /--jobdir-repair/);
  });

  it('after a crash, refuses a log shorter than it was at the last checkpoint (damage, not a torn write)', async () => {
    const opts = copyJob('crash-truncated', 'crashed');
    const seg = lastSegment(opts.jobdir);
    truncateSync(seg, 8);
    const r = await runJob(opts, site);
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    assert.ok(r.stderr.includes(seg), r.stderr.slice(-1000));
    assert.match(r.stderr, /is 8 bytes long, but \d+ bytes of it were on disk at the job's last checkpoint/);
    assert.match(r.stderr, /--jobdir-repair/);
  });

  // Lost 2,499 pages with exit 0 when a missing queue looked like an empty one. Every kind of
  // damage is covered in test/crawler/queues/disk-seal.test.ts; this is the command a user runs.
  it('after a clean pause, refuses to resume with the queue file deleted: exit 1, naming the file', async () => {
    const opts = copyJob('deleted');
    const seg = lastSegment(opts.jobdir);
    rmSync(seg);
    const before = readFileSync(opts.feed, 'utf8');
    const r = await runJob(opts, site);
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    assert.ok(r.stderr.includes(`${seg} is missing (it held`), r.stderr.slice(-1500));
    assert.match(r.stderr, /the queue of this job is damaged/);
    assert.match(r.stderr, /--jobdir-repair \(-s JOBDIR_REPAIR=true\)/);
    assert.equal(readFileSync(opts.feed, 'utf8'), before, 'nothing already written is touched');
  });

  it('--jobdir-repair continues a damaged queue knowingly, with what is readable', async () => {
    const opts = copyJob('repair');
    const seg = lastSegment(opts.jobdir);
    truncateSync(seg, Math.floor(statSync(seg).size / 2));
    const r = await runJob({ ...opts, extraArgs: ['--jobdir-repair'] }, site);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.match(r.stderr, /JOBDIR_REPAIR: continuing the job in .* although its queue is damaged/);
    assert.ok(r.stderr.includes(seg));
    assert.equal(r.result?.reason, 'finished');
    // The repaired job was sealed cleanly: the next run says the job is complete, no repair needed.
    const again = await runJob(opts, site);
    assert.equal(again.code, 0, again.stderr.slice(-2000));
    assert.match(again.stderr, /already finished/);
  });

  it('refuses a JOBDIR written by another format version', async () => {
    const opts = copyJob('version');
    const manifest = join(opts.jobdir, 'jobdir.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"version": 1', '"version": 99'));
    const r = await runJob(opts, site);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /jobdir\.json: this JOBDIR was written in format version 99 .* reads version 1/);
  });

  it('refuses a JOBDIR locked by a live process, and takes over the lock of a dead one', async () => {
    const opts = copyJob('locked');
    writeFileSync(join(opts.jobdir, 'lock'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), startedAt: 'earlier' }));
    const r = await runJob(opts, site);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`is in use by process ${process.pid}`));

    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(opts.jobdir, 'lock'), JSON.stringify({ pid: Number(dead), host: (await import('node:os')).hostname(), startedAt: 'earlier' }));
    const ok = await runJob(opts, site);
    assert.equal(ok.code, 0, ok.stderr.slice(-2000));
    assert.match(ok.stderr, new RegExp(`Removed the stale lock .* of process ${dead}`));
    assert.equal(ok.result?.reason, 'finished');
  });

  it('names the request and the key of unserializable meta; SCHEDULER_DEBUG keeps it in memory', async () => {
    const opts = { origin: site.origin, jobdir: join(tmp.dir, 'meta'), feed: join(tmp.dir, 'meta.jl'), meta: 'unserializable' as const };
    const r = await runJob(opts, site);
    assert.equal(r.code, 0);
    assert.match(r.stderr, new RegExp(`Could not schedule <GET ${site.origin}/>: Cannot serialize request ${site.origin}/: meta\\.when`));
    assert.equal(r.result?.stats['item_scraped_count'], undefined);

    const dbg = { ...opts, jobdir: join(tmp.dir, 'meta-debug'), feed: join(tmp.dir, 'meta-debug.jl'), schedulerDebug: true };
    const d = await runJob(dbg, site);
    assert.equal(d.code, 0, d.stderr.slice(-2000));
    assert.match(d.stderr, /meta\.when .* kept in memory only/);
    assert.equal(d.result?.stats['scheduler/unserializable'], 1);
    assert.equal(d.result?.reason, 'finished');
    assert.equal(productIds(feedUrls(dbg.feed)).length, site.site.expectedProductIds().length);
  });
});
