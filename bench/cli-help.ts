// How long `tscrapy --help` and `tscrapy crawl --help` take, against `node -e 0` (the floor
// of any Node CLI) measured in the same run. Target: under 300 ms. Run after `npm run build`
// (help reads oclif.manifest.json; the crawler is never imported for help).
//   node --import tsx bench/cli-help.ts [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const RUNS = Number(process.argv[2] ?? 15);

// CPU time (user + sys) is reported too, from GNU time when present: on a busy machine wall
// time mostly measures the wait for a core, CPU time what the command itself costs.
const GNU_TIME = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0;

function time(args: string[]): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const t = performance.now();
    const r = GNU_TIME
      ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
      : spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i < 2) continue; // the first two warm the file cache
    wall.push(ms);
    const m = /CPU ([\d.]+) ([\d.]+)/.exec(String(r.stderr));
    if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}

const median = (a: number[]) => a[Math.floor(a.length / 2)]!;
const cases: Array<[string, string[]]> = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ['tscrapy --help', [BIN, '--help']],
  ['tscrapy crawl --help', [BIN, 'crawl', '--help']],
  ['tscrapy version', [BIN, 'version']],
];
const results = cases.map(([name, args]) => ({ name, ...time(args) }));
const base = median(results[0]!.wall);
const cpuBase = results[0]!.cpu.length ? median(results[0]!.cpu) : 0;
console.log(`${RUNS} runs each; wall time median (min–max), ratio to the baseline; CPU (user+sys) median:`);
for (const { name, wall: ms, cpu } of results) {
  const m = median(ms);
  const c = cpu.length ? `  CPU ${median(cpu).toFixed(0)} ms (${(median(cpu) / Math.max(cpuBase, 1)).toFixed(1)}× baseline)` : '';
  console.log(`${name.padEnd(24)} ${m.toFixed(0).padStart(5)} ms (${ms[0]!.toFixed(0)}–${ms.at(-1)!.toFixed(0)})  ${(m / base).toFixed(2)}× baseline  ${m - base >= 0 ? '+' : ''}${(m - base).toFixed(0)} ms${name.startsWith('tscrapy') && name.includes('help') ? (m < 300 ? '  ✓ < 300 ms' : '  ✗ ≥ 300 ms') : ''}${c}`);
}
