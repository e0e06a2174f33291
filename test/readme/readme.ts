/**
 * Runs README.md's examples for real. How a README example becomes a test:
 *
 * - In README.md, a runnable code block is preceded by an HTML comment `<!-- test: NAME -->`
 *   (invisible on GitHub). `readmeBlock(NAME)` returns that block's text, so a test always
 *   runs what the README shows today; a renamed or removed marker fails the test.
 * - `ts` blocks are written to a temp folder (whose node_modules/tscrapy links to this
 *   checkout) and run with the built `tscrapy runspider`, or with `node --import tsx` for
 *   library code.
 * - `sh` blocks run with bash (`set -e`), in a temp folder, with `tscrapy` on PATH being
 *   this checkout's built CLI (bin/run.js) as after the README's install (install.test.ts
 *   runs that install itself), HOME a temp folder (no user scrapy.cfg, netrc or keychain), a
 *   new empty npm cache, and no colours.
 * - The examples crawl `tscrapy practice`'s site at 127.0.0.1:8800; the tests serve it on a free
 *   port (startPractice) and replace the port (practicePort). Other examples that reach a fixed
 *   port are pointed at local servers by
 *   `substitute(text, [[from, to], ...])`: plain string replacements, each of which must
 *   occur in the block (so a stale substitution fails instead of silently testing nothing).
 *   Every test file lists its substitutions next to the block it runs.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPracticeSite } from '../../src/demo/practice-site.js';
import { runProcess, type ProcessResult } from '../support/process.js';

/** This checkout. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI (npm test builds first). */
export const BIN = join(ROOT, 'bin', 'run.js');
/** The tsx loader, for library examples. */
export const TSX = import.meta.resolve('tsx');

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The code block right after `<!-- test: NAME -->` in README.md. */
export function readmeBlock(name: string): { lang: string; code: string } {
  const marker = `<!-- test: ${name} -->`;
  const at = README.indexOf(marker);
  assert.ok(at >= 0, `README.md has no ${marker}`);
  // The block may be indented (inside a list item): its fence's indentation is removed from every line.
  const m = /^[ \t]*\n( *)```(\w*)\n([\s\S]*?)\n\1```/.exec(README.slice(at + marker.length));
  assert.ok(m, `${marker} is not followed by a code block`);
  const indent = m[1]!;
  return { lang: m[2]!, code: m[3]!.split('\n').map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n') };
}

/** Every `<!-- test: NAME -->` marker in README.md (the tests check each one is run). */
export function readmeMarkers(): string[] {
  return [...README.matchAll(/<!-- test: ([\w-]+) -->/g)].map((m) => m[1]!);
}

/** Replaces each `from` with `to`; fails when a `from` is not in the text. */
export function substitute(text: string, pairs: Array<[string, string]>): string {
  let out = text;
  for (const [from, to] of pairs) {
    assert.ok(out.includes(from), `the README example no longer contains ${JSON.stringify(from)}: update the test's substitution`);
    out = out.split(from).join(to);
  }
  return out;
}

/** A temp folder whose node_modules holds this checkout as `tscrapy`; `remove()` deletes it. */
export function workspace(prefix: string): { dir: string; home: string; bin: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `tscrapy-readme-${prefix}-`));
  // An ESM package, as the README's `import … from 'tscrapy'` and top-level await assume.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'tscrapy'), 'dir');
  const home = join(dir, '.home');
  const bin = join(dir, '.bin');
  mkdirSync(home);
  mkdirSync(bin);
  // `tscrapy` on PATH = this checkout's CLI, as after `npm install --global tscrapy`.
  writeFileSync(join(bin, 'tscrapy'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'tscrapy'), 0o755);
  return { dir, home, bin, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * How this machine reaches the npm registry (a registry mirror, a proxy, a CA file in the user's
 * npmrc), kept although HOME is replaced: a fresh machine has its network settings too.
 */
function npmNetworkEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  const userconfig = process.env.npm_config_userconfig ?? join(homedir(), '.npmrc');
  if (existsSync(userconfig)) out.npm_config_userconfig = userconfig;
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|https?_proxy|no_proxy|npm_config_(registry|cafile|proxy|https_proxy|strict_ssl))$/i.test(k)) out[k] = v;
  }
  return out;
}

/**
 * The environment examples run in: this PATH with `tscrapy` first, a temp HOME, no colours, and
 * a new, empty npm cache in the workspace, as on a fresh machine (npm reaches the registry for
 * what it needs, and nothing comes from this machine's cache).
 */
export function exampleEnv(ws: { home: string; bin: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${ws.bin}:${process.env.PATH ?? ''}`,
    HOME: ws.home,
    TSCRAPY_NO_KEYCHAIN: '1',
    NO_COLOR: '1',
    OCLIF_COLUMNS: '1000',
    ...npmNetworkEnv(),
    npm_config_cache: join(ws.home, '.npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/**
 * Bash functions available to shell examples after substitution. `readme_practice_port` points
 * the quotes spider of a new project (`http://127.0.0.1:8800/`, where `tscrapy practice`
 * listens by default) at the test's practice site, $PRACTICE_HOST (`127.0.0.1:PORT`).
 */
const PRELUDE = String.raw`set -e
readme_practice_port() {
  node -e 'const fs = require("fs"); const f = "src/spiders/quotes.ts";
    fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("127.0.0.1:8800", process.env.PRACTICE_HOST));'
}
`;

export type ShellResult = ProcessResult;

/** Runs a shell example with bash in `cwd`; the whole process group is killed after `timeoutMs`. */
export function runShell(
  script: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
  onSpawn?: (child: ChildProcess, output: { stdout: () => string; stderr: () => string }) => void,
): Promise<ShellResult> {
  return runProcess('bash', ['-c', PRELUDE + script], { cwd, env, timeoutMs, group: true, onSpawn });
}

/** Asserts a shell example exited 0, showing its output when not. */
export function assertOk(r: ShellResult, what: string): void {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** The practice site of `tscrapy practice`, on a free port, with the paths it was asked for. */
export interface Practice {
  origin: string;
  /** `127.0.0.1:PORT`, what `127.0.0.1:8800` in the README's examples becomes. */
  host: string;
  /** Paths requested, in order. */
  hits: string[];
  /** Quotes on all listing pages. */
  total: number;
  /** Products a full crawl of the shop scrapes. */
  products: number;
  close(): Promise<void>;
}

/** Starts the practice site (src/demo/practice-site.ts) in this process, on a free port. */
export async function startPractice(opts: { pages?: number; products?: number } = {}): Promise<Practice> {
  const hits: string[] = [];
  const site = await startPracticeSite({ port: 0, pages: opts.pages ?? 3, products: opts.products ?? 20, onRequest: (p) => hits.push(p) });
  return { origin: site.origin, host: new URL(site.origin).host, hits, total: site.quotes, products: site.products, close: () => site.close() };
}

/** `127.0.0.1:8800` (the practice site's default port) → the test's practice site. */
export function practicePort(text: string, practice: Practice): string {
  return substitute(text, [['127.0.0.1:8800', practice.host]]);
}

/** Items of a JSON Lines file or text. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * The "Starting a project" block as a script that runs here: exactly the README's commands, with
 * the practice site's port, and the new project's quotes spider pointed at it (readme_practice_port).
 */
export function newProjectScript(practice: Practice): string {
  return substitute(practicePort(readmeBlock('new-project').code, practice), [['cd shop', 'cd shop && readme_practice_port']]);
}
