import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startContenders, type Contenders } from '../../support/contenders.js';
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
  let contenders: Contenders<Outcome>;
  before(async () => {
    contenders = await startContenders<Outcome>(CONTENDER, PROCESSES);
  });
  after(async () => {
    await contenders.close();
    tmp.cleanup();
  });

  /** Every contender tries to take `path` at the same instant; returns their outcomes. */
  function contend(trial: number, path: string): Promise<Outcome[]> {
    const at = performance.timeOrigin + performance.now() + 30;
    return contenders.trial(trial, () => ({ trial, path, at }));
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
