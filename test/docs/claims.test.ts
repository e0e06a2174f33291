// docs/claims.md names, for each security and reliability claim of the README, the test that
// proves it. This keeps the list from rotting: every file it cites exists, and every test name
// it quotes is in the file cited before it. The README's own "(test/….test.ts)" notes are checked too.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLAIMS = 'docs/claims.md';

/** A path of the repository (test/, bench/ or src/), or a test name in double quotes. */
const PATH = String.raw`(?:test|bench|src)/[\w./-]*\w\.(?:ts|js|md)`;
// A name ends at a quote followed by what may follow a name in the list (",", ";", ")", " (" or
// the cell's end), so names holding quotes themselves (spiders named "." and "..") read whole.
const TOKEN = new RegExp(String.raw`(${PATH})|"(.+?)"(?=[,;)]|\s\(|$)`, 'g');

interface Citation {
  line: number;
  file: string;
  name: string;
}

interface Row {
  line: number;
  claim: string;
  files: string[];
  citations: Citation[];
  /** The row says why no test asserts it (a measurement, or true by construction). */
  untested: boolean;
}

function readRows(): Row[] {
  const rows: Row[] = [];
  readFileSync(join(ROOT, CLAIMS), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const line = i + 1;
      if (!text.startsWith('| ') || /^\|\s*(---|README claim)/.test(text)) return;
      const cells = text.replace(/^\|\s*|\s*\|$/g, '').split(' | ');
      assert.equal(cells.length, 2, `${CLAIMS}:${line}: a row needs 2 cells (a "|" inside a cell?)`);
      const [claim, proof] = cells as [string, string];
      const row: Row = { line, claim, files: [], citations: [], untested: /^(measured|by construction)\b/.test(proof) };
      for (const m of proof.matchAll(TOKEN)) {
        if (m[1]) row.files.push(m[1]);
        else {
          const file = row.files.at(-1);
          assert.ok(file, `${CLAIMS}:${line}: the test name "${m[2]}" comes before any file`);
          row.citations.push({ line, file, name: m[2]! });
        }
      }
      rows.push(row);
    });
  return rows;
}

/**
 * Whether a test file holds a quoted name. A name built in a template literal is quoted with "…"
 * for its interpolated parts (`round …: … crawl`), so each part between them must be in the file.
 */
function holds(source: string, name: string): boolean {
  return name
    .split('…')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .every((part) => source.includes(part));
}

describe(CLAIMS, () => {
  const rows = readRows();

  it('has a row for each claim, each citing a file, and a test name unless it says why not', () => {
    assert.ok(rows.length >= 50, `only ${rows.length} rows read from ${CLAIMS}: is the table format still "| claim | test |"?`);
    for (const row of rows) {
      assert.ok(row.files.length > 0, `${CLAIMS}:${row.line}: no file cited for "${row.claim}"`);
      if (!row.untested) assert.ok(row.citations.length > 0, `${CLAIMS}:${row.line}: no test name quoted for "${row.claim}"`);
    }
  });

  it('cites files that exist', () => {
    const missing = rows.flatMap((row) => row.files.filter((f) => !existsSync(join(ROOT, f))).map((f) => `${CLAIMS}:${row.line}: ${f}`));
    assert.deepEqual(missing, []);
  });

  it('quotes test names that are in the file cited before them', () => {
    const sources = new Map<string, string>();
    const read = (file: string): string => {
      if (!sources.has(file)) sources.set(file, existsSync(join(ROOT, file)) ? readFileSync(join(ROOT, file), 'utf8') : '');
      return sources.get(file)!;
    };
    const missing = rows
      .flatMap((row) => row.citations)
      .filter((c) => !holds(read(c.file), c.name))
      .map((c) => `${CLAIMS}:${c.line}: "${c.name}" is not in ${c.file}`);
    assert.deepEqual(missing, []);
  });

  it('has no claim marked as missing from the README', () => {
    const marked = rows.filter((row) => row.claim.includes('not yet in the README')).map((row) => `${CLAIMS}:${row.line}: ${row.claim}`);
    assert.deepEqual(marked, []);
  });
});

describe('README.md', () => {
  it('names test files that exist, and links docs/claims.md', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // Cited beside a claim: "(test/….test.ts)", "(…; test/….test.ts)" or "`test/….test.ts`"; a project's
    // own files in the layout examples are not.
    const named = [...readme.matchAll(/(?:\(|`|, |; )(test\/[\w./-]*\.test\.ts)\b/g)].map((m) => m[1]!);
    assert.ok(named.length > 0, 'README.md names no test file');
    assert.deepEqual(named.filter((f) => !existsSync(join(ROOT, f))), []);
    assert.ok(readme.includes('(docs/claims.md)'), 'README.md does not link docs/claims.md');
  });
});
