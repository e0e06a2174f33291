import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/config-files.js';
import { resolveCredentials } from '../config/credentials.js';
import { readBundleFile, type Manifest } from '../project/archive.js';
import { ProjectNotFoundError } from '../project/errors.js';
import { findProject, type ProjectInfo } from '../project/project.js';
import { buildDeployBundle } from './bundle.js';
import { addVersion, listProjects, type ServerAnswer } from './client.js';
import { DeployConfigError, DeployFailedError, ServerError } from './errors.js';
import { planDeploys, type DeployPlan, type PlanDefaults } from './plan.js';
import { maskUrl } from '../crawler/downloader/mask.js';
import { endpointUrl, findTarget, getAllTargets, getTarget, getTargets } from './targets.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { makeDir } from '../util/make-dir.js';

/** Where output goes: progress (stderr), the server's answer (stdout), debug lines. */
export interface DeployIO {
  progress(line: string): void;
  answer(text: string): void;
  debug?: ((line: string) => void) | undefined;
}

export interface DeployContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  io: DeployIO;
  /** Tests point the system-wide file elsewhere. */
  systemFile?: string;
}

export interface DeployOptions {
  /** Target name; @default 'default' */
  target?: string | undefined;
  project?: string | undefined;
  /** A version, or GIT / HG. */
  version?: string | undefined;
  allTargets?: boolean;
  /** Upload this bundle (built earlier) instead of building. */
  egg?: string | undefined;
}

/** One upload's outcome. */
export interface DeployResult {
  target: string;
  url: string;
  project: string;
  version: string;
  status: number;
  ok: boolean;
  response: Record<string, unknown> | string;
}

/** Targets for `deploy -l`: name and URL (password masked), in definition order. */
export async function listTargets(ctx: DeployContext): Promise<Array<{ name: string; url: string }>> {
  const config = await loadConfig(configOptions(ctx));
  return [...getTargets(config).values()].map((t) => ({ name: t.name, url: maskUrl(t.url) }));
}

/** `deploy -L TARGET`: the projects on that server. */
export async function listTargetProjects(ctx: DeployContext, targetName: string): Promise<string[]> {
  const config = await loadConfig(configOptions(ctx));
  const target = getTarget(config, targetName);
  const creds = await resolveCredentials(target, { env: ctx.env });
  for (const w of creds.warnings) ctx.io.progress(w);
  const { answer, projects } = await listProjects({ url: target.url, credentials: creds.credentials, searched: creds.searched, debug: ctx.io.debug });
  failOnStatusError(answer, endpointUrl(target.url, 'listprojects.json').toString());
  return projects;
}

/** `deploy --build-only FILE`: builds and writes the bundle, uploads nothing (no url needed). */
export async function buildOnly(ctx: DeployContext, file: string, opts: DeployOptions): Promise<{ file: string; manifest: Manifest }> {
  const config = await loadConfig(configOptions(ctx));
  const info = await requireProject(ctx);
  const target = findTarget(config, opts.target ?? 'default');
  const [plan] = await planDeploys([target], opts, projectDefaults(info));
  const { project, version } = plan!;
  ctx.io.progress(`Packing version ${version}`);
  const { archive, manifest, built } = await buildDeployBundle(info, { project, version, env: ctx.env });
  for (const w of built.warnings) ctx.io.progress(`Warning: ${w}`);
  const out = resolve(ctx.cwd, file);
  try {
    await makeDir(dirname(out));
    // Renamed into place: an upload or copy of the file running meanwhile never takes half a bundle.
    await writeFileAtomic(out, archive);
  } catch (err) {
    throw new DeployConfigError(`--build-only ${file}: cannot write ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  ctx.io.progress(`Writing bundle to ${out}`);
  return { file: out, manifest };
}

/**
 * Builds (or reads `--egg`) and uploads to one target, or every target with `allTargets`.
 * Every target's url, project and version are checked first, so a config error stops the run
 * before anything is built or uploaded. With `allTargets`, a target that fails does not stop the
 * others: its error is reported once through `io.progress`, and a DeployFailedError naming the
 * failed targets is thrown once all were tried. One target: its error is thrown as is.
 */
export async function deploy(ctx: DeployContext, opts: DeployOptions): Promise<DeployResult[]> {
  const config = await loadConfig(configOptions(ctx));
  const targets = opts.allTargets ? getAllTargets(config) : [getTarget(config, opts.target ?? 'default')];
  let egg: { archive: Buffer; manifest: Manifest } | undefined;
  let info: ProjectInfo | undefined;
  if (opts.egg) egg = await readEgg(resolve(ctx.cwd, opts.egg), opts.egg);
  else info = await requireProject(ctx);
  const defaults = egg
    ? { project: egg.manifest.project, projectFrom: `the bundle ${opts.egg}`, version: egg.manifest.version, cwd: ctx.cwd }
    : projectDefaults(info!);
  const plans = await planDeploys(targets, opts, defaults);
  if (egg) ctx.io.progress(`Using bundle: ${opts.egg}`);
  const results: DeployResult[] = [];
  const failed: Array<{ target: string; code: string; message: string }> = [];
  const built = new Map<string, Buffer>();
  for (const plan of plans) {
    try {
      const result = await deployOne(ctx, plan, egg, info, built);
      if (!result.ok) throw statusError(result);
      results.push(result);
    } catch (err) {
      if (!opts.allTargets) throw err;
      ctx.io.progress(`Error: ${(err as Error).message}`);
      failed.push({ target: plan.target.name, code: (err as { code?: string }).code ?? 'TSC_ERR', message: (err as Error).message });
    }
  }
  if (failed.length) {
    throw new DeployFailedError(`Deploy failed for ${failed.length} of ${plans.length} targets: ${failed.map((f) => f.target).join(', ')}`, {
      deployed: results,
      failed,
    });
  }
  return results;
}

function statusError(r: DeployResult): ServerError {
  const msg = typeof r.response === 'object' && typeof r.response.message === 'string' ? r.response.message : JSON.stringify(r.response);
  return new ServerError(`Deploy to ${r.target} failed: the server answered "status": "error": ${msg}`, r.status, JSON.stringify(r.response));
}

async function deployOne(
  ctx: DeployContext,
  { target, project, version }: DeployPlan,
  egg: { archive: Buffer; manifest: Manifest } | undefined,
  info: ProjectInfo | undefined,
  cache: Map<string, Buffer>,
): Promise<DeployResult> {
  let archive: Buffer;
  if (egg) {
    if (project !== egg.manifest.project || version !== egg.manifest.version) {
      ctx.io.progress(`Note: the bundle was built as ${egg.manifest.project} ${egg.manifest.version}; uploading it as ${project} ${version}`);
    }
    archive = egg.archive;
  } else {
    const key = `${project}\0${version}`;
    ctx.io.progress(`Packing version ${version}`);
    let packed = cache.get(key);
    if (!packed) {
      const b = await buildDeployBundle(info!, { project, version, env: ctx.env });
      for (const w of b.built.warnings) ctx.io.progress(`Warning: ${w}`);
      cache.set(key, (packed = b.archive));
    }
    archive = packed;
  }
  const url = endpointUrl(target.url, 'addversion.json').toString();
  ctx.io.progress(`Deploying to project "${project}" in ${maskUrl(url)}`);
  const creds = await resolveCredentials(target, { env: ctx.env });
  for (const w of creds.warnings) ctx.io.progress(w);
  const answer = await addVersion(
    { url: target.url, credentials: creds.credentials, searched: creds.searched, debug: ctx.io.debug },
    { project, version, egg: archive },
  );
  ctx.io.progress(`Server response (${answer.status}):`);
  ctx.io.answer(answer.text);
  const ok = answer.json?.status !== 'error';
  return { target: target.name, url: maskUrl(url), project, version, status: answer.status, ok, response: answer.json ?? answer.text };
}

/** Reads the `--egg` bundle; a file that cannot be read is a usage error naming it, never a bare ENOENT. */
async function readEgg(file: string, given: string): Promise<{ archive: Buffer; manifest: Manifest }> {
  try {
    return await readBundleFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || code.startsWith('TSC_')) throw err;
    throw new DeployConfigError(`--egg ${given}: cannot read ${file} (${code}); build a bundle with --build-only FILE first`, { cause: err });
  }
}

/** The project's own name and folder: the fallbacks when neither -p nor the target sets a project. */
function projectDefaults(info: ProjectInfo): PlanDefaults {
  return { project: info.name, projectFrom: `the project (${info.root})`, cwd: info.root };
}

function failOnStatusError(answer: ServerAnswer, url: string): void {
  if (answer.json?.status === 'error') {
    const msg = typeof answer.json.message === 'string' ? answer.json.message : answer.text;
    throw new ServerError(`${maskUrl(url)} answered "status": "error": ${msg}`, answer.status, answer.text);
  }
}

async function requireProject(ctx: DeployContext): Promise<ProjectInfo> {
  const info = await findProject(ctx.cwd, configOptionsNoCwd(ctx));
  if (!info) {
    throw new ProjectNotFoundError(
      `No tscrapy project here: no scrapy.cfg in ${ctx.cwd} or any folder above it. Run this inside a project, create one with \`tscrapy new NAME\`, or upload a bundle built earlier with --egg FILE.`,
    );
  }
  return info;
}

function configOptions(ctx: DeployContext): { cwd: string; env: NodeJS.ProcessEnv; systemFile?: string } {
  return { cwd: ctx.cwd, ...configOptionsNoCwd(ctx) };
}

function configOptionsNoCwd(ctx: DeployContext): { env: NodeJS.ProcessEnv; systemFile?: string } {
  return ctx.systemFile ? { env: ctx.env, systemFile: ctx.systemFile } : { env: ctx.env };
}
