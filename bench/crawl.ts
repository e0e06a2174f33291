// The crawl benchmark of issue 2: a shop of 20,000 products on 127.0.0.1 (served by a child
// process), crawled with CONCURRENT_REQUESTS=64 and a JSONL feed, against the two raw limits
// measured in the same run on the same pages: fetching them with undici and no parsing, and
// parsing + extracting them with the Selector API and no network (one core). Each runs in a
// fresh process, so that one's heap does not slow down or inflate another; the crawl runs as
// `tscrapy crawl` runs it (CRAWL_PROCESS_FLAGS, HEAP_GROWING_PERCENT=30, parse threads), then
// without parse threads, then with V8's defaults.
//
//   node --import tsx bench/crawl.ts [products=20000]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CRAWL_PROCESS_FLAGS } from '../src/crawler/heap.js';
import { startCatalogueSiteProcess } from '../src/demo/site-process.js';

export interface CrawlBenchResult {
  /** Which configuration: as `tscrapy crawl` runs it, without parse threads, or with V8's defaults. */
  label: string;
  /** HEAP_GROWING_PERCENT of the crawl (30: what `tscrapy crawl` uses; 0: V8's default). */
  heapGrowingPercent: number;
  /** Node flags the crawl process started with. */
  nodeFlags: string[];
  /** PARSE_THREADS of the crawl. */
  parseThreads: string;
  /** Pages parsed on a parse thread. */
  parsedOnThreads: number;
  products: number;
  pages: number;
  items: number;
  seconds: number;
  pagesPerSecond: number;
  itemsPerSecond: number;
  peakRssMb: number;
  rawFetchPerSecond: number;
  rawParsePerSecond: number;
  /** pages/s of the crawl divided by the smaller raw limit. */
  ratioToLimit: number;
}

const child = fileURLToPath(new URL('./crawl-child.mjs', import.meta.url));

function run(mode: string, origin: string, products: number, heap = 30, flags: readonly string[] = [], threads = 'auto'): Record<string, number> {
  const r = spawnSync(process.execPath, [...flags, child, mode, origin, String(products), String(heap), threads], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 30 * 60_000,
  });
  if (r.status !== 0) throw new Error(`bench ${mode} failed with exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

export async function benchCrawl(products = 20_000): Promise<CrawlBenchResult[]> {
  const site = await startCatalogueSiteProcess({ products });
  try {
    // The raw limits run with V8's defaults: they are what the machine can do at best.
    const fetch = run('fetch', site.origin, products, 0);
    const parse = run('parse', site.origin, products, 0);
    const limit = Math.min(fetch.perSecond!, parse.perSecond!);
    const configs = [
      { label: 'as `tscrapy crawl` runs it', heap: 30, flags: CRAWL_PROCESS_FLAGS, threads: 'auto' },
      { label: 'the same, PARSE_THREADS=0', heap: 30, flags: CRAWL_PROCESS_FLAGS, threads: '0' },
      { label: "V8's defaults (no flags, HEAP_GROWING_PERCENT=0)", heap: 0, flags: [], threads: 'auto' },
    ];
    return configs.map(({ label, heap, flags, threads }) => {
      const crawl = run('crawl', site.origin, products, heap, flags, threads);
      return {
        label,
        heapGrowingPercent: heap,
        nodeFlags: [...flags],
        parseThreads: threads,
        parsedOnThreads: crawl.parsedOnThreads!,
        products,
        pages: crawl.pages!,
        items: crawl.items!,
        seconds: crawl.seconds!,
        pagesPerSecond: crawl.pages! / crawl.seconds!,
        itemsPerSecond: crawl.items! / crawl.seconds!,
        peakRssMb: crawl.peakRssMb!,
        rawFetchPerSecond: fetch.perSecond!,
        rawParsePerSecond: parse.perSecond!,
        ratioToLimit: crawl.pages! / crawl.seconds! / limit,
      };
    });
  } finally {
    await site.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await benchCrawl(Number(process.argv[2] ?? 20_000));
  console.log(JSON.stringify(results, null, 2));
}
