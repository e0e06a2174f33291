/**
 * Time to build a small project like the `new` template into a deploy bundle (target < 1 s),
 * cold (cache removed) and warm (content-hash cache hit), and to pack the archive. Baseline in
 * the same run: esbuild bundling one trivial file, i.e. the floor any build pays.
 *
 *   node --import tsx bench/bundle.ts
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildDeployBundle } from '../src/deploy/bundle.js';
import { buildProject } from '../src/project/build.js';
import { findProject } from '../src/project/project.js';
import { makeProject } from '../test/project/fixture.js';

const RUNS = 7;

const extra: Record<string, string> = {
  'src/items.ts': 'export interface Product { name: string; price: number; url: string }\n',
  'src/middlewares.ts': "export class UserAgentMiddleware {\n  processRequest(r: { headers: Map<string, string> }) { r.headers.set('user-agent', 'bench'); }\n}\n",
  'src/spiders/products.ts':
    "import { Spider, type Response } from 'tscrapy';\nexport class ProductsSpider extends Spider {\n  override name = 'products';\n  override startUrls = ['http://127.0.0.1/'];\n  override *parse(response: Response) { yield { url: response.url }; }\n}\n",
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const root = await makeProject('', extra);
const scratch = await mkdtemp(join(tmpdir(), 'tscrapy-bench-'));
try {
  const info = (await findProject(root, { env: { HOME: scratch }, systemFile: join(scratch, 'none') }))!;
  const trivial = join(scratch, 'one.js');
  await (await import('node:fs/promises')).writeFile(trivial, 'export const x = 1;\n');
  await buildProject(info, { cache: false }); // warm up esbuild's service
  const baseline: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    baseline.push(await time(() => build({ entryPoints: [trivial], bundle: true, write: false, platform: 'node', format: 'esm' })));
    await rm(join(root, '.tscrapy'), { recursive: true, force: true });
    cold.push(await time(() => buildProject(info)));
    warm.push(await time(() => buildProject(info)));
    await rm(join(root, '.tscrapy'), { recursive: true, force: true });
    full.push(await time(() => buildDeployBundle(info, { project: 'bench', version: `v${i}`, env: {} })));
  }
  const size = (await readFile((await buildProject(info)).bundleFile)).length;
  const b = median(baseline);
  const row = (label: string, xs: number[]) => console.log(`${label.padEnd(44)} ${median(xs).toFixed(1).padStart(8)} ms  ${(median(xs) / b).toFixed(1).padStart(6)}× baseline`);
  console.log(`bundle build, template-like project (${size} bytes of output), median of ${RUNS}`);
  row('baseline: esbuild, one trivial file', baseline);
  row('buildProject, cold (no cache)', cold);
  row('buildProject, warm (cache hit)', warm);
  row('deploy bundle: cold build + load + tar.gz', full);
  console.log(median(full) < 1000 ? 'OK: under the 1 s target' : 'OVER the 1 s target');
} finally {
  await rm(root, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
}
