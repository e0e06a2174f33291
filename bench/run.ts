// `npm run bench [-- NAME…]`: runs the benchmarks one after another, each in its own process
// (so one's heap and caches do not colour the next), and prints their figures. With names,
// runs only those: `npm run bench -- crawl fetch`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Bench {
  name: string;
  file: string;
  args: string[];
  what: string;
}

const BENCHES: Bench[] = [
  { name: 'crawl', file: 'crawl.ts', args: ['20000'], what: 'full crawl of a 20,000-product shop vs the raw fetch and parse limits (issue 2)' },
  { name: 'fetch', file: 'fetch.ts', args: ['5000', '64'], what: 'HttpDownloader vs raw undici' },
  { name: 'parse', file: 'parse.ts', args: [], what: 'parse5 + css-select extraction vs htmlparser2' },
  { name: 'threads', file: 'threads.ts', args: ['5000', '2'], what: 'crawl pages/s and CPU per page with 0, 1, 2, … parse threads; RSS per thread (issue 20)' },
  { name: 'xpath', file: 'xpath.ts', args: [], what: 'XPath vs CSS extraction on the catalogue site (issue 15)' },
  { name: 'cli-help', file: 'cli-help.ts', args: [], what: '`tscrapy --help` start-up time (issue 3)' },
  { name: 'startup', file: 'startup.ts', args: [], what: '`tscrapy runspider` of a cached spider to its first request (issue 20)' },
  { name: 'jobdir', file: 'jobdir.ts', args: [], what: 'disk frontier of 1,000,000 requests; crawl with and without JOBDIR (issue 4)' },
  { name: 'bundle', file: 'bundle.ts', args: [], what: 'deploy bundle build time (issue 6)' },
  { name: 'server', file: 'server.ts', args: [], what: 'schedule.json latency, schedule → running, listjobs with 10,000 jobs (issue 7)' },
  { name: 'redis', file: 'redis.ts', args: [], what: 'scaling with 1, 2 and 4 workers through Redis (issue 8)' },
  { name: 'media-images', file: 'media-images.ts', args: ['1000'], what: 'ImagesPipeline peak RSS for 1,000 images of 200 KB (issue 17, target < 250 MB)' },
];

const only = process.argv.slice(2);
const unknown = only.filter((n) => !BENCHES.some((b) => b.name === n));
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; choose from ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const b of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
  const file = fileURLToPath(new URL(`./${b.file}`, import.meta.url));
  if (!existsSync(file)) continue;
  console.log(`\n=== ${b.name}: ${b.what}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...b.args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${b.name} failed (exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
