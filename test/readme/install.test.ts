// README's "Install", run as written on a copy of this checkout, as on a fresh machine: a new
// empty npm cache, a global prefix of its own (so `npm install --global` touches nothing of this
// machine), and PATH without this checkout. Then the tscrapy it installed makes a project
// (`tscrapy new`) that depends on that installed tscrapy (npm keeps no record of the tarball a
// global install came from), and that project installs (no build: the installed tscrapy has no
// sources, so its `prepare` does nothing) and lists its spiders.
// Also README's `tscrapy practice` (with `--port 0`: a free port instead of 8800).
//
// npm reaches the registry for tscrapy's dependencies: the test needs what a user needs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertOk, exampleEnv, readmeBlock, ROOT, runShell, substitute, workspace } from './readme.js';

const tmp = mkdtempSync(join(tmpdir(), 'tscrapy-readme-install-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** PATH without any folder of this checkout (its node_modules/.bin) and without a tscrapy shim. */
function basePath(): string {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => p && !p.startsWith(ROOT) && !existsSync(join(p, 'tscrapy')))
    .join(delimiter);
}

describe('README: install', { timeout: 600_000 }, () => {
  it('install: npm ci, npm pack, npm install --global the tarball; tscrapy new depends on the installed tscrapy', async () => {
    // The checkout as git sees it (tracked and new files), without what a build or npm made.
    const checkout = join(tmp, 'tscrapy');
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of files) {
      if (!existsSync(join(ROOT, f))) continue; // deleted in the work tree
      mkdirSync(dirname(join(checkout, f)), { recursive: true });
      cpSync(join(ROOT, f), join(checkout, f));
    }
    const home = join(tmp, 'home');
    const prefix = join(tmp, 'prefix');
    mkdirSync(home);
    const env = {
      ...exampleEnv({ home, bin: join(prefix, 'bin') }),
      PATH: `${join(prefix, 'bin')}${delimiter}${basePath()}`,
      npm_config_prefix: prefix,
    };
    const { lang, code } = readmeBlock('install');
    assert.equal(lang, 'sh');
    const r = await runShell(code, checkout, env, 540_000);
    assertOk(r, 'install');
    assert.match(r.stdout, /^tscrapy 0\.1\.0$/m);
    const tarball = join(checkout, 'tscrapy-0.1.0.tgz');
    assert.ok(existsSync(tarball));

    // The installed command makes a project on that tarball, which installs and runs.
    const projects = join(tmp, 'projects');
    mkdirSync(projects);
    const p = await runShell('tscrapy new shop && cd shop && npm install && tscrapy list && npx tscrapy list', projects, env, 300_000);
    assertOk(p, 'tscrapy new with the installed tscrapy');
    const dependency = (JSON.parse(readFileSync(join(projects, 'shop', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.tscrapy;
    const installed = join(prefix, 'lib', 'node_modules', 'tscrapy');
    assert.equal(dependency, `file:${relative(join(projects, 'shop'), installed)}`);
    assert.ok(p.stdout.includes(`tscrapy dependency: ${dependency} (the running tscrapy is installed in ${installed}`), p.stdout);
    assert.match(p.stdout, /^quotes\nquotes$/m);
  });
});

describe('README: the practice site', { timeout: 60_000 }, () => {
  it('practice: serves the quotes and the shop on 127.0.0.1, prints its URL, and stops on Ctrl-C with exit code 0', async () => {
    const ws = workspace('practice');
    try {
      const { code } = readmeBlock('practice');
      let origin = '';
      const pages: Record<string, string> = {};
      const r = await runShell(substitute(code, [['tscrapy practice ', 'exec tscrapy practice --port 0 ']]), ws.dir, exampleEnv(ws), 50_000, (child, out) => {
        const poll = setInterval(() => {
          const m = /^Practice site at (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(out.stdout());
          if (!m) return;
          clearInterval(poll);
          origin = m[1]!;
          void Promise.all(
            ['/', '/author/Ada-Brightwater', '/shop/', '/tag/humor/'].map(async (path) => {
              const res = await fetch(origin + path);
              pages[path] = `${res.status} ${await res.text()}`;
            }),
          ).finally(() => process.kill(-child.pid!, 'SIGINT'));
        }, 20);
        child.on('close', () => clearInterval(poll));
      });
      assert.ok(origin, `no URL printed:\n${r.stdout}\n${r.stderr}`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((pages['/']!.match(/<div class="quote"/g) ?? []).length, 10);
      assert.match(pages['/']!, /^200 [\s\S]*<li class="next"><a href="\/page\/2\/">/);
      assert.match(pages['/author/Ada-Brightwater']!, /<h3 class="author-title">Ada Brightwater<\/h3>/);
      assert.match(pages['/shop/']!, /^200 [\s\S]*href="\/shop\/product\/1"/);
      assert.match(pages['/tag/humor/']!, /^200 [\s\S]*class="tag" href="\/tag\/humor\/page\/1\/"/);
    } finally {
      ws.remove();
    }
  });
});
