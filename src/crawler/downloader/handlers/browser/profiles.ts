import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirSync } from '../../../../util/make-dir.js';

/**
 * Playwright gives each browser a fresh profile folder in the temp dir and deletes it on close;
 * a crawl killed with `kill -9` (or a server job killed after its cancel timeout) leaves it
 * behind. Each launch records its profile here (`<owner>.json`: crawl pid and profile path), and
 * the next launch on the machine deletes the profiles whose crawl no longer runs.
 */
const REGISTRY = 'tscrapy-browser-profiles';
const OWNER = /^\d+-[0-9a-f]+$/;

function registryDir(base: string): string {
  return join(base, REGISTRY);
}

/** The `--user-data-dir` of the browser whose command line holds `--tscrapy-owner=<owner>` (Linux /proc), or null. */
export function profileOf(owner: string): string | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null; // not Linux: nothing recorded, nothing swept
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const args = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      if (!args.includes(`--tscrapy-owner=${owner}`)) continue;
      const dir = args.find((a) => a.startsWith('--user-data-dir='));
      return dir ? dir.slice('--user-data-dir='.length) : null;
    } catch {
      // exited while we looked
    }
  }
  return null;
}

/** Records that this crawl's browser `owner` uses `profile`. */
export function recordProfile(owner: string, profile: string, base: string = tmpdir()): void {
  makeDirSync(registryDir(base), 0o700);
  writeFileSync(join(registryDir(base), `${owner}.json`), JSON.stringify({ pid: process.pid, profile }), { mode: 0o600 });
}

/** Forgets `owner`'s record (its browser closed and Playwright deleted the profile). */
export function forgetProfile(owner: string, base: string = tmpdir()): void {
  rmSync(join(registryDir(base), `${owner}.json`), { force: true });
}

/** Deletes recorded profiles whose crawl process no longer runs; returns how many. */
export function sweepDeadProfiles(base: string = tmpdir()): number {
  let names: string[];
  try {
    names = readdirSync(registryDir(base)).filter((n) => n.endsWith('.json') && OWNER.test(n.slice(0, -5)));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const record = join(registryDir(base), name);
    try {
      const { pid, profile } = JSON.parse(readFileSync(record, 'utf8')) as { pid: number; profile: string };
      if (isRunning(pid)) continue;
      // Only Playwright's own fresh profiles in the temp dir are ever deleted.
      if (typeof profile === 'string' && profile.startsWith(join(base, 'playwright_chromiumdev_profile-')) && !profile.slice(base.length).includes('..')) {
        rmSync(profile, { recursive: true, force: true });
      }
      rmSync(record, { force: true });
      removed++;
    } catch {
      // A record being written right now, or unreadable: left for a later sweep.
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
