// Which tscrapy a new project depends on (issue 16, item 1): the running one, through a file:
// path when it did not come from a registry, since `^0.1.0` cannot be installed from anywhere
// else. Real folders laid out as npm leaves them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { VERSION } from '../../src/crawler/settings/defaults.js';
import { runningTscrapyDependency } from '../../src/scaffold/tscrapy-package.js';
import { tscrapyRoot } from '../../src/scaffold/templates.js';

const tmp = mkdtempSync(join(tmpdir(), 'tscrapy-dep-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A global install under `prefix/lib/node_modules/tscrapy`, with npm's record saying where it came from. */
function globalInstall(name: string, resolved: string | undefined): string {
  const lib = join(tmp, name, 'lib');
  const root = join(lib, 'node_modules', 'tscrapy');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'tscrapy', version: VERSION }));
  if (resolved !== undefined) {
    writeFileSync(join(lib, 'node_modules', '.package-lock.json'), JSON.stringify({ packages: { 'node_modules/tscrapy': { version: VERSION, resolved } } }));
  }
  return root;
}

describe('runningTscrapyDependency', () => {
  it('a checkout (this one): a file: path to its folder', () => {
    const dep = runningTscrapyDependency(join(tmp, 'project'));
    // Absolute, or relative to the project when both share a top folder (a clone under /tmp).
    assert.match(dep.spec, /^file:/);
    assert.equal(resolve(join(tmp, 'project'), dep.spec.slice('file:'.length)), tscrapyRoot().replace(/\/$/, ''));
    assert.match(dep.reason, /not a package installed from a registry/);
  });

  it('installed from a tarball that is still there: a file: path to the tarball', () => {
    mkdirSync(join(tmp, 'packs'));
    writeFileSync(join(tmp, 'packs', `tscrapy-${VERSION}.tgz`), 'a tarball');
    const root = globalInstall('from-tgz', `file:../../packs/tscrapy-${VERSION}.tgz`);
    const dep = runningTscrapyDependency(join(tmp, 'project'), root);
    assert.equal(dep.spec, `file:../packs/tscrapy-${VERSION}.tgz`);
    assert.match(dep.reason, /installed from .*tscrapy-.*\.tgz/);
  });

  it('installed from a tarball since deleted, or from an unknown source: a file: path to the installed folder', () => {
    for (const [name, resolved] of [['gone-tgz', 'file:../../nowhere/tscrapy.tgz'], ['no-record', undefined]] as const) {
      const root = globalInstall(name, resolved);
      const dep = runningTscrapyDependency(join(tmp, 'project'), root);
      assert.equal(dep.spec, `file:../${name}/lib/node_modules/tscrapy`);
    }
  });

  it('installed from a registry: ^VERSION', () => {
    const root = globalInstall('registry', `https://registry.example/tscrapy/-/tscrapy-${VERSION}.tgz`);
    assert.deepEqual(runningTscrapyDependency(join(tmp, 'project'), root), { spec: `^${VERSION}`, reason: 'the running tscrapy was installed from the registry' });
  });
});
