import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../support/process.js';
import { makeProject } from './fixture.js';

// The built modules (npm test builds first): under tsx, tsx itself loads esbuild.
const BUILD = fileURLToPath(new URL('../../dist/project/build.js', import.meta.url));
const PROJECT = fileURLToPath(new URL('../../dist/project/project.js', import.meta.url));

/**
 * Builds the project in the folder given as argument, in a fresh process and prints the build's `cached`
 * flag and whether esbuild's JavaScript API was loaded (CommonJS, so it shows in require.cache).
 */
const SCRIPT = `
import { createRequire } from 'node:module';
const { findProject } = await import(${JSON.stringify(PROJECT)});
const { buildProject } = await import(${JSON.stringify(BUILD)});
const built = await buildProject(await findProject(process.argv[1]));
const loaded = Object.keys(createRequire(import.meta.url).cache).some((f) => /[\\\\/]esbuild[\\\\/]lib[\\\\/]/.test(f));
console.log(JSON.stringify({ cached: built.cached, esbuildLoaded: loaded }));
`;

/** A cached project build (a `tscrapy crawl` of unchanged sources) starts without loading esbuild, as runspider's cache hits do. */
describe('project build cache hit', { timeout: 120_000 }, () => {
  let root: string;
  before(async () => {
    root = await makeProject();
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const build = async (): Promise<{ cached: boolean; esbuildLoaded: boolean }> => {
    const r = await runProcess(process.execPath, ['--input-type=module', '-e', SCRIPT, root], { cwd: root, env: process.env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { cached: boolean; esbuildLoaded: boolean };
  };

  it('loads esbuild to build, and not at all when the build comes from the cache', async () => {
    assert.deepEqual(await build(), { cached: false, esbuildLoaded: true });
    assert.deepEqual(await build(), { cached: true, esbuildLoaded: false });
  });
});
