import type { LayeredConfig } from '../config/config-files.js';
import { maskUrl } from '../crawler/downloader/mask.js';
import { DeployConfigError, UnknownTargetError } from './errors.js';

/** The keys of a target that tscrapy reads. */
const TARGET_KEYS = ['url', 'project', 'version', 'username', 'password'] as const;
type TargetKey = (typeof TARGET_KEYS)[number];

/** A deploy target: `[deploy]`'s keys updated by `[deploy:NAME]`'s, interpolated and `$VAR`-expanded. */
export interface DeployTarget {
  name: string;
  /** Empty when no section sets one: using the target is then an error ("Missing url"). */
  url: string;
  project?: string;
  version?: string;
  username?: string;
  password?: string;
  /** The file that set the url (for messages). */
  file?: string;
  /** Where each key was set, for messages: `[deploy:prod] in /p/scrapy.cfg`. */
  sources?: Partial<Record<TargetKey, string>>;
}

/**
 * Every target in the config, as scrapyd-client's `_get_targets` defines them: `[deploy]` (with
 * `[DEFAULT]`'s keys) is the target `default` when it has a `url`; each `[deploy:NAME]` is the
 * target NAME, `[deploy]`'s keys updated by its own (`[DEFAULT]`'s included), with or without a url.
 * Like `_get_targets`, it reads (and interpolates) every deploy section.
 */
export function getTargets(config: LayeredConfig): Map<string, DeployTarget> {
  const out = new Map<string, DeployTarget>();
  const names = new Set(['default', ...config.sections().filter((s) => s.startsWith('deploy:')).map((s) => s.slice('deploy:'.length))]);
  for (const name of names) {
    const t = findTarget(config, name);
    if (t) out.set(t.name, t);
  }
  return out;
}

/**
 * The target `name` as {@link getTargets} defines it, reading only `[deploy]` and its own
 * section (`--build-only` needs no other target); undefined when there is no such target.
 */
export function findTarget(config: LayeredConfig, name: string): DeployTarget | undefined {
  // A [deploy:default] section updates [deploy]'s keys like any other target's.
  const section = name === 'default' && !config.hasSection('deploy:default') ? 'deploy' : `deploy:${name}`;
  if (section !== 'deploy' && !config.hasSection(section)) return undefined;
  const values = section === 'deploy' ? config.items('deploy') : { ...config.items('deploy'), ...config.items(section) };
  if (section === 'deploy' && values.url === undefined) return undefined;
  const sources: Partial<Record<TargetKey, string>> = {};
  const t: DeployTarget = { name, url: values.url ?? '', sources };
  for (const key of TARGET_KEYS) {
    if (values[key] === undefined) continue;
    if (key !== 'url') t[key] = values[key];
    const o = config.origin(section, key) ?? config.origin('deploy', key);
    if (o) sources[key] = `[${o.section}] in ${o.file}`;
  }
  const origin = config.origin(section, 'url') ?? config.origin('deploy', 'url');
  if (origin) t.file = origin.file;
  return t;
}

/** The target called `name`, its url checked; or an error listing the known ones and the files read. */
export function getTarget(config: LayeredConfig, name = 'default'): DeployTarget {
  const targets = getTargets(config);
  const t = targets.get(name);
  if (t) return checkTarget(t);
  const known = [...targets.keys()];
  const files = config.files.length ? config.files.join(', ') : `none of ${config.searched.join(', ')} exists`;
  throw new UnknownTargetError(
    `Unknown target: ${name}. ` +
      (known.length ? `Known targets: ${known.join(', ')}.` : 'No targets are defined: add a [deploy] or [deploy:NAME] section with a url to scrapy.cfg.') +
      ` Config files read: ${files}`,
  );
}

/** Every target (for `deploy -a`), each url checked; an error when there is none. */
export function getAllTargets(config: LayeredConfig): DeployTarget[] {
  const targets = [...getTargets(config).values()];
  if (targets.length === 0) getTarget(config, 'default'); // throws, listing the files read
  return targets.map(checkTarget);
}

/**
 * Returns the target when its url can be used: present (scrapyd-deploy's "Missing url"),
 * parseable, http or https. The error names the key's section and file.
 */
export function checkTarget(t: DeployTarget): DeployTarget {
  const where = t.sources?.url ?? `[deploy:${t.name}]`;
  if (!t.url) {
    throw new DeployConfigError(`Missing url for target "${t.name}": set url = http://HOST:6800/ in [deploy:${t.name}] or [deploy]`);
  }
  const problem = urlProblem(t.url);
  if (problem) throw new DeployConfigError(`Target "${t.name}": url = ${JSON.stringify(maskUrl(t.url))} in ${where} ${problem}`);
  return t;
}

function urlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a valid URL: write it as http://HOST[:PORT]/[PATH] or https://…';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `must start with http:// or https:// (got ${JSON.stringify(u.protocol)})`;
  return undefined;
}

/**
 * The URL of an endpoint under the target's URL, always treated as a folder (see
 * scrapy.cfg.example). A url that is not http(s) is a DeployConfigError, never a bare TypeError.
 */
export function endpointUrl(targetUrl: string, endpoint: string): URL {
  const problem = urlProblem(targetUrl);
  if (problem) throw new DeployConfigError(`The target url ${JSON.stringify(maskUrl(targetUrl))} ${problem}`);
  const base = new URL(targetUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  base.username = '';
  base.password = '';
  return new URL(endpoint, base);
}
