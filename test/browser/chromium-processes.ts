import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Debian's Chromium, installed by .ci/run; browser tests are skipped (with this reason) without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const skipWithoutChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`;

/** A process seen at one moment: its start time tells it apart from a later process with its pid. */
export interface SeenProcess {
  pid: number;
  start: string;
}

function stat(pid: number): { ppid: number; state: string; start: string } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0]!, ppid: Number(f[1]), start: f[19]! };
  } catch {
    return null;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Chromium processes descending from `root` now (the browser and its zygotes, renderers, GPU
 * and crashpad helpers), read from /proc so other Chromium users on the machine never count.
 */
export function chromiumTree(root: number): SeenProcess[] {
  const parent = new Map<number, number>();
  const starts = new Map<number, string>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const s = stat(Number(e));
    if (!s || s.state === 'Z') continue;
    parent.set(Number(e), s.ppid);
    starts.set(Number(e), s.start);
  }
  const out: SeenProcess[] = [];
  for (const pid of parent.keys()) {
    let p = parent.get(pid);
    let depth = 0;
    while (p !== undefined && p !== root && p > 1 && depth++ < 64) p = parent.get(p);
    if (p === root && /chrom/i.test(cmdline(pid))) out.push({ pid, start: starts.get(pid)! });
  }
  return out;
}

/** Those of `seen` still running (same pid and start time, not a zombie). */
export function stillRunning(seen: SeenProcess[]): SeenProcess[] {
  return seen.filter((p) => {
    const s = stat(p.pid);
    return s !== null && s.state !== 'Z' && s.start === p.start;
  });
}

/** The browser's main process of crawl process `pid` (its command line holds `--tscrapy-owner=<pid>-`), or null. */
export function mainChromiumOf(pid: number): number | null {
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const c = cmdline(Number(e));
    if (c.includes(`--tscrapy-owner=${pid}-`) && !c.includes('--type=')) return Number(e);
  }
  return null;
}

/** Waits until none of `seen` runs, polling; false after `timeoutMs` (a generous upper bound). */
export async function allGone(seen: SeenProcess[], timeoutMs = 30_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (stillRunning(seen).length === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return stillRunning(seen).length === 0;
}
