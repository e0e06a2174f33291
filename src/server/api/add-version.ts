import { ApiError, BundleRejectedError } from '../errors.js';
import { checkName } from '../names.js';
import type { Endpoint } from './endpoint.js';

/**
 * addversion.json: `project`, `version` and the bundle in `egg`, either an uploaded file or
 * a form field holding the archive's bytes. The form's project and
 * version win over the manifest's (Scrapyd semantics); the spider list is the manifest's.
 */
export const addVersion: Endpoint = {
  path: '/addversion.json',
  methods: ['POST'],
  bundleField: 'egg',
  async handle(ctx, params) {
    const project = checkName('project', params.required('project'));
    const version = checkName('version', params.required('version'));
    // a file part (-F egg=@f) or a field (--data-urlencode egg@f, as ScrapydWeb sends it)
    const egg = params.file('egg');
    if (!egg) throw new ApiError("'egg' parameter is required", 400);
    try {
      const stored = await ctx.versions.put(project, version, egg);
      return { project, version, spiders: stored.manifest.spiders.length, spider_names: stored.manifest.spiders };
    } catch (err) {
      if (err instanceof BundleRejectedError) throw new ApiError(err.message, 400);
      throw err;
    }
  },
};
