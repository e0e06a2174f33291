// Each entry point of package.json `exports` exports exactly the names README.md lists for it
// (section "Entry points"): the README's lists are the one place the public API is written down,
// so a name added to an entry without documenting it, or documented but missing, fails here.
// Names are read with the TypeScript compiler, so type-only exports count too. Every exported
// name also carries TSDoc where it is declared.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { types: string; default: string }> };

/** Entry (`tscrapy`, `tscrapy/server`…) → its source file. */
const ENTRIES: Record<string, string> = {
  tscrapy: 'src/index.ts',
  'tscrapy/server': 'src/server/index.ts',
  'tscrapy/deploy': 'src/deploy/index.ts',
  'tscrapy/config': 'src/config/index.ts',
};

/** The names README.md lists for `entry`: the `text` block after `<!-- api: ENTRY -->`, `Group: a, b, c` lines. */
function documented(entry: string): string[] {
  const marker = `<!-- api: ${entry} -->`;
  const at = README.indexOf(marker);
  assert.ok(at >= 0, `README.md has no ${marker}`);
  const m = /^\s*```text\n([\s\S]*?)\n```/.exec(README.slice(at + marker.length));
  assert.ok(m, `${marker} is not followed by a text block`);
  return m[1]!.split('\n').flatMap((line) => line.replace(/^[^:]+:/, '').split(',')).map((n) => n.trim()).filter(Boolean);
}

const program = ts.createProgram(Object.values(ENTRIES).map((f) => join(ROOT, f)), { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true });
const checker = program.getTypeChecker();

function exportsOf(file: string): ts.Symbol[] {
  const source = program.getSourceFile(join(ROOT, file));
  assert.ok(source, file);
  return checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
}

describe('entry points', () => {
  it('package.json exports each entry, with types and a default', () => {
    for (const [entry, file] of Object.entries(ENTRIES)) {
      const sub = entry === 'tscrapy' ? '.' : `./${entry.slice('tscrapy/'.length)}`;
      const target = file.replace(/^src\//, './dist/').replace(/\.ts$/, '');
      assert.deepEqual(pkg.exports[sub], { types: `${target}.d.ts`, default: `${target}.js` }, sub);
    }
  });

  for (const [entry, file] of Object.entries(ENTRIES)) {
    it(`${entry} exports exactly the names README.md lists for it`, () => {
      const actual = exportsOf(file).map((s) => s.name).sort();
      const listed = documented(entry);
      assert.equal(new Set(listed).size, listed.length, `${entry}: a name is listed twice`);
      assert.deepEqual({ missing: listed.filter((n) => !actual.includes(n)), undocumented: actual.filter((n) => !listed.includes(n)) }, { missing: [], undocumented: [] });
    });

    it(`${entry}: every exported name has TSDoc`, () => {
      const bare = exportsOf(file).filter((s) => {
        const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
        return (target.getDocumentationComment(checker).length === 0 && !(target.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0));
      });
      assert.deepEqual(bare.map((s) => s.name), []);
    });
  }
});
