import { ApiError } from '../errors.js';
import { checkName } from '../names.js';
import type { Endpoint } from './endpoint.js';
import type { ServerContext } from '../context.js';
import type { Params } from '../http/params.js';

/** The `project` parameter, validated and known; Scrapyd's message otherwise. */
export function knownProject(ctx: ServerContext, params: Params): string {
  const project = checkName('project', params.required('project'));
  if (!ctx.versions.hasProject(project)) throw new ApiError(`project '${project}' not found`, 404);
  return project;
}

/** The optional `_version` parameter, validated and existing. */
export function knownVersion(ctx: ServerContext, project: string, params: Params, name = '_version'): string | null {
  const raw = params.optional(name);
  if (raw === undefined || raw === '') return null;
  const version = checkName('version', raw, name);
  if (!ctx.versions.get(project, version)) throw new ApiError(`version '${version}' not found`, 404);
  return version;
}

export const listProjects: Endpoint = {
  path: '/listprojects.json',
  methods: ['GET'],
  handle: (ctx) => ({ projects: ctx.versions.projects() }),
};

export const listVersions: Endpoint = {
  path: '/listversions.json',
  methods: ['GET'],
  handle(ctx, params) {
    // Scrapyd answers an unknown project with an empty list here, not an error
    const project = checkName('project', params.required('project'));
    return { versions: ctx.versions.versions(project) };
  },
};

export const listSpiders: Endpoint = {
  path: '/listspiders.json',
  methods: ['GET'],
  handle(ctx, params) {
    const project = knownProject(ctx, params);
    const version = knownVersion(ctx, project, params);
    const stored = ctx.versions.get(project, version)!;
    return { spiders: stored.manifest.spiders, version: stored.version };
  },
};

export const delVersion: Endpoint = {
  path: '/delversion.json',
  methods: ['POST'],
  handle(ctx, params) {
    const project = knownProject(ctx, params);
    const version = checkName('version', params.required('version'));
    if (!ctx.versions.delete(project, version)) throw new ApiError(`version '${version}' not found`, 404);
    if (!ctx.versions.hasProject(project)) ctx.scheduler.dropProject(project);
    return {};
  },
};

export const delProject: Endpoint = {
  path: '/delproject.json',
  methods: ['POST'],
  handle(ctx, params) {
    const project = knownProject(ctx, params);
    ctx.versions.delete(project);
    ctx.scheduler.dropProject(project);
    return {};
  },
};
