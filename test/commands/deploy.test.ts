import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readBundle } from '../../src/project/archive.js';
import { makeProject } from '../project/fixture.js';
import { runCli, scrapydStub } from './deploy-helpers.js';

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('tscrapy deploy (built CLI, child process)', () => {
  let stub: Awaited<ReturnType<typeof scrapydStub>>;
  let root: string;
  let port: number;
  before(async () => {
    stub = await scrapydStub((r) => {
      if (r.url.includes('/secure/')) {
        const ok = r.authorization === 'Basic ' + Buffer.from('good:creds').toString('base64');
        return ok ? { body: { status: 'ok', project: 'p', version: 'v', spiders: 0 } } : { status: 401, body: 'Unauthorized' };
      }
      if (r.url.endsWith('listprojects.json')) return { body: { node_name: 'stub', status: 'ok', projects: ['myproject', 'other'] } };
      if (r.fields.version === 'bad') return { body: { node_name: 'stub', status: 'error', message: 'egg is not a valid bundle' } };
      return { body: { node_name: 'stub', status: 'ok', project: r.fields.project, version: r.fields.version, spiders: 2 } };
    });
    port = await deadPort();
    const cfg = [
      `url = ${stub.url}`,
      'username = deployer',
      'password = $DEPLOY_PASS',
      '',
      '[deploy:sub]',
      `url = ${stub.url}scrapyd`,
      'project = subproject',
      '',
      '[deploy:secure]',
      `url = ${stub.url}secure/`,
      'username =',
      '',
      '[deploy:dead]',
      `url = http://127.0.0.1:${port}/`,
      '',
    ].join('\n');
    root = await makeProject(cfg);
  });
  after(async () => {
    await stub.close();
    await rm(root, { recursive: true, force: true });
  });

  test('-l lists targets as "%-20s %s" lines, and --json', async () => {
    const r = await runCli(['deploy', '-l'], join(root, 'src'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      `${'default'.padEnd(20)} ${stub.url}`,
      `${'sub'.padEnd(20)} ${stub.url}scrapyd`,
      `${'secure'.padEnd(20)} ${stub.url}secure/`,
      `${'dead'.padEnd(20)} http://127.0.0.1:${port}/`,
    ]);
    const j = await runCli(['deploy', '-l', '--json'], root);
    assert.deepEqual((JSON.parse(j.stdout) as { targets: unknown[] }).targets[0], { name: 'default', url: stub.url });
  });

  test('-L lists the projects of a target', async () => {
    const r = await runCli(['deploy', '-L', 'default'], root, { DEPLOY_PASS: 'pw' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'myproject\nother\n');
  });

  test('deploys: progress on stderr, the server JSON on stdout, multipart fields project/version/egg', async () => {
    stub.requests.length = 0;
    const r = await runCli(['deploy', '-v', '1.2.0'], root, { DEPLOY_PASS: 'pw#1' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `Packing version 1.2.0\nDeploying to project "myproject" in ${stub.url}addversion.json\nServer response (200):\n`);
    assert.deepEqual(JSON.parse(r.stdout), { node_name: 'stub', status: 'ok', project: 'myproject', version: '1.2.0', spiders: 2 });
    const req = stub.requests[0]!;
    assert.equal(req.url, '/addversion.json');
    assert.deepEqual(req.fields, { project: 'myproject', version: '1.2.0' });
    assert.equal(req.authorization, 'Basic ' + Buffer.from('deployer:pw#1').toString('base64'));
    const { manifest } = await readBundle(req.egg!);
    assert.deepEqual([manifest.project, manifest.version, manifest.spiders], ['myproject', '1.2.0', ['a', 'b']]);
  });

  test('a url without a trailing slash is a folder; the target project key applies', async () => {
    stub.requests.length = 0;
    const r = await runCli(['deploy', 'sub', '-v', 'x1'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(stub.requests[0]!.url, '/scrapyd/addversion.json');
    assert.equal(stub.requests[0]!.fields.project, 'subproject');
  });

  test('"status": "error" prints the answer and exits 1', async () => {
    const r = await runCli(['deploy', '-v', 'bad'], root);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /"status":"error"/);
    assert.match(r.stderr, /egg is not a valid bundle/);
  });

  test('401 says where credentials were looked for', async () => {
    const r = await runCli(['deploy', 'secure', '-v', '1'], root);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /401 Unauthorized/);
    // `username =` (empty) overrides [deploy]'s username with no username: nothing is sent.
    assert.match(r.stderr, /no credentials found; looked in: username\/password of target "secure" in .*scrapy\.cfg \(not set\); .*\.netrc \(no such file\)/);
  });

  test('unreachable server exits 1 with the reason', async () => {
    const r = await runCli(['deploy', 'dead', '-v', '1'], root);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`Could not reach http://127.0.0.1:${port}: connection refused`));
  });

  test('unknown target exits 2 listing the known ones; no project exits 2', async () => {
    const r = await runCli(['deploy', 'nope'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown target: nope\. Known targets: default, sub, secure, dead/);
    const empty = await mkdtemp(join(tmpdir(), 'tscrapy-empty-'));
    try {
      await writeFile(join(empty, '.scrapy.cfg'), `[deploy]\nurl = ${stub.url}\n`);
      const n = await runCli(['deploy'], empty);
      assert.equal(n.code, 2);
      assert.match(n.stderr, /No tscrapy project here/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('--build-only writes the bundle; --egg uploads it to every target with -a', async () => {
    const file = join(root, 'out', 'bundle.tar.gz');
    const b = await runCli(['deploy', '--build-egg', file, '-v', 'b1'], root, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stderr, /Writing bundle to .*bundle\.tar\.gz/);
    const archive = await readFile(file);
    assert.equal((await readBundle(archive)).manifest.version, 'b1');

    stub.requests.length = 0;
    const d = await runCli(['deploy', '-a', '--egg', file], root, { DEPLOY_PASS: 'pw' });
    assert.equal(d.code, 1, 'the secure and dead targets fail');
    assert.match(d.stderr, /Using bundle: /);
    const uploads = stub.requests.filter((q) => q.url.endsWith('addversion.json'));
    assert.deepEqual(uploads.map((q) => q.url), ['/addversion.json', '/scrapyd/addversion.json', '/secure/addversion.json']);
    assert.ok(uploads[0]!.egg!.equals(archive));
    assert.deepEqual(uploads.map((q) => q.fields.version), ['b1', 'b1', 'b1']);
  });

  test('--debug shows the request with credentials masked', async () => {
    const r = await runCli(['deploy', '-v', 'd1', '--debug'], root, { DEPLOY_PASS: 'topsecret' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /> POST http:\/\/127\.0\.0\.1:\d+\/addversion\.json/);
    assert.match(r.stderr, /> Authorization: Basic \*\*\*\* \(user "deployer"/);
    assert.doesNotMatch(r.stderr + r.stdout, /topsecret/);
    assert.doesNotMatch(r.stderr, new RegExp(Buffer.from('deployer:topsecret').toString('base64')));
  });
});

describe('tscrapy login / logout without a keychain', () => {
  test('a missing @napi-rs/keyring gives a clear message and exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tscrapy-login-'));
    try {
      await writeFile(join(dir, 'scrapy.cfg'), '[deploy]\nurl = http://127.0.0.1:1/\n');
      const r = await runCli(['logout'], dir, { TSCRAPY_KEYRING_MODULE: 'tscrapy-no-such-keyring-module' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the OS keychain cannot be used: the optional package @napi-rs\/keyring is not installed/);
      const u = await runCli(['login', 'nope', '--username', 'x'], dir);
      assert.equal(u.code, 2);
      assert.match(u.stderr, /Unknown target: nope\. Known targets: default/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// No Secret Service runs in CI, so this keytar-API module stands in for @napi-rs/keyring 2.1.2 as
// observed on Linux without one: setPassword leaves a partial entry and throws AccessDenied; that
// entry cannot be read, but deletePassword reports deleting it.
const HALF_BROKEN_KEYRING = `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const file = process.env.TEST_KEYRING_STATE;
const load = () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
const save = (s) => writeFileSync(file, JSON.stringify(s));
export async function getPassword(service, account) {
  const e = load()[service + '|' + account];
  return e && e.complete ? e.password : null;
}
export async function setPassword(service, account, password) {
  const s = load();
  s[service + '|' + account] = { complete: process.env.TEST_KEYRING_BROKEN !== '1', password };
  save(s);
  if (process.env.TEST_KEYRING_BROKEN === '1') throw new Error("Couldn't access platform storage: AccessDenied");
}
export async function deletePassword(service, account) {
  const s = load();
  const had = service + '|' + account in s;
  delete s[service + '|' + account];
  save(s);
  return had;
}
`;

describe('tscrapy login / logout with a keychain that fails half-way', () => {
  test('after a failed login, logout says nothing was stored; after a good one, that it removed them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tscrapy-logout-'));
    try {
      await writeFile(join(dir, 'scrapy.cfg'), '[deploy]\nurl = http://127.0.0.1:1/\n');
      await writeFile(join(dir, 'keyring.mjs'), HALF_BROKEN_KEYRING);
      const env = { TSCRAPY_KEYRING_MODULE: join(dir, 'keyring.mjs'), TEST_KEYRING_STATE: join(dir, 'state.json') };
      const failed = await runCli(['login', '--username', 'bob'], dir, { ...env, TEST_KEYRING_BROKEN: '1' });
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stderr, /the OS keychain could not store the password: Couldn't access platform storage: AccessDenied/);
      const out = await runCli(['logout'], dir, env);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, 'No credentials were stored for target default (http://127.0.0.1:1/).\n');
      const json = await runCli(['logout', '--json'], dir, env);
      assert.equal((JSON.parse(json.stdout) as { removed: boolean }).removed, false);

      const ok = await runCli(['login', '--username', 'bob'], dir, env, 's3cret\n');
      assert.equal(ok.code, 0, ok.stderr);
      const removed = await runCli(['logout'], dir, env);
      assert.equal(removed.stdout, 'Removed the credentials for target default (http://127.0.0.1:1/) from the OS keychain.\n');
      assert.equal((await runCli(['logout'], dir, env)).stdout, 'No credentials were stored for target default (http://127.0.0.1:1/).\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

