import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/config-files.js';
import { resolveCredentials } from '../config/credentials.js';
import { readBundleFile, type Manifest } from '../project/archive.js';
import { ProjectNotFoundError } from '../project/errors.js';
import { findProject, type ProjectInfo } from '../project/project.js';
import { buildDeployBundle } from './bundle.js';
import { addVersion, listProjects, type ServerAnswer } from './client.js';
import { ServerError } from './errors.js';
import { endpointUrl, getTarget, getTargets, maskUrl, type DeployTarget } from './targets.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { resolveVersion } from './version.js';

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

/** `deploy --build-only FILE`: builds and writes the bundle, uploads nothing. */
export async function buildOnly(ctx: DeployContext, file: string, opts: DeployOptions): Promise<{ file: string; manifest: Manifest }> {
  const config = await loadConfig(configOptions(ctx));
  const info = await requireProject(ctx);
  const target = getTargets(config).get(opts.target ?? 'default');
  const project = opts.project ?? target?.project ?? info.name;
  const version = await resolveVersion(opts.version ?? target?.version, info.root);
  ctx.io.progress(`Packing version ${version}`);
  const { archive, manifest, built } = await buildDeployBundle(info, { project, version, env: ctx.env });
  for (const w of built.warnings) ctx.io.progress(`Warning: ${w}`);
  const out = resolve(ctx.cwd, file);
  await mkdir(dirname(out), { recursive: true });
  // Renamed into place: an upload or copy of the file running meanwhile never takes half a bundle.
  await writeFileAtomic(out, archive);
  ctx.io.progress(`Writing bundle to ${out}`);
  return { file: out, manifest };
}

/**
 * Builds (or reads `--egg`) and uploads to one target, or every target with `allTargets`.
 * Each target's result is returned; a failing target does not stop the others, and the first
 * failure is rethrown once all were tried.
 */
export async function deploy(ctx: DeployContext, opts: DeployOptions): Promise<DeployResult[]> {
  const config = await loadConfig(configOptions(ctx));
  const targets: DeployTarget[] = opts.allTargets ? [...getTargets(config).values()] : [getTarget(config, opts.target ?? 'default')];
  if (targets.length === 0) getTarget(config, 'default'); // throws, listing what was read
  let egg: { archive: Buffer; manifest: Manifest } | undefined;
  let info: ProjectInfo | undefined;
  if (opts.egg) {
    egg = await readBundleFile(resolve(ctx.cwd, opts.egg));
    ctx.io.progress(`Using bundle: ${opts.egg}`);
  } else {
    info = await requireProject(ctx);
  }
  const results: DeployResult[] = [];
  const built = new Map<string, Buffer>();
  let firstError: unknown;
  for (const target of targets) {
    try {
      results.push(await deployOne(ctx, target, opts, egg, info, built));
    } catch (err) {
      if (!opts.allTargets) throw err;
      ctx.io.progress(`Error: ${(err as Error).message}`);
      firstError ??= err;
    }
  }
  if (firstError) throw firstError;
  const failed = results.find((r) => !r.ok);
  if (failed) {
    const msg = typeof failed.response === 'object' && typeof failed.response.message === 'string' ? failed.response.message : JSON.stringify(failed.response);
    throw new ServerError(`Deploy to ${failed.target} failed: the server answered "status": "error": ${msg}`, failed.status, JSON.stringify(failed.response));
  }
  return results;
}

async function deployOne(
  ctx: DeployContext,
  target: DeployTarget,
  opts: DeployOptions,
  egg: { archive: Buffer; manifest: Manifest } | undefined,
  info: ProjectInfo | undefined,
  cache: Map<string, Buffer>,
): Promise<DeployResult> {
  let project: string;
  let version: string;
  let archive: Buffer;
  if (egg) {
    project = opts.project ?? target.project ?? egg.manifest.project;
    version = opts.version ? await resolveVersion(opts.version, ctx.cwd) : egg.manifest.version;
    if (project !== egg.manifest.project || version !== egg.manifest.version) {
      ctx.io.progress(`Note: the bundle was built as ${egg.manifest.project} ${egg.manifest.version}; uploading it as ${project} ${version}`);
    }
    archive = egg.archive;
  } else {
    project = opts.project ?? target.project ?? info!.name;
    version = await resolveVersion(opts.version ?? target.version, info!.root);
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
