// README examples on a project: "Starting a project", "Command line" and "Pause and resume
// (JOBDIR)", in that order on one project. (deploy-server.test.ts runs the deploy and server
// examples on a project of its own.) See readme.ts for how blocks are run.
//
// The commands are the README's, as written: `tscrapy new shop` makes the project depend on
// this checkout (a file: path, since it was not installed from the registry), and `npm install`
// runs against the registry with a new, empty npm cache. Substitutions: the practice site's
// port (127.0.0.1:8800 → a free port), and `cd shop` is followed by `readme_practice_port`,
// which does the same in the generated quotes spider.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertOk, newProjectScript, exampleEnv, jsonLines, readmeBlock, readmeMarkers, runShell, startPractice, workspace, type Practice } from './readme.js';

let site: Practice;
let ws: ReturnType<typeof workspace>;
let env: Record<string, string>;
let shop: string;

before(async () => {
  site = await startPractice({ pages: 6 });
  ws = workspace('project');
  env = exampleEnv(ws, { PRACTICE_HOST: site.host });
  shop = join(ws.dir, 'shop');
});
after(async () => {
  await site?.close();
  ws?.remove();
});

describe('README: a project', { timeout: 400_000 }, () => {
  it('new-project: new, npm install, genspider, list, crawl, settings, npm test', async () => {
    assert.equal(readmeBlock('new-project').lang, 'sh');
    const r = await runShell(newProjectScript(site), ws.dir, env, 200_000);
    assertOk(r, 'new-project');
    // The project depends on this checkout, and `tscrapy new` said so.
    const dependency = (JSON.parse(readFileSync(join(shop, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.tscrapy!;
    assert.match(dependency, /^file:/);
    assert.ok(r.stdout.includes(`tscrapy dependency: ${dependency} (the running tscrapy is the folder`), r.stdout);
    assert.ok(existsSync(join(shop, 'src', 'spiders', 'books.ts')));
    assert.match(r.stdout, /^books\nquotes$/m);
    assert.match(r.stdout, /^shop$/m);
    assert.equal(jsonLines(readFileSync(join(shop, 'quotes.jsonl'), 'utf8')).length, site.total);
    assert.match(r.stdout, /# fail 0/);
  });

  it('every spider of the README type-checks in the project (npm run typecheck: strict, as generated)', async () => {
    // Issue 16: the generated tsconfig had noImplicitOverride, and the README's spiders failed `npm test`.
    const spiders = readmeMarkers().filter((m) => readmeBlock(m).lang === 'ts' && /extends \w*Spider\b/.test(readmeBlock(m).code));
    assert.deepEqual(spiders, ['first-spider', 'browser-spider', 'crawl-spider']);
    const files = spiders.map((m) => join(shop, 'src', 'spiders', `readme_${m.replace(/-/g, '_')}.ts`));
    spiders.forEach((m, i) => writeFileSync(files[i]!, readmeBlock(m).code));
    try {
      const r = await runShell('npm run typecheck', shop, env, 120_000);
      assertOk(r, 'npm run typecheck with the README spiders');
    } finally {
      for (const f of files) rmSync(f, { force: true });
    }
  });

  it('command-line: -O csv, -o -:jsonl | jq, --json-stats, CLOSESPIDER_ITEMCOUNT, settings --getint, list --json', async (t) => {
    if (spawnSync('jq', ['--version']).status !== 0) return t.skip('jq is not installed');
    const r = await runShell(readmeBlock('command-line').code, shop, env, 180_000);
    assertOk(r, 'command-line');
    const csv = readFileSync(join(shop, 'quotes.csv'), 'utf8').trim().split(/\r?\n/);
    assert.equal(csv[0], 'text,author,tags');
    assert.ok(csv.length > 1 && csv.slice(1).every((row) => row.includes('humor')), csv.join('\n'));
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('"“')).length, site.total);
    assert.equal(JSON.parse(readFileSync(join(shop, 's.json'), 'utf8')).finish_reason, 'finished');
    assert.match(r.stdout, /^32$/m);
    assert.ok(r.stdout.includes('"books"') && r.stdout.includes('"quotes"'), r.stdout);
  });

  it('new-project: Ctrl-C on its `tscrapy crawl` exits 0 as "Stopping" says; through npm (`npm run crawl`) npm exits 130, as the README warns', async () => {
    // Issue 16: the project section used `npx tscrapy crawl`, and npm turns Ctrl-C into 130.
    const crawlLine = readmeBlock('new-project').code.split('\n').find((l) => /^tscrapy crawl /.test(l));
    assert.ok(crawlLine, 'the project section crawls with `tscrapy crawl`');
    const interrupt = async (command: string) => {
      const from = site.hits.length;
      return runShell(command, shop, env, 120_000, (child) => {
        const poll = setInterval(() => {
          if (site.hits.slice(from).some((h) => h.startsWith('/page/'))) {
            clearInterval(poll);
            process.kill(-child.pid!, 'SIGINT');
          }
        }, 20);
        child.on('close', () => clearInterval(poll));
      });
    };
    const direct = await interrupt(`${crawlLine.replace(/\s+#.*$/, '').replace('quotes.jsonl', 'interrupted.jsonl')}`);
    assertOk(direct, 'tscrapy crawl, interrupted');
    assert.match(direct.stderr, /shutdown/);
    const viaNpm = await interrupt('npm run crawl -- quotes -o interrupted-npm.jsonl');
    // npm re-raises the SIGINT on itself: a terminal's shell shows 130 (128 + 2); the test's bash,
    // which got the same Ctrl-C, ends by that signal too.
    assert.ok(viaNpm.code === 130 || viaNpm.signal === 'SIGINT', `npm run crawl ended with ${viaNpm.code ?? viaNpm.signal}`);
    assert.match(viaNpm.stderr, /Spider closed \(shutdown\)/, 'the crawl behind npm stopped gracefully');
  });

  it('jobdir: Ctrl-C pauses, the same command resumes without fetching a page twice', async () => {
    const lines = readmeBlock('jobdir').code.split('\n').filter((l) => !l.startsWith('#'));
    assert.equal(lines.length, 2);
    const first = lines[0]!.replace(/\s+#.*$/, '');
    assert.equal(lines[1]!.replace(/\s+#.*$/, ''), first, 'the resume command is the same command');
    const from = site.hits.length;
    const paused = await runShell(first, shop, env, 120_000, (child) => {
      const poll = setInterval(() => {
        if (site.hits.slice(from).filter((h) => h.startsWith('/page/')).length >= 2) {
          clearInterval(poll);
          process.kill(-child.pid!, 'SIGINT');
        }
      }, 20);
      child.on('close', () => clearInterval(poll));
    });
    assertOk(paused, 'the paused run');
    assert.match(paused.stderr, /shutdown/);
    const before = jsonLines(readFileSync(join(shop, 'quotes.jsonl'), 'utf8')).length - site.total; // quotes.jsonl holds the new-project crawl too
    assert.ok(before > 0 && before < site.total, `paused after ${before} items`);
    const resumed = await runShell(lines[1]!, shop, env, 120_000);
    assertOk(resumed, 'the resumed run');
    assert.match(resumed.stderr, /Resuming the job in JOBDIR crawls\/quotes-1/);
    const pages = site.hits.slice(from).filter((h) => h === '/' || h.startsWith('/page/'));
    assert.equal(new Set(pages).size, pages.length, `no page fetched twice: ${pages.join(' ')}`);
    assert.equal(new Set(pages).size, 6);
    assert.equal(jsonLines(readFileSync(join(shop, 'quotes.jsonl'), 'utf8')).length, 2 * site.total);
  });

});
