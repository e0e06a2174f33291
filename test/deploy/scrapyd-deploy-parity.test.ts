// `tscrapy deploy` against scrapyd-deploy (scrapyd-client 2.0, scrapyd_client/deploy.py and
// utils.py) on the same scrapy.cfg files. What scrapyd-deploy does, read from its source:
// - version: `opts.version or target.get("version")`, else the current time (GIT / HG special);
// - project: `opts.project or target.get("project")`; empty → "Error: Missing project";
// - the config is one ConfigParser with EnvInterpolation: %(name)s from the same section or
//   [DEFAULT], %% → %, then os.path.expandvars.
// Intended differences are listed in README.md ("Deploying", the scrapyd-deploy table).
import assert from 'node:assert/strict';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeProject } from '../project/fixture.js';
import { runCli, scrapydStub } from '../commands/deploy-helpers.js';

describe('tscrapy deploy compared with scrapyd-deploy (built CLI, child process)', { timeout: 600_000 }, () => {
  let stub: Awaited<ReturnType<typeof scrapydStub>>;
  let root: string;
  let egg: string;
  const uploads = () => stub.requests.filter((r) => r.url.endsWith('/addversion.json'));
  const cfg = async (text: string) => writeFile(join(root, 'scrapy.cfg'), `[settings]\ndefault = myproject.settings\n\n${text}`);

  before(async () => {
    stub = await scrapydStub((r) => {
      if (r.url.startsWith('/fail/')) return { body: { node_name: 'stub', status: 'error', message: 'refused by the fail target' } };
      return { body: { node_name: 'stub', status: 'ok', project: r.fields.project, version: r.fields.version, spiders: 2 } };
    });
    root = await makeProject();
    egg = join(root, 'b.tar.gz');
    const b = await runCli(['deploy', '--build-only', egg, '-v', 'b1'], root);
    assert.equal(b.code, 0, b.stderr);
  });
  after(async () => {
    await stub.close();
    await rm(root, { recursive: true, force: true });
  });

  test("version order with --egg: -v, then the target's version, then the bundle's own", async () => {
    await cfg(`[deploy]\nurl = ${stub.url}\nproject = myproject\n\n[deploy:inherit]\nversion = 7\n\n[deploy:literal]\nversion = GIT-not-special-here\n`);
    stub.requests.length = 0;
    for (const args of [['inherit'], ['literal'], ['inherit', '-v', 'v9'], ['default']]) {
      const r = await runCli(['deploy', ...args, '--egg', egg], root);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(uploads().map((u) => u.fields.version), ['7', 'GIT-not-special-here', 'v9', 'b1']);
  });

  test('-a: [deploy] version = 3 applies to every target, with --egg and when building', async () => {
    await cfg(`[deploy]\nurl = ${stub.url}\nproject = myproject\nversion = 3\n\n[deploy:second]\nurl = ${stub.url}second/\n`);
    stub.requests.length = 0;
    const withEgg = await runCli(['deploy', '-a', '--egg', egg], root);
    assert.equal(withEgg.code, 0, withEgg.stderr);
    const built = await runCli(['deploy', '-a'], root);
    assert.equal(built.code, 0, built.stderr);
    assert.deepEqual(uploads().map((u) => [u.url, u.fields.version]), [
      ['/addversion.json', '3'],
      ['/second/addversion.json', '3'],
      ['/addversion.json', '3'],
      ['/second/addversion.json', '3'],
    ]);
    assert.equal(built.stderr.match(/Packing version 3/g)?.length, 2, built.stderr);
  });

  test('%(name)s from the same section or [DEFAULT], %% → %, in -l and in the upload', async () => {
    const base = stub.url.replace(/\/$/, '');
    await cfg(
      [
        '[DEFAULT]',
        `server = ${base}`,
        '',
        '[deploy]',
        'base = %(server)s',
        'url = %(base)s/interp/',
        'project = myproject',
        'username = bob',
        'password = 100%%sure',
        '',
        '[deploy:fromdefault]',
        'url = %(server)s/d/',
      ].join('\n'),
    );
    const l = await runCli(['deploy', '-l'], root);
    assert.equal(l.code, 0, l.stderr);
    assert.deepEqual(l.stdout.trimEnd().split('\n'), [`${'default'.padEnd(20)} ${base}/interp/`, `${'fromdefault'.padEnd(20)} ${base}/d/`]);
    stub.requests.length = 0;
    for (const t of ['default', 'fromdefault']) {
      const r = await runCli(['deploy', t, '--egg', egg], root);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(uploads().map((u) => u.url), ['/interp/addversion.json', '/d/addversion.json']);
    assert.equal(uploads()[0]!.authorization, 'Basic ' + Buffer.from('bob:100%sure').toString('base64'));
  });

  test('bad interpolation or a bad url is one config error (exit 2) naming file, section and key; no TypeError', async () => {
    const file = join(root, 'scrapy.cfg');
    await cfg(`[deploy]\nurl = ${stub.url}\nproject = myproject\n\n[deploy:interp]\nbase = x\nurl = %(undefinedbase)s/interp/\n`);
    for (const args of [['-l'], ['interp'], ['-a'], ['-L', 'interp'], ['interp', '--egg', egg]]) {
      const r = await runCli(['deploy', ...args], root);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, `Error: ${file}: [deploy:interp] url: %(undefinedbase)s refers to "undefinedbase", which is set neither in [deploy:interp] nor in [DEFAULT] (value "%(undefinedbase)s/interp/"). Set "undefinedbase" in [deploy:interp] or [DEFAULT], or write %% for a literal %.\n`);
    }
    await cfg(`[deploy]\nurl = ${stub.url}\nproject = myproject\n\n[deploy:words]\nurl = not a url\n`);
    for (const args of [['words'], ['-a'], ['-L', 'words'], ['words', '--egg', egg]]) {
      const r = await runCli(['deploy', ...args], root);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^Error: Target "words": url = "not a url" in \[deploy:words\] in .*scrapy\.cfg is not a valid URL/);
      assert.doesNotMatch(r.stderr, /TypeError|ERR_INVALID_URL|Code:/);
    }
    for (const cmd of ['login', 'logout']) {
      const r = await runCli([cmd, 'words', '--username', 'x'].slice(0, cmd === 'login' ? 4 : 2), root);
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /is not a valid URL/);
    }
  });

  test('an empty project name is "Missing project" before anything is built or uploaded', async () => {
    await cfg(`[deploy]\nurl = ${stub.url}\nproject =\n`);
    await rm(join(root, '.tscrapy'), { recursive: true, force: true });
    stub.requests.length = 0;
    for (const args of [[], ['--egg', egg], ['-a'], ['-p', '']]) {
      const r = await runCli(['deploy', ...args], root);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^Error: Missing project: project is empty \(project = in \[deploy\] in .*scrapy\.cfg\)\. Set project = NAME/);
      assert.doesNotMatch(r.stderr, /Packing|Deploying/);
    }
    assert.equal(stub.requests.length, 0);
    assert.deepEqual(await readdir(root).then((names) => names.filter((n) => n === '.tscrapy')), [], 'nothing was built');
    const bad = await runCli(['deploy', '-p', '../x', '--egg', egg], root);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Project name "\.\.\/x" from -p \.\.\/x is not valid/);
  });

  test('-a: each failing target is reported once, then one summary; the others are still deployed', async () => {
    await cfg(
      `[deploy]\nurl = ${stub.url}\nproject = myproject\n\n[deploy:fail1]\nurl = ${stub.url}fail/1/\n\n[deploy:ok2]\nurl = ${stub.url}ok2/\n\n[deploy:dead]\nurl = http://127.0.0.1:1/\n`,
    );
    stub.requests.length = 0;
    const r = await runCli(['deploy', '-a', '--egg', egg], root);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.match(/refused by the fail target/g)?.length, 1, r.stderr);
    assert.equal(r.stderr.match(/Could not reach http:\/\/127\.0\.0\.1:1/g)?.length, 1, r.stderr);
    assert.match(r.stderr, /\nError: Deploy failed for 2 of 4 targets: fail1, dead\n$/);
    assert.deepEqual(uploads().map((u) => u.url), ['/addversion.json', '/fail/1/addversion.json', '/ok2/addversion.json']);
    const j = await runCli(['deploy', '-a', '--egg', egg, '--json'], root);
    assert.equal(j.code, 1);
    const error = (JSON.parse(j.stdout) as { error: { code: string; details: { deployed: unknown[]; failed: Array<{ target: string }> } } }).error;
    assert.equal(error.code, 'TSC_ERR_DEPLOY_FAILED');
    assert.deepEqual(error.details.failed.map((f) => f.target), ['fail1', 'dead']);
    assert.equal(error.details.deployed.length, 2);
  });

  test('version = GIT outside a git repository: one error, naming where GIT came from, nothing built', async () => {
    await cfg(`[deploy]\nurl = ${stub.url}\nproject = myproject\nversion = GIT\n\n[deploy:two]\nurl = ${stub.url}two/\n\n[deploy:three]\nurl = ${stub.url}three/\n`);
    stub.requests.length = 0;
    // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temp folder.
    const r = await runCli(['deploy', '-a'], root, { GIT_CEILING_DIRECTORIES: tmpdir() });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.match(/Error:/g)?.length, 1, r.stderr);
    assert.match(r.stderr, /^Error: version = GIT in \[deploy\] in .*scrapy\.cfg: .* is not in a git repository with a commit/);
    assert.doesNotMatch(r.stderr, /--version|Packing/);
    assert.equal(stub.requests.length, 0);
    const flag = await runCli(['deploy', '-v', 'GIT', '--egg', egg], root, { GIT_CEILING_DIRECTORIES: tmpdir() });
    assert.match(flag.stderr, /^Error: -v GIT: /);
  });

  test('an --egg that cannot be read and a --build-only path that cannot be written are usage errors naming them', async () => {
    await cfg(`[deploy]\nurl = ${stub.url}\nproject = myproject\n`);
    const missing = await runCli(['deploy', '--egg', 'missing.tar.gz'], root);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^Error: --egg missing\.tar\.gz: cannot read .*missing\.tar\.gz \(ENOENT\); build a bundle with --build-only FILE first\n$/);
    const blocked = await runCli(['deploy', '--build-only', 'scrapy.cfg/b.tar.gz'], root);
    assert.equal(blocked.code, 2, blocked.stderr);
    assert.match(blocked.stderr, /Error: --build-only scrapy\.cfg\/b\.tar\.gz: cannot write .* \((?:ENOTDIR|EEXIST)\)\n$/);
    assert.doesNotMatch(missing.stderr + blocked.stderr, /Code:|    at /);
  });
});
