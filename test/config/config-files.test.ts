import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { configSources, loadConfig } from '../../src/config/config-files.js';
import { ConfigSyntaxError } from '../../src/config/errors.js';
import { expandEnv } from '../../src/config/expand.js';
import { parseIni } from '../../src/config/ini-file.js';
import { writeTree } from '../project/fixture.js';

describe('config layering', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-cfg-'));
    await writeTree(dir, {
      'etc/scrapy.cfg': '[deploy]\nurl = http://system/\nproject = sys\nusername = sysuser\n',
      'xdg/scrapy.cfg': '[deploy]\nurl = http://xdg/\n[deploy:shared]\nurl = http://shared-xdg/\n',
      'home/.config/scrapy.cfg': '[deploy]\nurl = http://dotconfig/\n',
      'home/.scrapy.cfg': '[deploy:shared]\nproject = fromhome\n',
      'work/scrapy.cfg': '[settings]\ndefault = src/settings.ts\n[deploy]\nproject = closest\n',
      'work/a/b/c/.keep': '',
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('files are read lowest priority first; later files override per key, per section', async () => {
    const env = { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'xdg') };
    const config = await loadConfig({ cwd: join(dir, 'work/a/b/c'), env, systemFile: join(dir, 'etc/scrapy.cfg') });
    assert.deepEqual(config.files, [join(dir, 'etc/scrapy.cfg'), join(dir, 'xdg/scrapy.cfg'), join(dir, 'home/.scrapy.cfg'), join(dir, 'work/scrapy.cfg')]);
    assert.equal(config.get('deploy', 'url'), 'http://xdg/'); // xdg over /etc
    assert.equal(config.get('deploy', 'project'), 'closest'); // closest over all
    assert.equal(config.get('deploy', 'username'), 'sysuser'); // untouched keys survive
    assert.deepEqual(config.items('deploy:shared'), { url: 'http://shared-xdg/', project: 'fromhome' });
    assert.equal(config.origin('deploy', 'url')?.file, join(dir, 'xdg/scrapy.cfg'));
    assert.equal(config.projectFile, join(dir, 'work/scrapy.cfg'));
  });

  test('XDG_CONFIG_HOME defaults to ~/.config', () => {
    const { files } = configSources({ cwd: dir, env: { HOME: join(dir, 'home') }, systemFile: '/nonexistent/scrapy.cfg' });
    assert.equal(files[1], join(dir, 'home/.config/scrapy.cfg'));
  });

  test('outside any project only user files apply', async () => {
    const config = await loadConfig({ cwd: dir, env: { HOME: join(dir, 'home') }, systemFile: join(dir, 'none.cfg') });
    assert.deepEqual(config.files, [join(dir, 'home/.config/scrapy.cfg'), join(dir, 'home/.scrapy.cfg')]);
    assert.equal(config.get('deploy', 'url'), 'http://dotconfig/');
    assert.equal(config.projectFile, undefined);
  });
});

describe('ini parsing (ConfigParser semantics)', () => {
  test('comments, ":" delimiter, case-insensitive keys, # and ; inside values, dotted section names', () => {
    const s = parseIni('# c\n; c\n[deploy:prod.eu]\nURL: http://h/#frag\npassword = a;b#c\nempty =\n', 'x.cfg');
    assert.deepEqual(Object.fromEntries(s.get('deploy:prod.eu')!), { url: 'http://h/#frag', password: 'a;b#c', empty: '' });
    assert.equal(parseIni('[a]\nflag = true\n', 'x').get('a')!.get('flag'), 'true');
  });

  const bad: Array<[string, number, RegExp]> = [
    ['[deploy\nurl = x\n', 1, /malformed section header/],
    ['url = x\n', 1, /before any \[section\]/],
    ['[deploy]\nurl = x\njust words\n', 3, /expected "key = value"/],
    ['[deploy]\n\n[deploy]\n', 3, /appears twice/],
    ['[deploy]\nurl = a\nURL = b\n', 3, /key "url" appears twice/],
    ['[deploy]\nurl = a\n   continued\n', 3, /continuation lines/],
  ];
  for (const [text, line, re] of bad) {
    test(`syntax error at line ${line}: ${re}`, () => {
      assert.throws(
        () => parseIni(text, '/p/scrapy.cfg'),
        (err: unknown) => err instanceof ConfigSyntaxError && err.line === line && err.message.startsWith(`/p/scrapy.cfg:${line}: `) && re.test(err.message),
      );
    });
  }
});

describe('environment expansion', () => {
  test('$VAR and ${VAR} expand; unset stays literal', () => {
    const env = { USER_X: 'bob', PASS: 'p@ss' };
    assert.equal(expandEnv('${USER_X}:$PASS', env), 'bob:p@ss');
    assert.equal(expandEnv('$NOPE and ${NOPE2} and $', env), '$NOPE and ${NOPE2} and $');
    assert.equal(expandEnv('http://h/$USER_X/x', env), 'http://h/bob/x');
  });

  test('config values are expanded at read time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tscrapy-cfg-'));
    try {
      await writeTree(dir, { 'scrapy.cfg': '[deploy]\nurl = http://${HOSTX}:6800/\npassword = $SECRET_X\n' });
      const config = await loadConfig({ cwd: dir, env: { HOME: join(dir, 'h'), HOSTX: 'example.test' }, systemFile: join(dir, 'no') });
      assert.equal(config.get('deploy', 'url'), 'http://example.test:6800/');
      assert.equal(config.get('deploy', 'password'), '$SECRET_X');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
