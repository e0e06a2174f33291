import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeployConfigError } from './errors.js';

const run = promisify(execFile);

async function out(cmd: string, args: string[], cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(cmd, args, { cwd, timeout: 10_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** A branch name made safe for a version (which becomes a folder name on the server): `feature/x` → `feature_x`. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.+-]/g, '_');
}

/**
 * The version to deploy, as scrapyd-deploy computes it: `GIT` → `git describe` (or
 * `r<commit count>` when there is no tag) plus `-<branch>`; `HG` → `r<tip revision>-<branch>`;
 * any other value as given; none → the current Unix time in seconds.
 *
 * `source` says where `spec` came from (`-v GIT`, `version = GIT in [deploy] in /p/scrapy.cfg`)
 * for the error raised when GIT or HG cannot be used here.
 */
export async function resolveVersion(spec: string | undefined, cwd: string, now: () => number = Date.now, source = `version ${spec}`): Promise<string> {
  if (!spec) return String(Math.floor(now() / 1000));
  if (spec === 'GIT') {
    let d = await out('git', ['describe'], cwd);
    if (!d) {
      const count = await out('git', ['rev-list', '--count', 'HEAD'], cwd);
      if (count === undefined) {
        throw new DeployConfigError(`${source}: ${cwd} is not in a git repository with a commit (git rev-list failed); commit first, or give a version with -v`);
      }
      d = `r${count}`;
    }
    const branch = (await out('git', ['rev-parse', '--abbrev-ref', 'HEAD'], cwd)) ?? 'HEAD';
    return `${safe(d)}-${safe(branch)}`;
  }
  if (spec === 'HG') {
    const rev = await out('hg', ['tip', '--template', '{rev}'], cwd);
    if (rev === undefined) throw new DeployConfigError(`${source}: ${cwd} is not in a Mercurial repository (or hg is not installed); give a version with -v`);
    const branch = (await out('hg', ['branch'], cwd)) ?? 'default';
    return `r${rev}-${safe(branch)}`;
  }
  return spec;
}
