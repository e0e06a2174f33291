import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as pkg from '../../src/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GUIDE = join(ROOT, 'docs/migrating-from-scrapy.md');
const HEADER = '| Scrapy | tscrapy | Available | Notes |';

/** One name of the tscrapy column, as the guide's "How to read the table" explains it. */
type Name =
  | { kind: 'type'; root: string }
  | { kind: 'setting'; root: string }
  | { kind: 'value'; root: string }
  | { kind: 'static' | 'instance'; root: string; member: string; hook: boolean }
  | { kind: 'option'; root: string; member: string | null; option: string };

interface Row {
  line: number;
  scrapy: string;
  available: boolean;
  names: Array<{ text: string; name: Name }>;
}

function parseName(text: string): Name | null {
  let m: RegExpExecArray | null;
  if ((m = /^type ([A-Z]\w*)$/.exec(text))) return { kind: 'type', root: m[1]! };
  if (/^[A-Z][A-Z0-9_]{2,}$/.test(text)) return { kind: 'setting', root: text };
  if (/^[A-Za-z]\w*$/.test(text)) return { kind: 'value', root: text };
  if ((m = /^([A-Z]\w*)([.#])(\w+)(\?)?$/.exec(text))) return { kind: m[2] === '.' ? 'static' : 'instance', root: m[1]!, member: m[3]!, hook: m[4] === '?' };
  if ((m = /^([A-Z]\w*)(?:\.(\w+))?\(\{ (\w+) \}\)$/.exec(text))) return { kind: 'option', root: m[1]!, member: m[2] ?? null, option: m[3]! };
  return null;
}

/** The rows of every table with the Scrapy → tscrapy header. */
function readTable(): Row[] {
  const lines = readFileSync(GUIDE, 'utf8').split('\n');
  const rows: Row[] = [];
  let inTable = false;
  lines.forEach((line, i) => {
    if (line.trim() === HEADER) return void (inTable = true);
    if (!inTable) return;
    if (!line.startsWith('|')) return void (inTable = false);
    if (/^\|\s*---/.test(line)) return;
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
    assert.equal(cells.length, 4, `${GUIDE}:${i + 1}: a row needs 4 cells (a "|" inside a cell?)`);
    const [scrapy, tscrapy, available] = cells as [string, string, string];
    assert.ok(available === 'yes' || available === 'pending', `${GUIDE}:${i + 1}: Available must be "yes" or "pending", got "${available}"`);
    const names = [...tscrapy.matchAll(/`([^`]+)`/g)].map((m) => {
      const name = parseName(m[1]!);
      assert.ok(name, `${GUIDE}:${i + 1}: cannot read \`${m[1]}\` (see "How to read the table")`);
      return { text: m[1]!, name };
    });
    assert.ok(names.length > 0, `${GUIDE}:${i + 1}: no tscrapy name in "${tscrapy}"`);
    rows.push({ line: i + 1, scrapy, available: available === 'yes', names });
  });
  return rows;
}

/** A TypeScript line that compiles only if the name exists as the table says. */
function typeCheckLine(name: Name, i: number): string {
  switch (name.kind) {
    case 'type':
      return `export type T${i} = P.${name.root};`;
    case 'setting':
      return `export const v${i} = P.DEFAULTS.${name.root};`;
    case 'value':
      return `export const v${i} = P.${name.root};`;
    case 'static':
      return `export const v${i} = P.${name.root}.${name.member};`;
    case 'instance':
      return `export const v${i} = (x: P.${name.root}) => x.${name.member};`;
    case 'option': {
      const fn = name.member ? `typeof P.${name.root}.${name.member}` : `typeof P.${name.root}`;
      const params = name.member ? `Parameters<${fn}>` : `ConstructorParameters<${fn}>`;
      return `export const v${i}: OptionKeys<${params}[number]> = '${name.option}';`;
    }
  }
}

const rows = readTable();
const available = rows.filter((r) => r.available);
const pending = rows.filter((r) => !r.available);

describe(`docs/migrating-from-scrapy.md (${available.length} rows checked, ${pending.length} pending)`, { timeout: 120_000 }, () => {
  it('has the tables, and README links to the guide', () => {
    assert.ok(rows.length > 80, `${rows.length} rows`);
    assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /\]\(docs\/migrating-from-scrapy\.md\)/);
  });

  it('every name of an available row is exported by the package (values at run time)', (t) => {
    const missing: string[] = [];
    for (const row of available) {
      for (const { text, name } of row.names) {
        if (name.kind === 'type') continue;
        const ok = name.kind === 'setting' ? name.root in pkg.DEFAULTS : name.root in pkg;
        if (!ok) missing.push(`line ${row.line}: \`${text}\` (${name.root} is not exported)`);
        if (ok && name.kind === 'static' && !name.hook && !(name.member in (pkg as Record<string, any>)[name.root])) {
          missing.push(`line ${row.line}: \`${text}\` (${name.root} has no static ${name.member})`);
        }
      }
    }
    for (const row of pending) t.diagnostic(`pending (line ${row.line}): ${row.names.map((n) => n.text).join(', ')}`);
    assert.deepEqual(missing, []);
  });

  it('every member, option and type of an available row type-checks against the package', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tscrapy-guide-'));
    try {
      // .mts: an ES module wherever the temp folder is.
      const file = join(dir, 'names.mts');
      const where: string[] = [];
      const lines = [`import * as P from ${JSON.stringify(join(ROOT, 'src/index.js'))};`, 'type OptionKeys<T> = T extends object ? Extract<keyof T, string> : never;'];
      for (const row of available) {
        for (const { text, name } of row.names) {
          where[lines.length] = `line ${row.line}: \`${text}\``;
          lines.push(typeCheckLine(name, lines.length));
        }
      }
      writeFileSync(file, lines.join('\n') + '\n');
      const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
      const parsed = ts.parseJsonConfigFileContent({ ...config.config, include: [] }, ts.sys, ROOT);
      const program = ts.createProgram([file], { ...parsed.options, noEmit: true, rootDir: undefined });
      const source = program.getSourceFile(file)!;
      const problems = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
        const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${where[line] ?? `generated line ${line}`}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
      assert.deepEqual(problems, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the example spider of docs/migrating-from-scrapy.md', { timeout: 60_000 }, () => {
  const QUOTES = `<html><body>
<div class="quote"><span class="text"> “A” </span><small class="author">Ann</small><a class="tag">x</a><a class="tag">y</a></div>
<div class="quote"><span class="text">“B”</span><small class="author">Bob</small></div>
<ul class="pager"><li class="next"><a href="/page/2/">Next</a></li></ul></body></html>`;
  const PAGE2 = `<html><body><div class="quote"><span class="text">“C”</span><small class="author">Cy</small><a class="tag">z</a></div></body></html>`;

  it('runs and gives Scrapy’s items on a local copy of the page', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(req.url === '/page/2/' ? PAGE2 : QUOTES);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'tscrapy-guide-example-'));
    try {
      const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(GUIDE, 'utf8'))![1]!;
      const file = join(dir, 'quotes.mts');
      writeFileSync(file, code.replace(`from 'tscrapy'`, `from ${JSON.stringify(join(ROOT, 'src/index.js'))}`));
      const { default: QuotesSpider } = (await import(file)) as { default: pkg.SpiderClass };
      const port = (server.address() as { port: number }).port;
      const { items, reason } = await pkg.crawl(QuotesSpider, {
        args: { startUrls: [`http://127.0.0.1:${port}/`] },
        settings: { LOG_LEVEL: 'ERROR', LOGSTATS_INTERVAL: 0, STATS_DUMP: false },
        logSink: new pkg.MemorySink(),
      });
      assert.equal(reason, 'finished');
      assert.deepEqual(items.map((i) => JSON.parse(JSON.stringify(i))), [
        { text: '“A”', author: 'Ann', tags: ['x', 'y'] },
        { text: '“B”', author: 'Bob' },
        { text: '“C”', author: 'Cy', tags: ['z'] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await new Promise((r) => server.close(r));
    }
  });
});
