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
 *   this checkout's built CLI (bin/run.js), HOME a temp folder (no user scrapy.cfg, netrc or
 *   keychain), and no colours.
 * - Examples that reach the internet or a fixed port are pointed at local servers by
 *   `substitute(text, [[from, to], ...])`: plain string replacements, each of which must
 *   occur in the block (so a stale substitution fails instead of silently testing nothing).
 *   Every test file lists its substitutions next to the block it runs.
 */
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

let npmCache: string | undefined;
/** npm's cache folder as this user has it (HOME is replaced in the examples' environment). */
function realNpmCache(): string {
  npmCache ??= spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
  return npmCache;
}

/** The environment examples run in: this PATH with `tscrapy` first, a temp HOME, no colours. */
export function exampleEnv(ws: { home: string; bin: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${ws.bin}:${process.env.PATH ?? ''}`,
    HOME: ws.home,
    TSCRAPY_NO_KEYCHAIN: '1',
    NO_COLOR: '1',
    OCLIF_COLUMNS: '1000',
    TSCRAPY_ROOT: ROOT,
    npm_config_cache: realNpmCache(),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/**
 * Bash functions available to shell examples after substitution. `readme_npm_install`
 * stands for a project's `npm install`: offline against npm's cache (tscrapy is a `file:`
 * link to this checkout with `tscrapy new --link`); when the cache lacks typescript or
 * @types/node it links them from this checkout instead.
 */
const PRELUDE = String.raw`set -e
readme_npm_install() {
  if npm install --offline --ignore-scripts --no-audit --no-fund >/dev/null 2>&1; then return 0; fi
  echo "readme: offline npm install failed; linking from $TSCRAPY_ROOT" >&2
  mkdir -p node_modules/@types node_modules/.bin
  ln -sfn "$TSCRAPY_ROOT" node_modules/tscrapy
  ln -sfn "$TSCRAPY_ROOT/node_modules/typescript" node_modules/typescript
  ln -sfn "$TSCRAPY_ROOT/node_modules/@types/node" node_modules/@types/node
  ln -sfn "$TSCRAPY_ROOT/node_modules/undici-types" node_modules/undici-types
  ln -sfn ../typescript/bin/tsc node_modules/.bin/tsc
  ln -sfn ../tscrapy/bin/run.js node_modules/.bin/tscrapy
}
# Points the example spider of a new project at the local quotes site ($QUOTES_ORIGIN).
readme_local_quotes() {
  node -e 'const fs = require("fs"); const f = "src/spiders/quotes.ts";
    fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace("https://quotes.toscrape.com/", process.env.QUOTES_ORIGIN + "/").replace(/\x27quotes\.toscrape\.com\x27/, "\x27127.0.0.1\x27"));'
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

/**
 * A local copy of quotes.toscrape.com's markup: `pages` listing pages of two quotes each
 * (`/`, `/page/2/`, …, linked by `li.next a`), and `/tag/NAME/` (the quotes with that tag).
 * `latencyMs` slows every answer (for pause/resume examples).
 */
export interface QuotesSite {
  origin: string;
  hits: string[];
  /** Quotes on all listing pages. */
  total: number;
  /** Changes the delay before each answer. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const TAGS = ['humor', 'love', 'life', 'books'];

function quoteHtml(n: number): string {
  const tags = [TAGS[n % TAGS.length]!, TAGS[(n + 1) % TAGS.length]!];
  return `<div class="quote"><span class="text">“Quote number ${n}.”</span><span>by <small class="author">Author ${n % 5}</small></span>
<div class="tags">${tags.map((t) => `<a class="tag" href="/tag/${t}/">${t}</a>`).join(' ')}</div></div>`;
}

export async function startQuotesSite(opts: { pages?: number; latencyMs?: number } = {}): Promise<QuotesSite> {
  const pages = opts.pages ?? 3;
  let latency = opts.latencyMs ?? 0;
  const hits: string[] = [];
  const page = (body: string) => `<!DOCTYPE html><html><head><title>Quotes to Scrape</title></head><body>${body}</body></html>`;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.push(path);
    const send = (status: number, body: string) =>
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(body);
      }, latency);
    const listing = path === '/' ? 1 : Number(/^\/page\/(\d+)\/$/.exec(path)?.[1] ?? NaN);
    if (listing >= 1 && listing <= pages) {
      const quotes = [1, 2].map((i) => quoteHtml((listing - 1) * 2 + i)).join('\n');
      const next = listing < pages ? `<li class="next"><a href="/page/${listing + 1}/">Next <span>→</span></a></li>` : '';
      return send(200, page(`<div class="col-md-8">${quotes}</div><nav><ul class="pager">${next}</ul></nav>`));
    }
    const tag = /^\/tag\/(\w+)\/$/.exec(path)?.[1];
    if (tag && TAGS.includes(tag)) {
      const quotes: string[] = [];
      for (let n = 1; n <= pages * 2; n++) if (n % TAGS.length === TAGS.indexOf(tag) || (n + 1) % TAGS.length === TAGS.indexOf(tag)) quotes.push(quoteHtml(n));
      return send(200, page(quotes.join('\n')));
    }
    send(404, page('<h1>Not found</h1>'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    total: pages * 2,
    setLatency: (ms) => (latency = ms),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Items of a JSON Lines file or text. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * The "Starting a project" block as a script that runs here: `tscrapy new shop --link`, an
 * offline `npm install` (readme_npm_install), and the quotes spider pointed at $QUOTES_ORIGIN.
 */
export function newProjectScript(): string {
  return substitute(readmeBlock('new-project').code, [
    ['tscrapy new shop ', 'tscrapy new shop --link '],
    ['cd shop', 'cd shop && readme_local_quotes'],
    ['npm install', 'readme_npm_install'],
  ]);
}
