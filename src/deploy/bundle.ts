import { readFile } from 'node:fs/promises';
import { packArchive, portableMap, type Manifest } from '../project/archive.js';
import { buildProject, type BuiltProject } from '../project/build.js';
import { loadProjectModule } from '../project/load.js';
import type { ProjectInfo } from '../project/project.js';

/** A project built for deploying: the archive to upload, its manifest, and the build it came from. */
export interface DeployBundle {
  archive: Buffer;
  manifest: Manifest;
  built: BuiltProject;
}

/**
 * Builds the project (cached), loads the bundle to read its spider names, and packs the
 * deploy archive for `project`/`version`.
 */
export async function buildDeployBundle(info: ProjectInfo, opts: { project: string; version: string; env?: NodeJS.ProcessEnv }): Promise<DeployBundle> {
  const built = await buildProject(info);
  const mod = await loadProjectModule(built.bundleFile);
  const [code, map] = await Promise.all([readFile(built.bundleFile), readFile(built.mapFile)]);
  const { archive, manifest } = await packArchive({
    project: opts.project,
    version: opts.version,
    spiders: [...mod.spidersByName.keys()],
    settingsModule: info.settingsModule,
    code,
    map: portableMap(map),
    ...(opts.env ? { env: opts.env } : {}),
  });
  return { archive, manifest, built };
}
