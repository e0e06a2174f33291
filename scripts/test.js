#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own runner (tsx compiles them on the fly).
// Node 20's --test takes no globs, so the files are listed here. Arguments narrow the run:
// `npm test -- test/crawler` runs the files under that folder only.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (path.endsWith('.test.ts')) {
    out.push(path);
  }
  return out;
}

const files = (roots.length ? roots : ['test']).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error(`No test files found under ${roots.join(', ') || 'test'}`);
  process.exit(2);
}
// Each file runs in its own process, bounded to 300 s: a hung file cannot stall the suite, and a
// file that spawns dozens of processes still has room on a busy 2-core machine.
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...flags, ...files],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);
