import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Debian's Chromium, installed by .ci/run; browser tests are skipped (with this reason) without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const skipWithoutChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`;

/**
 * Pids of live Chromium processes started by the crawl process `pid` (their command line holds
 * `--tscrapy-owner=<pid>-`), read from /proc so other users of Chromium on the machine never count.
 */
export function chromiumOf(pid: number): number[] {
  const mark = `--tscrapy-owner=${pid}-`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmd.includes(mark)) continue;
      // A zombie has an empty cmdline, so reaching here means it still runs.
      found.push(Number(entry));
    } catch {
      // It exited while we looked.
    }
  }
  return found;
}

/** The browser's main process (the one without a --type= switch), or null. */
export function mainChromiumOf(pid: number): number | null {
  for (const p of chromiumOf(pid)) {
    try {
      if (!readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=')) return p;
    } catch {
      // exited
    }
  }
  return null;
}

/** Waits until `pid` has no Chromium left, polling; false after `timeoutMs` (a generous bound). */
export async function noChromiumLeft(pid: number, timeoutMs = 30_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (chromiumOf(pid).length === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return chromiumOf(pid).length === 0;
}
