/**
 * `tscrapy/deploy`: projects, their bundles and deploying them to a Scrapyd-compatible server
 * from code (`tscrapy deploy`, `crawl` and `list` are built on these).
 */

// Projects: finding, building and loading them
export { findProject, resolveModule, moduleFiles, type ProjectInfo } from '../project/project.js';
export { buildProject, type BuiltProject, type BuildOptions } from '../project/build.js';
export { loadProjectModule, getSpider, linkTscrapy, type ProjectModule } from '../project/load.js';
export { buildSpiderFile } from '../project/spider-file.js';
export { ProjectNotFoundError, ProjectConfigError, BuildError, DuplicateSpiderError, ProjectLoadError, SpiderNotFoundError, type BuildDiagnostic } from '../project/errors.js';

// Bundles (what a server stores and runs)
export { packArchive, readBundle, readBundleManifest, readBundleFile, makeManifest, portableMap, sourceDateEpoch, type ArchiveInput } from '../project/archive.js';
export { validateManifest, manifestHash, canonicalJson, BundleFormatError, PROJECT_NAME_PATTERN, VERSION_PATTERN, ARCHIVE_ENTRIES, type Manifest } from '../project/manifest.js';

// Deploying
export { buildDeployBundle, type DeployBundle } from './bundle.js';
export { addVersion, listProjects, callEndpoint, type ClientOptions, type ServerAnswer } from './client.js';
export { getTargets, getTarget, endpointUrl, type DeployTarget } from './targets.js';
export { maskUrl } from '../crawler/downloader/mask.js';
export { resolveVersion } from './version.js';
export { UnknownTargetError, ServerUnreachableError, TlsError, AuthenticationError, ServerError, DeployConfigError, DeployFailedError } from './errors.js';
