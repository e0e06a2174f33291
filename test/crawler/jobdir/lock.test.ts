import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { tempDir } from './helpers.js';

const CONTENDER = fileURLToPath(new URL('./lock-contender.ts', import.meta.url));
const PROCESSES = 4;
const TRIALS = 40;

interface Outcome {
  trial: number;
  held: boolean;
  error?: string;
}

describe('JOBDIR lock: processes started together', { timeout: 120_000 }, () => {
  const tmp = tempDir();
  const children: ChildProcess[] = [];
  const outcomes = new Map<number, Outcome[]>();
  const waiters = new Map<number, () => void>();

  before(async () => {
    for (let i = 0; i < PROCESSES; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', CONTENDER], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`contender exited with ${code} before it was ready`)));
      });
      child.on('message', (m: Outcome) => {
        const list = outcomes.get(m.trial) ?? [];
        list.push(m);
        outcomes.set(m.trial, list);
        if (list.length === PROCESSES) waiters.get(m.trial)?.();
      });
    }
  });
  after(async () => {
    await Promise.all(
      children.map((c) => {
        if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
        const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
        c.send('exit');
        const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
        return exited.finally(() => clearTimeout(kill));
      }),
    );
    tmp.cleanup();
  });

  /** Every contender tries to take `path` at the same instant; returns their outcomes. */
  async function contend(trial: number, path: string): Promise<Outcome[]> {
    const done = new Promise<void>((resolve) => waiters.set(trial, resolve));
    const at = performance.timeOrigin + performance.now() + 30;
    for (const c of children) c.send({ trial, path, at });
    await done;
    return outcomes.get(trial)!;
  }

  it(`${PROCESSES} processes, ${TRIALS} times: exactly one holds a fresh lock`, async () => {
    for (let t = 0; t < TRIALS; t++) {
      const dir = join(tmp.dir, `fresh-${t}`);
      mkdirSync(dir);
      const res = await contend(t, join(dir, 'lock'));
      const holders = res.filter((r) => r.held).length;
      assert.equal(holders, 1, `trial ${t}: ${holders} processes hold the lock (${JSON.stringify(res)})`);
      for (const r of res.filter((x) => !x.held)) assert.match(r.error ?? '', /is in use by process \d+ on /);
    }
  });

  it(`${PROCESSES} processes, ${TRIALS} times: exactly one takes over a stale lock`, async () => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    for (let t = 0; t < TRIALS; t++) {
      const dir = join(tmp.dir, `stale-${t}`);
      mkdirSync(dir);
      // Half the trials: a lock of a dead process; the other half: an empty file (older tscrapy's crash leftover).
      const stale = t % 2 === 0 ? JSON.stringify({ pid: dead, host: hostname(), startedAt: 'earlier' }) : '';
      writeFileSync(join(dir, 'lock'), stale);
      const res = await contend(TRIALS + t, join(dir, 'lock'));
      const holders = res.filter((r) => r.held).length;
      assert.equal(holders, 1, `trial ${t}: ${holders} processes hold the lock (${JSON.stringify(res)})`);
    }
  });
});
