import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config-files.js';
import { UnknownTargetError } from '../../src/deploy/errors.js';
import { maskUrl } from '../../src/crawler/downloader/mask.js';
import { endpointUrl, getTarget, getTargets } from '../../src/deploy/targets.js';
import { resolveVersion } from '../../src/deploy/version.js';
import { execFileSync } from 'node:child_process';
import { writeTree } from '../project/fixture.js';

describe('deploy targets', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-targets-'));
    await writeTree(dir, {
      'home/.scrapy.cfg': '[deploy:userlevel]\nurl = http://user-level/\n',
      'proj/scrapy.cfg': '[deploy]\nurl = http://base/\nproject = base\nusername = ${DEPLOY_USER}\n\n[deploy:prod]\nurl = http://prod/api\n\n[deploy:nourl]\nproject = x\n',
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('[deploy] is "default"; [deploy:NAME] inherits its keys; env expands', async () => {
    const config = await loadConfig({ cwd: join(dir, 'proj'), env: { HOME: join(dir, 'home'), DEPLOY_USER: 'ci' }, systemFile: join(dir, 'none') });
    const targets = getTargets(config);
    assert.deepEqual([...targets.keys()], ['default', 'userlevel', 'prod', 'nourl']);
    const cfgFile = join(dir, 'proj/scrapy.cfg');
    assert.deepEqual(targets.get('prod'), {
      name: 'prod',
      url: 'http://prod/api',
      project: 'base',
      username: 'ci',
      file: cfgFile,
      sources: { url: `[deploy:prod] in ${cfgFile}`, project: `[deploy] in ${cfgFile}`, username: `[deploy] in ${cfgFile}` },
    });
    assert.equal(targets.get('nourl')?.url, 'http://base/'); // inherits [deploy]'s url, as scrapyd-client does
    assert.throws(() => getTarget(config, 'staging'), (e: unknown) => e instanceof UnknownTargetError && /Known targets: default, userlevel, prod, nourl/.test(e.message));
  });

  test('a url is always a folder (no silent dropping of the last segment)', () => {
    assert.equal(endpointUrl('http://h:6800/scrapyd', 'addversion.json').toString(), 'http://h:6800/scrapyd/addversion.json');
    assert.equal(endpointUrl('http://h:6800/scrapyd/', 'addversion.json').toString(), 'http://h:6800/scrapyd/addversion.json');
    assert.equal(endpointUrl('http://u:p@h/', 'listprojects.json').toString(), 'http://h/listprojects.json');
  });

  test('passwords in URLs are masked for output', () => {
    assert.equal(maskUrl('http://bob:secret@h/'), 'http://bob:****@h/');
    assert.equal(maskUrl('http://h/'), 'http://h/');
  });

  test('versions: given, default timestamp, GIT outside a repository is a clear error', async () => {
    assert.equal(await resolveVersion('1.0', dir), '1.0');
    assert.equal(await resolveVersion(undefined, dir, () => 1_700_000_000_500), '1700000000');
    await assert.rejects(resolveVersion('GIT', dir), /not in a git repository/);
  });

  test('GIT: r<commit count>-<branch> without tags, git describe with one', async () => {
    const repo = join(dir, 'repo');
    await writeTree(repo, { 'a.txt': 'x' });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('checkout', '-q', '-b', 'feature/x');
    git('add', '.');
    git('commit', '-qm', 'one');
    assert.equal(await resolveVersion('GIT', repo), 'r1-feature_x');
    git('tag', '-a', 'v1.0', '-m', 'v1.0'); // plain `git describe` (as scrapyd-client runs it) sees annotated tags only
    assert.equal(await resolveVersion('GIT', repo), 'v1.0-feature_x');
  });
});
