// Sampling a benchmarked process and its descendants from /proc (Linux): summed RSS, and CPU
// time per process, for bench/browser.ts, bench/browser-mixed.ts and bench/peers/run.ts.
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

interface ProcStat {
  ppid: number;
  /** utime + stime, seconds. */
  cpu: number;
}

function stat(pid: string): ProcStat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / TICK };
  } catch {
    return null; // exited
  }
}

/** CPU seconds (user + system) `pid` has used so far; null once it has exited. */
export function cpuSeconds(pid: number): number | null {
  return stat(String(pid))?.cpu ?? null;
}

/** The process and its descendants (threads' children included), from /proc. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
      } catch {
        // the thread ended between the two reads
      }
    }
  }
  return out;
}

/**
 * Samples `root`'s process tree every `everyMs`: the peak of the summed VmRSS, and the last CPU
 * time seen of every process, split by whether its command is `node` (the crawler) or not (the
 * browser). A process's CPU after its last sample is not seen, so sample often.
 */
export class TreeSampler {
  readonly #root: number;
  readonly #timer: NodeJS.Timeout;
  readonly #cpu = new Map<number, { node: boolean; cpu: number }>();
  peakKb = 0;
  /** Peak of the summed PSS: shared pages split between the processes sharing them, so counted once in all. */
  peakPssKb = 0;

  constructor(root: number, everyMs = 100) {
    this.#root = root;
    this.#timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    let rss = 0;
    let pss = 0;
    for (const pid of processTree(this.#root)) {
      const s = stat(String(pid));
      if (!s) continue;
      try {
        rss += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        pss += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
        const known = this.#cpu.get(pid);
        const node = known?.node ?? readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node';
        this.#cpu.set(pid, { node, cpu: s.cpu });
      } catch {
        // exited
      }
    }
    this.peakKb = Math.max(this.peakKb, rss);
    this.peakPssKb = Math.max(this.peakPssKb, pss);
  }

  /** Stops sampling; CPU seconds of the crawler (node) processes and of the rest (the browser). */
  stop(): { crawlerCpu: number; browserCpu: number; peakMb: number; peakPssMb: number } {
    clearInterval(this.#timer);
    let crawlerCpu = 0;
    let browserCpu = 0;
    for (const { node, cpu } of this.#cpu.values()) {
      if (node) crawlerCpu += cpu;
      else browserCpu += cpu;
    }
    return { crawlerCpu, browserCpu, peakMb: this.peakKb / 1024, peakPssMb: this.peakPssKb / 1024 };
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The 1-minute load average now. */
export const load1 = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
