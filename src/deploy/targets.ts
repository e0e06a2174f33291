import type { LayeredConfig } from '../config/config-files.js';
import { UnknownTargetError } from './errors.js';

/** A deploy target: `[deploy]`'s keys updated by `[deploy:NAME]`'s, `$VAR`s expanded. */
export interface DeployTarget {
  name: string;
  url: string;
  project?: string;
  version?: string;
  username?: string;
  password?: string;
  /** The file that set the url (for messages). */
  file?: string;
}

/**
 * Every target in the config, as scrapyd-client defines them: `[deploy]` is the target
 * `default` when it has a `url`; each `[deploy:NAME]` is `[deploy]`'s keys updated by its own.
 * Sections without any url are left out.
 */
export function getTargets(config: LayeredConfig): Map<string, DeployTarget> {
  const base = config.items('deploy');
  const out = new Map<string, DeployTarget>();
  const make = (name: string, section: string, values: Record<string, string>): DeployTarget | undefined => {
    if (!values.url) return undefined;
    const t: DeployTarget = { name, url: values.url };
    for (const key of ['project', 'version', 'username', 'password'] as const) if (values[key] !== undefined) t[key] = values[key];
    const origin = config.origin(section, 'url') ?? config.origin('deploy', 'url');
    if (origin) t.file = origin.file;
    return t;
  };
  const def = make('default', 'deploy', base);
  if (def) out.set('default', def);
  for (const section of config.sections()) {
    if (!section.startsWith('deploy:')) continue;
    const t = make(section.slice('deploy:'.length), section, { ...base, ...config.items(section) });
    if (t) out.set(t.name, t);
  }
  return out;
}

/** The target called `name`, or an error listing the known ones and the files read. */
export function getTarget(config: LayeredConfig, name = 'default'): DeployTarget {
  const targets = getTargets(config);
  const t = targets.get(name);
  if (t) return t;
  const known = [...targets.keys()];
  const files = config.files.length ? config.files.join(', ') : `none of ${config.searched.join(', ')} exists`;
  throw new UnknownTargetError(
    `Unknown target: ${name}. ` +
      (known.length ? `Known targets: ${known.join(', ')}.` : 'No targets are defined: add a [deploy] or [deploy:NAME] section with a url to scrapy.cfg.') +
      ` Config files read: ${files}`,
  );
}

/** The URL of an endpoint under the target's URL, always treated as a folder (see scrapy.cfg.example). */
export function endpointUrl(targetUrl: string, endpoint: string): URL {
  const base = new URL(targetUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  base.username = '';
  base.password = '';
  return new URL(endpoint, base);
}

/** The URL with any password replaced by `***`, for output. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
