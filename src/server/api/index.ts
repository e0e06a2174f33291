import { addVersion } from './add-version.js';
import { daemonStatus } from './daemon-status.js';
import type { Endpoint } from './endpoint.js';
import { cancel, jobInfo, listJobs, schedule, status } from './jobs.js';
import { delProject, delVersion, listProjects, listSpiders, listVersions } from './projects.js';

/** Every JSON endpoint, by path. */
export const ENDPOINTS: ReadonlyMap<string, Endpoint> = new Map(
  [daemonStatus, addVersion, schedule, cancel, status, listProjects, listVersions, listSpiders, listJobs, delVersion, delProject, jobInfo].map((e) => [e.path, e]),
);
