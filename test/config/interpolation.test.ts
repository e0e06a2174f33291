// scrapy.cfg is read by Scrapy and scrapyd-client with Python's ConfigParser, whose
// BasicInterpolation expands %(name)s from the same section or [DEFAULT] and %% to %, and
// whose items(section) include [DEFAULT]'s keys. These tests pin the same results here.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type LayeredConfig } from '../../src/config/config-files.js';
import { ConfigInterpolationError } from '../../src/config/errors.js';
import { DeployConfigError } from '../../src/deploy/errors.js';
import { endpointUrl, findTarget, getTarget, getTargets } from '../../src/deploy/targets.js';
import { writeTree } from '../project/fixture.js';

describe('scrapy.cfg interpolation (ConfigParser BasicInterpolation)', () => {
  let dir: string;
  const load = async (cfg: string, home = ''): Promise<LayeredConfig> => {
    const sub = await mkdtemp(join(dir, 'c-'));
    await writeTree(sub, { 'proj/scrapy.cfg': cfg, 'home/.scrapy.cfg': home });
    return loadConfig({ cwd: join(sub, 'proj'), env: { HOME: join(sub, 'home'), HOST: 'example.org' }, systemFile: join(sub, 'none') });
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-interp-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('%(name)s from the same section and from [DEFAULT]; %% is a literal %; then $VAR', async () => {
    const c = await load(
      [
        '[DEFAULT]',
        'host = http://127.0.0.1:6800',
        '',
        '[deploy]',
        'base = %(host)s/scrapyd',
        'url = %(base)s/interp/',
        'password = 100%%-$HOST',
        '',
        '[deploy:upper]',
        'URL = %(HOST)s/x/',
      ].join('\n'),
    );
    assert.equal(c.get('deploy', 'url'), 'http://127.0.0.1:6800/scrapyd/interp/');
    assert.equal(c.get('deploy', 'password'), '100%-example.org');
    assert.equal(c.get('deploy:upper', 'url'), 'http://127.0.0.1:6800/x/', 'names are case-insensitive, as optionxform lower-cases them');
    assert.deepEqual(c.sections(), ['deploy', 'deploy:upper'], '[DEFAULT] is not a section');
    assert.deepEqual(Object.keys(c.items('deploy:upper')).sort(), ['host', 'url'], "items() include [DEFAULT]'s keys");
    assert.equal(c.origin('deploy:upper', 'host')?.section, 'DEFAULT');
    assert.equal(c.get('nosuch', 'host'), undefined, '[DEFAULT] does not make a missing section exist');
  });

  test('references resolve across files, as one ConfigParser reads them all', async () => {
    const c = await load('[deploy]\nurl = %(base)s/p/\n', '[DEFAULT]\nbase = http://shared\n');
    assert.equal(c.get('deploy', 'url'), 'http://shared/p/');
  });

  test('errors name the file, section and key, and say what to write', async () => {
    const missing = await load('[deploy]\nurl = http://127.0.0.1:6800/\nbase = http://x\n\n[deploy:prod]\nurl = %(base)s/interp/\n');
    assert.throws(
      () => missing.items('deploy:prod'),
      (e: unknown) =>
        e instanceof ConfigInterpolationError &&
        e.message.includes(`${missing.projectFile}: [deploy:prod] url: %(base)s refers to "base", which is set neither in [deploy:prod] nor in [DEFAULT]`) &&
        e.message.includes('It is set in [deploy]') &&
        e.message.includes('move "base" to [DEFAULT]'),
    );
    const syntax = await load('[deploy]\nurl = http://h/100%/\n');
    assert.throws(() => syntax.get('deploy', 'url'), (e: unknown) => e instanceof ConfigInterpolationError && /\[deploy\] url: a % must be followed by % or \(name\)s near "%\/"/.test(e.message) && /write %% for a literal %/.test(e.message));
    const bad = await load('[deploy]\nurl = %(base)d\n');
    assert.throws(() => bad.get('deploy', 'url'), ConfigInterpolationError, '%(name)d is not %(name)s');
    const loop = await load('[deploy]\na = %(b)s\nb = %(a)s\nurl = %(a)s\n');
    assert.throws(() => loop.get('deploy', 'url'), (e: unknown) => e instanceof ConfigInterpolationError && /more than 10 levels/.test(e.message));
  });

  test('a password is never shown in an interpolation error', async () => {
    const c = await load('[deploy]\nurl = http://h/\npassword = s3cr%t\n');
    assert.throws(
      () => c.items('deploy'),
      (e: unknown) => e instanceof ConfigInterpolationError && /\[deploy\] password/.test(e.message) && !e.message.includes('s3cr') && !e.message.includes('%t'),
    );
  });
});

describe('deploy targets with [DEFAULT] and without a url (scrapyd-client _get_targets)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-targets-default-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("[DEFAULT]'s keys reach every target, over [deploy]'s, as dict.update(cfg.items(section)) does", async () => {
    await writeTree(dir, {
      'a/scrapy.cfg': '[DEFAULT]\nproject = fromdefault\n\n[deploy]\nurl = http://127.0.0.1:1/\nproject = frombase\n\n[deploy:x]\nurl = http://127.0.0.1:2/\n\n[deploy:nourl]\nversion = 1\n',
    });
    const c = await loadConfig({ cwd: join(dir, 'a'), env: { HOME: join(dir, 'nohome') }, systemFile: join(dir, 'none') });
    const t = getTargets(c);
    assert.equal(t.get('default')?.project, 'frombase');
    assert.equal(t.get('x')?.project, 'fromdefault');
    assert.deepEqual([...t.keys()], ['default', 'x', 'nourl']);
    assert.equal(t.get('nourl')?.url, 'http://127.0.0.1:1/', "a target without its own url inherits [deploy]'s");
  });

  test('findTarget reads [deploy] and its own section only; [deploy:default] updates [deploy]', async () => {
    await writeTree(dir, { 'd/scrapy.cfg': '[deploy]\nurl = http://127.0.0.1:1/\nproject = p\n\n[deploy:default]\nproject = q\n\n[deploy:broken]\nurl = %(nope)s\n' });
    const c = await loadConfig({ cwd: join(dir, 'd'), env: { HOME: join(dir, 'nohome') }, systemFile: join(dir, 'none') });
    assert.equal(findTarget(c, 'default')?.project, 'q');
    assert.equal(findTarget(c, 'nosuch'), undefined);
    assert.throws(() => getTargets(c), ConfigInterpolationError, 'like _get_targets, listing every target reads every section');
  });

  test('a [deploy:NAME] with no url anywhere is a target whose use says "Missing url"', async () => {
    await writeTree(dir, { 'b/scrapy.cfg': '[deploy:nourl]\nproject = p\n' });
    const c = await loadConfig({ cwd: join(dir, 'b'), env: { HOME: join(dir, 'nohome') }, systemFile: join(dir, 'none') });
    assert.deepEqual([...getTargets(c).keys()], ['nourl']);
    assert.throws(() => getTarget(c, 'nourl'), (e: unknown) => e instanceof DeployConfigError && /Missing url for target "nourl"/.test(e.message));
  });

  test('a url that is not http(s) is a DeployConfigError naming the section and file, never a TypeError', async () => {
    await writeTree(dir, { 'c/scrapy.cfg': '[deploy]\nurl = localhost:6800\n\n[deploy:words]\nurl = not a url\n' });
    const c = await loadConfig({ cwd: join(dir, 'c'), env: { HOME: join(dir, 'nohome') }, systemFile: join(dir, 'none') });
    assert.throws(() => getTarget(c), (e: unknown) => e instanceof DeployConfigError && /url = "localhost:6800" in \[deploy\] in .*scrapy\.cfg must start with http:\/\/ or https:\/\//.test(e.message));
    assert.throws(() => getTarget(c, 'words'), (e: unknown) => e instanceof DeployConfigError && /\[deploy:words\] in .* is not a valid URL/.test(e.message));
    assert.throws(() => endpointUrl('%(base)s/interp/', 'addversion.json'), DeployConfigError);
  });
});
