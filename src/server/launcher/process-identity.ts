import { readFileSync } from 'node:fs';

/**
 * When process `pid` started, as the kernel counts it (Linux: field 22 of /proc/PID/stat,
 * clock ticks since boot), or null where that is unknown. Recorded with a job's pid so that a
 * restarted server ends its own orphan, never an unrelated process that got the pid later.
 */
export function processStartTime(pid: number): string | null {
  return procStat(pid)?.[19] ?? null;
}

/** Fields 3… of /proc/PID/stat (state first), or null off Linux or when the process is gone. */
function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: fields resume after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * Whether `pid` is alive (a zombie, exited but not yet reaped, is not) and, when its start
 * time was recorded and can be read, the same process.
 */
export function isSameProcess(pid: number | null, startTime: string | null): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  if (stat?.[0] === 'Z') return false;
  return startTime === null || stat === null || stat[19] === startTime;
}
