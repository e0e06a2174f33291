// Benchmarks `tscrapy server` on 127.0.0.1 (run: node --import tsx bench/server.ts):
//  1. schedule.json latency at a steady 200 requests/s (p50/p99), against daemonstatus.json
//     at the same rate as the baseline (the cost of any request on this server);
//  2. schedule → running: until the API shows the job running, and until the job's child
//     process reports over IPC, against a bare fork() of the same child to its first message;
//  3. listjobs.json with 10,000 finished jobs (p50/p99), against daemonstatus.json.
import { fork } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { JobRecord } from '../src/server/job.js';
import { startServer } from '../src/server/server.js';
import { FIXTURE_CHILD, makeBundle, tempDir, testConfig } from '../test/server/helpers.js';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function call(pool: Pool, method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<{ ms: number; body: any }> {
  const t0 = performance.now();
  const r = await pool.request({
    method,
    path,
    ...(form ? { body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
  });
  const text = await r.body.text(); // time to the last byte; parsing is the client's cost
  const elapsed = performance.now() - t0;
  return { ms: elapsed, body: JSON.parse(text) };
}

/** Sends `n` requests at `rate`/s (open loop: sends do not wait for replies). */
async function atRate(n: number, rate: number, fn: (i: number) => Promise<{ ms: number }>): Promise<number[]> {
  const start = performance.now();
  const all: Promise<{ ms: number }>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    all.push(fn(i));
  }
  return (await Promise.all(all)).map((r) => r.ms);
}

async function main() {
  const dir = tempDir('tscrapy-bench-');
  try {
    // --- 1 and 2: a fresh server; one slot busy with a long job so schedules queue up
    const server = await startServer({ config: testConfig(dir, { max_proc: 1, finished_to_keep: 100 }), runnerScript: FIXTURE_CHILD });
    const pool = new Pool(server.url, { connections: 32 });
    const up = await pool.request({ method: 'POST', path: '/addversion.json', body: await multipart(await makeBundle()), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
    await up.body.json();
    await call(pool, 'POST', '/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'blocker', mode: 'hang' });
    for (let i = 0; i < 50; i++) await call(pool, 'GET', '/daemonstatus.json'); // warm-up
    const N = 1000;
    const base = await atRate(N, 200, () => call(pool, 'GET', '/daemonstatus.json'));
    const sched = await atRate(N, 200, (i) => call(pool, 'POST', '/schedule.json', { project: 'demo', spider: 'alpha', items: '0', n: String(i) }));
    console.log(`schedule.json at 200 req/s (${N} requests; ${N} pending jobs queued behind max_proc=1):`);
    console.log(`  p50 ${ms(pct(sched, 50))}, p99 ${ms(pct(sched, 99))}  | baseline daemonstatus.json p50 ${ms(pct(base, 50))}, p99 ${ms(pct(base, 99))}  | ratio p50 ${(pct(sched, 50) / pct(base, 50)).toFixed(2)}×, p99 ${(pct(sched, 99) / pct(base, 99)).toFixed(2)}×`);
    await server.close();
    await pool.close();

    const dir2 = join(dir, 'run2');
    mkdirSync(dir2);
    const s2 = await startServer({ config: testConfig(dir2, { max_proc: 4 }), runnerScript: FIXTURE_CHILD });
    const p2 = new Pool(s2.url, { connections: 8 });
    await (await p2.request({ method: 'POST', path: '/addversion.json', body: await multipart(await makeBundle()), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } })).body.json();
    const toRunning: number[] = [];
    const toChild: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const { body } = await call(p2, 'POST', '/schedule.json', { project: 'demo', spider: 'alpha', items: '1', interval: '1' });
      for (;;) {
        const st = (await call(p2, 'GET', `/job.json?job=${body.jobid}`)).body.job;
        if (st.state !== 'pending' && toRunning.length === i) toRunning.push(performance.now() - t0);
        if (st.items_count > 0 || st.state === 'finished') break;
        await sleep(1);
      }
      toChild.push(performance.now() - t0);
      while ((await call(p2, 'GET', `/job.json?job=${body.jobid}`)).body.job.state !== 'finished') await sleep(5);
    }
    const bare: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const c = fork(FIXTURE_CHILD, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
        c.once('message', () => {
          bare.push(performance.now() - t0);
          c.once('exit', () => resolve());
          setImmediate(() => c.kill('SIGKILL'));
        });
        c.send({ type: 'start', spec: { jobId: 'x', spider: 'a', args: { items: '1', interval: '1' }, settings: {}, logFile: null, jobDir: null } });
      });
    }
    console.log('schedule → running (20 jobs, free slots):');
    console.log(`  API shows running: p50 ${ms(pct(toRunning, 50))}, max ${ms(Math.max(...toRunning))}`);
    console.log(`  child process up and reporting: p50 ${ms(pct(toChild, 50))}, max ${ms(Math.max(...toChild))}  | baseline bare fork() → first IPC message p50 ${ms(pct(bare, 50))}  | ratio ${(pct(toChild, 50) / pct(bare, 50)).toFixed(2)}×`);
    await s2.close();
    await p2.close();

    // --- 3: listjobs.json with 10,000 finished jobs (journal written directly)
    const dir3 = join(dir, 'run3');
    const cfg = testConfig(dir3, { finished_to_keep: 10_000 });
    mkdirSync(cfg.dbs_dir, { recursive: true });
    const now = Date.now();
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const job: JobRecord = {
        id: `job${i}`, project: 'demo', spider: `spider${i % 10}`, version: null, resolved_version: '1', settings: { DOWNLOAD_DELAY: '1' }, args: { arg1: 'val1' },
        priority: 0, seq: i + 1, state: 'finished', created_time: now - 1000, start_time: now - 900, end_time: now - 10_000 + i, pid: 1000 + i, jobdir: null,
        exit_code: 0, exit_signal: null, finish_reason: 'finished', items_count: i, pages_count: i, errors_count: 0, stats: null, message: null, restarts: 0, has_log: true, has_items: true,
      };
      lines.push(JSON.stringify({ t: 'put', job }));
    }
    writeFileSync(join(cfg.dbs_dir, 'jobs.jl'), `${lines.join('\n')}\n`);
    const t3 = performance.now();
    const s3 = await startServer({ config: cfg, runnerScript: FIXTURE_CHILD });
    const startMs = performance.now() - t3;
    const p3 = new Pool(s3.url, { connections: 1 });
    for (let i = 0; i < 10; i++) await call(p3, 'GET', '/listjobs.json');
    const lj: number[] = [];
    const ds: number[] = [];
    let count = 0;
    for (let i = 0; i < 100; i++) {
      const r = await call(p3, 'GET', '/listjobs.json');
      count = r.body.finished.length;
      lj.push(r.ms);
      ds.push((await call(p3, 'GET', '/daemonstatus.json')).ms);
    }
    console.log(`listjobs.json with ${count} finished jobs (100 calls, sequential; server start with that journal: ${ms(startMs)}):`);
    console.log(`  p50 ${ms(pct(lj, 50))}, p99 ${ms(pct(lj, 99))}  | baseline daemonstatus.json p50 ${ms(pct(ds, 50))}  | ratio ${(pct(lj, 50) / pct(ds, 50)).toFixed(1)}×`);
    await s3.close();
    await p3.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BOUNDARY = 'tscrapybenchboundary';
async function multipart(egg: Buffer): Promise<Buffer> {
  const field = (name: string, value: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return Buffer.concat([
    Buffer.from(field('project', 'demo') + field('version', '1')),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="egg"; filename="b.tgz"\r\nContent-Type: application/gzip\r\n\r\n`),
    egg,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

await main();
