// README examples of deploying and serving, in the README's order on one project: "First
// deploy" (a real `tscrapy server` and the real `tscrapy deploy`), "Deploying" and "Running a
// server". The project is made by the "Starting a project" block, as the walk-through says (its
// substitutions are in readme.ts, newProjectScript). See readme.ts for how blocks are run.
//
// Substitutions, each explicit where the block is run:
// - servers run with `-p 0` (a free port) instead of 6800, so `http://localhost:6800` in the
//   blocks and in the project's scrapy.cfg becomes the URL the server printed; the deploy-cfg
//   block's production target (https://scrapyd.example.com/) is the same local server.
// - netrc: the machine scrapyd.example.com is 127.0.0.1.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertOk, newProjectScript, exampleEnv, readmeBlock, runShell, startPractice, substitute, workspace, type Practice, type ShellResult } from './readme.js';

let site: Practice;
let ws: ReturnType<typeof workspace>;
let env: Record<string, string>;
let shop: string;
const servers: Array<{ child: ChildProcess; done: Promise<ShellResult> }> = [];

/** Runs a server block in the background (its `tscrapy server` exec'd with `-p 0` + `extra`) and returns its URL (no trailing slash). */
async function startServer(script: string, cwd: string, extraEnv: Record<string, string> = {}): Promise<string> {
  let child: ChildProcess | undefined;
  let out: { stdout: () => string; stderr: () => string } | undefined;
  const done = runShell(script, cwd, { ...env, ...extraEnv }, 240_000, (c, o) => {
    child = c;
    out = o;
  });
  servers.push({ child: child!, done });
  const end = Date.now() + 20_000;
  for (;;) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out!.stdout());
    if (m) return m[1]!;
    if (Date.now() > end) throw new Error(`the server did not start:\n${out!.stdout()}\n${out!.stderr()}`);
    const exited = await Promise.race([done.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
    if (exited) throw new Error(`the server exited:\n${out!.stdout()}\n${out!.stderr()}`);
  }
}

/** JSON objects printed one a line (curl answers, deploy answers); other lines are skipped. */
function jsonObjects(text: string): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = [];
  for (const line of text.split('\n')) {
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object') out.push(v as Record<string, any>);
    } catch {
      // not JSON
    }
  }
  return out;
}

before(async () => {
  site = await startPractice({ pages: 4 });
  ws = workspace('project');
  env = exampleEnv(ws, { PRACTICE_HOST: site.host });
  shop = join(ws.dir, 'shop');
  assertOk(await runShell(newProjectScript(site), ws.dir, env, 200_000), 'new-project (the walk-through starts from it)');
}, { timeout: 240_000 });
after(async () => {
  for (const s of servers) {
    try {
      process.kill(-s.child.pid!, 'SIGINT');
    } catch {
      // already gone
    }
  }
  await Promise.all(servers.map((s) => s.done));
  await site?.close();
  ws?.remove();
});

describe('README: deploy and server', { timeout: 110_000 }, () => {
  let url = '';
  it('first-deploy: server, deploy, schedule.json, items followed, listjobs.json', async () => {
    const serverScript = substitute(readmeBlock('first-deploy-server').code, [['tscrapy server', 'exec tscrapy server -p 0']]);
    url = await startServer(serverScript, ws.dir);
    // The project's scrapy.cfg (from `tscrapy new`) names http://localhost:6800/: the server's real port here.
    const cfg = join(shop, 'scrapy.cfg');
    writeFileSync(cfg, substitute(readFileSync(cfg, 'utf8'), [['http://localhost:6800/', `${url}/`]]));
    const r = await runShell(substitute(readmeBlock('first-deploy').code, [['http://localhost:6800', url]]), ws.dir, env, 120_000);
    assertOk(r, 'first-deploy');
    assert.ok(existsSync(join(ws.dir, 'scrapyd', 'eggs', 'shop')), 'the server keeps its data in the folder it started in');
    const objects = jsonObjects(r.stdout);
    assert.equal(objects.find((o) => 'spiders' in o)?.status, 'ok', r.stdout);
    assert.equal(objects.find((o) => 'jobid' in o)?.jobid, 'first');
    const items = objects.filter((o) => typeof o.text === 'string');
    assert.equal(items.length, site.total, r.stdout);
    const jobs = objects.find((o) => 'finished' in o)!;
    const job = jobs.finished.find((j: { id: string }) => j.id === 'first');
    assert.equal(job.finish_reason, 'finished');
    assert.equal(job.items_count, site.total);
  });

  it('deploy-cfg and deploy-commands: targets, -l, -L, -p, -a, --build-only, --egg; the last upload runs', async () => {
    assert.ok(url, 'first-deploy ran');
    const cfg = substitute(readmeBlock('deploy-cfg').code, [
      ['http://localhost:6800/', `${url}/`],
      ['https://scrapyd.example.com/', `${url}/`],
    ]);
    writeFileSync(join(shop, 'scrapy.cfg'), cfg);
    // version = GIT needs a git repository with a commit.
    const git = (args: string[]) => assert.equal(spawnSync('git', args, { cwd: shop, env: { ...env, GIT_AUTHOR_NAME: 'R', GIT_AUTHOR_EMAIL: 'r@example.com', GIT_COMMITTER_NAME: 'R', GIT_COMMITTER_EMAIL: 'r@example.com' } }).status, 0, `git ${args.join(' ')}`);
    git(['init', '-q', '-b', 'main']);
    git(['add', 'src', 'scrapy.cfg', 'package.json']);
    git(['commit', '-qm', 'shop']);
    const r = await runShell(readmeBlock('deploy-commands').code, shop, env, 240_000);
    assertOk(r, 'deploy-commands');
    assert.match(r.stdout, new RegExp(`^default +${url}/$`, 'm'));
    assert.match(r.stdout, new RegExp(`^production +${url}/$`, 'm'));
    assert.match(r.stdout, /^shop$/m);
    assert.ok(existsSync(join(shop, 'shop.tar.gz')));
    const versions = (await (await fetch(`${url}/listversions.json?project=shop`)).json()) as { versions: string[] };
    assert.ok(versions.versions.includes('r1-main'), `version = GIT on production gives r1-main: ${versions.versions.join(' ')}`);
    // The block's last line uploads the bundle built by --build-only to "default" as its own
    // (Unix time) version: the one the server runs, as the README says (latest version last).
    const uploads = jsonObjects(r.stdout).filter((o) => 'spiders' in o);
    assert.equal(uploads.at(-1)?.version, versions.versions.at(-1), `${r.stdout}\n${versions.versions.join(' ')}`);
    assert.match(String(uploads.at(-1)?.version), /^\d{10}$/);
  });

  it('server-api: every curl example answers "status": "ok"; cancel stops a running job', async () => {
    const r = await runShell(substitute(readmeBlock('server-api').code, [['http://localhost:6800', url]]), ws.dir, env, 120_000);
    assertOk(r, 'server-api');
    const objects = jsonObjects(r.stdout).filter((o) => 'node_name' in o);
    assert.equal(objects.length, 11, r.stdout);
    for (const o of objects) assert.equal(o.status, 'ok', JSON.stringify(o));
    assert.equal(objects[4]!.jobid, 'q2');
    assert.equal(objects[6]!.job.args.tag, 'humor');
    assert.equal(objects[6]!.job.settings.DOWNLOAD_DELAY, '2');
    assert.ok(['pending', 'running'].includes(objects[7]!.prevstate), JSON.stringify(objects[7]));
    // Cancelled at once: a graceful stop ('shutdown') once the crawl runs, 'cancelled' when the
    // SIGINT lands while the job's process is still loading the bundle.
    const q2 = objects[8]!.finished.find((j: { id: string }) => j.id === 'q2');
    assert.ok(['shutdown', 'cancelled'].includes(q2.finish_reason), JSON.stringify(q2));
    assert.match(q2.message ?? '', /cancelled with SIGINT/);
    assert.deepEqual((await (await fetch(`${url}/listprojects.json`)).json() as { projects: string[] }).projects, []);
  });

  it('server-start, server-conf, netrc: config file, auth off loopback, credentials from ~/.netrc', async () => {
    const lines = readmeBlock('server-start').code.split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    assert.equal(lines.length, 3);
    const dir = join(ws.dir, 'server2');
    mkdirSync(dir);
    // Line 2 with a free port; its --max-proc wins over the scrapyd.conf of server-conf.
    writeFileSync(join(dir, 'scrapyd.conf'), substitute(readmeBlock('server-conf').code, [['http_port = 6800', 'http_port = 0']]));
    const url2 = await startServer(`exec ${lines[1]} -p 0`, dir);
    const status = (await (await fetch(`${url2}/daemonstatus.json`)).json()) as { max_proc: number };
    assert.equal(status.max_proc, 2);
    // Line 3: off loopback, auth is required — without it the server refuses before listening.
    const refused = await runShell(lines[2]!.replace(/^SCRAPYD_USERNAME=\S+ SCRAPYD_PASSWORD=\S+ /, ''), dir, env, 30_000);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Refusing to listen on 0\.0\.0\.0 without authentication/);
    // Line 3's credentials, on loopback: deploy authenticates with ~/.netrc.
    const creds = /^(SCRAPYD_USERNAME=\S+ SCRAPYD_PASSWORD=\S+) /.exec(lines[2]!)![1]!;
    const dir3 = join(ws.dir, 'server3');
    mkdirSync(dir3);
    const url3 = await startServer(`${creds} exec tscrapy server -p 0`, dir3);
    writeFileSync(join(shop, 'scrapy.cfg'), `[settings]\ndefault = shop.settings\n\n[deploy]\nurl = ${url3}/\nproject = shop\n`);
    const denied = await runShell('tscrapy deploy -v v1', shop, env, 120_000);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /\.netrc \(no such file\)/);
    const netrc = join(ws.home, '.netrc');
    writeFileSync(netrc, substitute(readmeBlock('netrc').code, [['scrapyd.example.com', '127.0.0.1']]) + '\n');
    chmodSync(netrc, 0o600);
    assertOk(await runShell('tscrapy deploy -v v1', shop, env, 120_000), 'deploy with ~/.netrc');
  });
});
