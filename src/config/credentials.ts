import { keychainGet } from './keychain.js';
import { lookupNetrc } from './netrc.js';
import { percentDecode } from '../util/percent-decode.js';

/** Where credentials were found. */
export type CredentialSource = 'config' | 'url' | 'netrc' | 'keychain';

/** HTTP basic-auth credentials of a deploy target. */
export interface Credentials {
  username: string;
  password: string;
  source: CredentialSource;
  /** Human description of the place, e.g. "~/.netrc (machine example.com)". */
  from: string;
}

/** What a target contributes to the credential search. */
export interface CredentialTarget {
  name: string;
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** The file that defined the target's section (for messages). */
  file?: string | undefined;
}

/** The credentials found for a target, and every place that was looked at. */
export interface CredentialResult {
  credentials?: Credentials;
  /** Every place looked at, in order, with what was found there: the 401 message lists them. */
  searched: string[];
  /** Problems worth a line on stderr (netrc readable by others, keychain unavailable). */
  warnings: string[];
}

export interface CredentialOptions {
  env?: NodeJS.ProcessEnv;
  /** Consult the OS keychain (skipped when TSCRAPY_NO_KEYCHAIN=1). @default true */
  keychain?: boolean;
}

/** The keychain/login key of a target: its URL as a folder, without userinfo. */
export function credentialKey(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    const s = u.toString();
    return s.endsWith('/') ? s : s + '/';
  } catch {
    return url;
  }
}

/**
 * Credentials for a deploy target, first found wins (as scrapyd-client, plus the keychain):
 * the target's `username` when not empty (and `password`, default empty) from scrapy.cfg; user:pass in the URL;
 * `~/.netrc` for the URL's host, then its `default` entry; the OS keychain entry stored by
 * `tscrapy login TARGET`. No credentials is not an error: the server may need none.
 */
export async function resolveCredentials(target: CredentialTarget, options: CredentialOptions = {}): Promise<CredentialResult> {
  const env = options.env ?? process.env;
  const searched: string[] = [];
  const warnings: string[] = [];
  const where = target.file ? ` in ${target.file}` : '';
  // An empty `username =` is no username, as scrapyd-client's `if username:` reads it.
  if (target.username) {
    return {
      credentials: { username: target.username, password: target.password ?? '', source: 'config', from: `username/password of target "${target.name}"${where}` },
      searched: [`username/password of target "${target.name}"${where}`],
      warnings,
    };
  }
  searched.push(`username/password of target "${target.name}"${where} (not set)`);
  let host = '';
  try {
    const u = new URL(target.url);
    host = u.hostname;
    if (u.username) {
      const creds = { username: percentDecode(u.username), password: percentDecode(u.password), source: 'url' as const, from: 'the target URL' };
      return { credentials: creds, searched: [...searched, 'the target URL'], warnings };
    }
  } catch {
    // An invalid URL fails later, with its own message.
  }
  const netrc = await lookupNetrc(host, env);
  if (netrc.warning) warnings.push(`Warning: ${netrc.warning}`);
  if (netrc.entry?.login !== undefined || netrc.entry?.password !== undefined) {
    const m = netrc.entry.machine === null ? 'default' : `machine ${netrc.entry.machine}`;
    return {
      credentials: { username: netrc.entry.login ?? '', password: netrc.entry.password ?? '', source: 'netrc', from: `${netrc.file} (${m})` },
      searched: [...searched, `${netrc.file} (${m})`],
      warnings,
    };
  }
  searched.push(`${netrc.file} (${netrc.found ? `no machine ${host} nor default entry` : 'no such file'})`);
  if (options.keychain === false || env.TSCRAPY_NO_KEYCHAIN === '1') {
    searched.push('OS keychain (skipped)');
    return { searched, warnings };
  }
  const key = credentialKey(target.url);
  try {
    const stored = await keychainGet(key);
    if (stored) {
      return {
        credentials: { ...stored, source: 'keychain', from: `OS keychain (${key})` },
        searched: [...searched, `OS keychain (${key})`],
        warnings,
      };
    }
    searched.push(`OS keychain (no entry for ${key}; add one with \`tscrapy login ${target.name}\`)`);
  } catch (err) {
    // Not a warning: most servers need no credentials, and then a missing keychain is no news.
    searched.push(`OS keychain (unavailable: ${(err as Error).message})`);
  }
  return { searched, warnings };
}
