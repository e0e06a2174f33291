import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveCredentials } from '../../src/config/credentials.js';
import { findNetrcEntry, lookupNetrc, parseNetrc } from '../../src/config/netrc.js';
import { writeTree } from '../project/fixture.js';

describe('netrc', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'tscrapy-netrc-'));
    await writeTree(home, {
      '.netrc': '# deploy servers\nmachine deploy.example.com login alice password "s3 cr\\"et"\nmacdef init\ncd /pub\n\nmachine other.test\n  login carol\n  password pw2\ndefault login anon password guest\n',
    });
    await chmod(join(home, '.netrc'), 0o600);
  });
  after(() => rm(home, { recursive: true, force: true }));

  test('parses machines, quoted tokens, macdef bodies and default', () => {
    const entries = parseNetrc('machine a login u password p account x\nmacdef m\nmachine fake login no\n\ndefault login d password dp');
    assert.deepEqual(entries, [
      { machine: 'a', login: 'u', password: 'p', account: 'x' },
      { machine: null, login: 'd', password: 'dp' },
    ]);
    assert.equal(findNetrcEntry(entries, 'A')?.login, 'u');
    assert.equal(findNetrcEntry(entries, 'zzz')?.login, 'd');
  });

  test('looks up the host, then default; no warning for a 0600 file', async () => {
    const hit = await lookupNetrc('deploy.example.com', { HOME: home });
    assert.equal(hit.entry?.login, 'alice');
    assert.equal(hit.entry?.password, 's3 cr"et');
    assert.equal(hit.warning, undefined);
    assert.equal((await lookupNetrc('other.test', { HOME: home })).entry?.password, 'pw2');
    assert.equal((await lookupNetrc('unknown.test', { HOME: home })).entry?.login, 'anon');
  });

  test('warns when the file is readable by others', { skip: process.platform === 'win32' }, async () => {
    await chmod(join(home, '.netrc'), 0o644);
    try {
      const r = await lookupNetrc('deploy.example.com', { HOME: home });
      assert.match(r.warning ?? '', /readable by others \(mode 644\).*chmod 600/);
      const creds = await resolveCredentials({ name: 'prod', url: 'http://deploy.example.com/' }, { env: { HOME: home }, keychain: false });
      assert.ok(creds.warnings.some((w) => /chmod 600/.test(w)));
    } finally {
      await chmod(join(home, '.netrc'), 0o600);
    }
  });

  test('$NETRC points at another file', async () => {
    const r = await lookupNetrc('x', { HOME: '/nonexistent', NETRC: join(home, '.netrc') });
    assert.equal(r.found, true);
    assert.equal(r.entry?.login, 'anon');
  });
});

describe('credential resolution order', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'tscrapy-creds-'));
    await writeTree(home, { '.netrc': 'machine 127.0.0.1 login netuser password netpass\n' });
    await chmod(join(home, '.netrc'), 0o600);
  });
  after(() => rm(home, { recursive: true, force: true }));

  test('target username wins, password defaults to empty', async () => {
    const r = await resolveCredentials({ name: 't', url: 'http://127.0.0.1:1/', username: 'cfg', file: '/p/scrapy.cfg' }, { env: { HOME: home }, keychain: false });
    assert.deepEqual({ u: r.credentials?.username, p: r.credentials?.password, s: r.credentials?.source }, { u: 'cfg', p: '', s: 'config' });
  });

  test('an empty username counts as not set, as in scrapyd-client (`if username:`): netrc is used', async () => {
    const r = await resolveCredentials({ name: 't', url: 'http://127.0.0.1:1/', username: '', password: 'x', file: '/p/scrapy.cfg' }, { env: { HOME: home }, keychain: false });
    assert.deepEqual([r.credentials?.username, r.credentials?.source], ['netuser', 'netrc']);
    assert.match(r.searched[0]!, /target "t" in \/p\/scrapy.cfg \(not set\)/);
  });

  test('then user:pass in the URL, then netrc for the host', async () => {
    const fromUrl = await resolveCredentials({ name: 't', url: 'http://u%40x:p%3A@127.0.0.1:1/' }, { env: { HOME: home }, keychain: false });
    assert.deepEqual([fromUrl.credentials?.username, fromUrl.credentials?.password], ['u@x', 'p:']);
    const net = await resolveCredentials({ name: 't', url: 'http://127.0.0.1:1/' }, { env: { HOME: home }, keychain: false });
    assert.deepEqual([net.credentials?.username, net.credentials?.password, net.credentials?.source], ['netuser', 'netpass', 'netrc']);
  });

  test('nothing found: every place searched is listed', async () => {
    const r = await resolveCredentials({ name: 'prod', url: 'http://elsewhere.test/', file: '/p/scrapy.cfg' }, { env: { HOME: home }, keychain: false });
    assert.equal(r.credentials, undefined);
    assert.equal(r.searched.length, 3);
    assert.match(r.searched[0]!, /target "prod" in \/p\/scrapy.cfg \(not set\)/);
    assert.match(r.searched[1]!, /\.netrc \(no machine elsewhere.test nor default entry\)/);
    assert.match(r.searched[2]!, /OS keychain \(skipped\)/);
  });
});
