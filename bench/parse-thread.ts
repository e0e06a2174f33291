// Issue 20: what a parse thread spends per product page of the demo shop, without the thread
// around it: decode the body, parse it into tree-codec's encoding (parseHtmlEncoded) and
// serialise the message as postMessage does (V8's serializer). Pages are the shop's product
// pages (catalogueHandler, 5,000 products), rendered once in memory.
//
// Name the parse entry to measure (a tree's flat-tree-builder.ts). Several entries run in one
// process, rounds alternating; but parse5's code shared by two trees with different tokenizers
// gets slower for both (polymorphic), so compare trees in separate runs, alternating:
//
//   node --import tsx bench/parse-thread.ts [--pages 300] [--rounds 6] [--only N] [entry.ts …]
//
// `--only N` runs one warm-up pass over the pages and then N pages of the first entry and
// nothing else, with callgrind's instrumentation on for those N pages only: run it as
// `valgrind --tool=callgrind --instr-atstart=no node --single-threaded --import tsx
// bench/parse-thread.ts --only 300 entry.ts` and divide the instructions by N (start-up and
// warm-up, whose cost moves from run to run with tsx's cache and the compiler, are left out;
// outside callgrind the toggles do nothing).
// Without `--only`, it prints CPU µs per page (process.cpuUsage, this thread only runs).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { decodeBody } from '../src/crawler/http/encoding.js';
import { catalogueHandler } from '../src/demo/catalogue-site.js';
import type { EncodedTree } from '../src/selector/tree-codec.js';

type Entry = { label: string; parse: (text: string) => EncodedTree };

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  if (i === -1) return fallback;
  const [v] = args.splice(i, 2).slice(1);
  return Number(v);
};
const pageCount = option('--pages', 300);
const rounds = option('--rounds', 6);
const only = option('--only', -1);
const entryPaths = args.length > 0 ? args : ['src/selector/flat-tree-builder.ts'];

/** The shop's product pages as the crawl receives them (identity encoding). */
function productPages(n: number): Buffer[] {
  const handler = catalogueHandler({ products: 5000 });
  const pages: Buffer[] = [];
  for (let id = 1; pages.length < n; id++) {
    let status = 0;
    let body: Buffer = Buffer.alloc(0);
    const res = {
      writeHead(s: number) {
        status = s;
      },
      end(b: string | Buffer) {
        body = typeof b === 'string' ? Buffer.from(b) : b;
      },
    };
    handler({ headers: {} } as never, res as never, `/product/${id}`);
    if (status === 200) pages.push(body);
  }
  return pages;
}

/** One page of a parse thread's work; returns the message size so that nothing is optimised away. */
function work(entry: Entry, body: Buffer, id: number): number {
  const tree = entry.parse(decodeBody(body, 'utf-8'));
  return serialize({ id, tree }).length;
}

const entries: Entry[] = [];
for (const p of entryPaths) {
  const mod = (await import(pathToFileURL(resolve(p)).href)) as { parseHtmlEncoded: Entry['parse'] };
  entries.push({ label: p, parse: mod.parseHtmlEncoded });
}
const pages = productPages(pageCount);
let sink = 0;
for (const e of entries) for (let i = 0; i < pages.length; i++) sink += work(e, pages[i]!, i);

if (only >= 0) {
  const callgrind = (on: boolean) => execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(process.pid)], { stdio: 'ignore' });
  callgrind(true);
  for (let i = 0; i < only; i++) sink += work(entries[0]!, pages[i % pages.length]!, i);
  callgrind(false);
} else {
  const cpu = entries.map(() => 0);
  const done = entries.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    // Alternate the order too, so that neither tree always runs right after the other's garbage.
    const order = r % 2 === 0 ? entries.map((_, i) => i) : entries.map((_, i) => entries.length - 1 - i);
    for (const k of order) {
      const t0 = process.cpuUsage();
      for (let i = 0; i < pages.length; i++) sink += work(entries[k]!, pages[i]!, i);
      const t = process.cpuUsage(t0);
      cpu[k]! += t.user + t.system;
      done[k]! += pages.length;
    }
  }
  const bytes = pages.reduce((n, p) => n + p.length, 0) / pages.length;
  console.log(`${pages.length} product pages, ${Math.round(bytes)} bytes each on average, ${rounds} rounds`);
  entries.forEach((e, k) => console.log(`${e.label}: ${(cpu[k]! / done[k]!).toFixed(1)} µs CPU per page`));
}
if (sink < 0) console.log(sink);
