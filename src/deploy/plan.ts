import { PROJECT_NAME_PATTERN, VERSION_PATTERN } from '../project/manifest.js';
import { DeployConfigError } from './errors.js';
import type { DeployTarget } from './targets.js';
import { resolveVersion } from './version.js';

/** What one upload sends: the target, and the project and version chosen for it. */
export interface DeployPlan {
  target: DeployTarget;
  project: string;
  version: string;
}

/** The command line's choices (`-p`, `-v`); empty strings count as not given, as in scrapyd-deploy. */
export interface PlanOptions {
  project?: string | undefined;
  version?: string | undefined;
}

/** What the project name and version fall back to when neither the flags nor the target set them. */
export interface PlanDefaults {
  /** The project's name (`[deploy] project`, else its folder), or the bundle's with --egg. */
  project: string;
  /** Where `project` comes from, for messages (`the project (/p)`, `the bundle b.tar.gz`). */
  projectFrom: string;
  /** The bundle's own version with --egg; undefined: the current Unix time (one for the whole run). */
  version?: string | undefined;
  /** Where GIT / HG are run. */
  cwd: string;
}

/**
 * Chooses project and version for each target before anything is built or uploaded, so a bad
 * name or a GIT version outside a repository is one error, reported once, with nothing uploaded.
 *
 * - project: `-p`, else the target's `project` (scrapyd-deploy's order); when neither is set
 *   at all, `defaults.project`; when one is set but empty, scrapyd-deploy's "Missing project".
 * - version: `-v`, else the target's `version`, else `defaults.version` (the bundle's own with
 *   --egg), else the current Unix time. GIT / HG are resolved once per run, as is the time.
 */
export async function planDeploys<T extends DeployTarget | undefined>(
  targets: T[],
  opts: PlanOptions,
  defaults: PlanDefaults,
  now: () => number = Date.now,
): Promise<Array<{ target: T; project: string; version: string }>> {
  const versions = new Map<string, Promise<string>>();
  const resolveOnce = (spec: string | undefined, source: string): Promise<string> => {
    const key = spec ?? '';
    let v = versions.get(key);
    if (!v) versions.set(key, (v = resolveVersion(spec, defaults.cwd, now, source)));
    return v;
  };
  const plans: Array<{ target: T; project: string; version: string }> = [];
  for (const target of targets) {
    const project = chooseProject(target, opts, defaults);
    const spec = opts.version || target?.version || undefined;
    const source = opts.version ? `-v ${opts.version}` : `version = ${spec ?? ''} in ${target?.sources?.version ?? '[deploy]'}`;
    const version = spec ? await resolveOnce(spec, source) : (defaults.version ?? (await resolveOnce(undefined, source)));
    if (!VERSION_PATTERN.test(version)) {
      const from = spec ? `${source}${spec !== version ? ` (resolved to ${JSON.stringify(version)})` : ''}` : 'the bundle\'s version';
      throw new DeployConfigError(`Version ${JSON.stringify(version)} from ${from} is not valid: use 1-128 letters, digits, _ . + - starting with a letter or digit (it becomes a folder name on the server)`);
    }
    plans.push({ target, project, version });
  }
  return plans;
}

function chooseProject(target: DeployTarget | undefined, opts: PlanOptions, defaults: PlanDefaults): string {
  let chosen = opts.project || target?.project;
  let from = opts.project ? `-p ${opts.project}` : `project = ${chosen} in ${target?.sources?.project ?? '[deploy]'}`;
  if (!chosen) {
    if (opts.project !== undefined || target?.project !== undefined) {
      const why = target?.project !== undefined ? `project is empty (project = in ${target.sources?.project ?? '[deploy]'})` : '-p is empty';
      throw new DeployConfigError(`Missing project: ${why}. Set project = NAME for the target in scrapy.cfg, or pass -p NAME`);
    }
    chosen = defaults.project;
    from = defaults.projectFrom;
  }
  if (!PROJECT_NAME_PATTERN.test(chosen)) {
    throw new DeployConfigError(`Project name ${JSON.stringify(chosen)} from ${from} is not valid: use 1-128 letters, digits, _ . - starting with a letter or digit (it becomes a folder name on the server)`);
  }
  return chosen;
}
