// The crawl benchmark of issue 2: a shop of 20,000 products on 127.0.0.1 (served by a child
// process), crawled with CONCURRENT_REQUESTS=64 and a JSONL feed, against the two raw limits
// measured in the same run on the same pages: fetching them with undici and no parsing, and
// parsing + extracting them with the Selector API and no network (one core). Each runs in a
// fresh process, so that one's heap does not slow down or inflate another; the crawl runs as
// `tscrapy crawl` runs it (CRAWL_PROCESS_FLAGS, HEAP_GROWING_PERCENT=30, parse threads), then
// without parse threads, then with V8's defaults, then the same spider through the CLI itself
// (`tscrapy runspider`, with everything the CLI loads). Peak RSS is the kernel's high-water mark
// of each process (VmHWM), read while it runs.
//
//   node --import tsx bench/crawl.ts [products=20000]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRAWL_PROCESS_FLAGS } from '../src/crawler/heap.js';
import { startCatalogueSiteProcess } from '../src/demo/site-process.js';
import { catalogueRunspiderArgs, lastJsonLine, measurePeak } from './measure.js';

export interface CrawlBenchResult {
  /** Which configuration: as `tscrapy crawl` runs it, without parse threads, with V8's defaults, or through the CLI. */
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
  /** MiB: the process's VmHWM. */
  peakRssMb: number;
  rawFetchPerSecond: number;
  rawParsePerSecond: number;
  /** pages/s of the crawl divided by the smaller raw limit. */
  ratioToLimit: number;
}

const child = fileURLToPath(new URL('./crawl-child.mjs', import.meta.url));

async function run(mode: string, origin: string, products: number, heap = 30, flags: readonly string[] = [], threads = 'auto'): Promise<Record<string, number>> {
  const { stdout, peakRssMb } = await measurePeak(process.execPath, [...flags, child, mode, origin, String(products), String(heap), threads]);
  return { ...lastJsonLine(stdout), peakRssMb };
}

/** The same crawl through `tscrapy runspider`, as a user runs it (the bin's flags, its defaults). */
async function runCli(origin: string): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-cli-'));
  try {
    const statsFile = join(dir, 'stats.json');
    const { peakRssMb } = await measurePeak(process.execPath, catalogueRunspiderArgs({ origin, concurrency: 64, itemsFile: join(dir, 'items.jsonl'), statsFile }));
    const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as Record<string, number>;
    return {
      pages: stats.response_received_count!,
      items: stats.item_scraped_count!,
      seconds: stats.elapsed_time_seconds!,
      parsedOnThreads: stats['parse/thread_count'] ?? 0,
      peakRssMb,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCrawl(products = 20_000): Promise<CrawlBenchResult[]> {
  const site = await startCatalogueSiteProcess({ products });
  try {
    // The raw limits run with V8's defaults: they are what the machine can do at best.
    const fetch = await run('fetch', site.origin, products, 0);
    const parse = await run('parse', site.origin, products, 0);
    const limit = Math.min(fetch.perSecond!, parse.perSecond!);
    const configs = [
      { label: '`tscrapy runspider` (the CLI)', heap: 30, flags: CRAWL_PROCESS_FLAGS, threads: 'auto', cli: true },
      { label: 'the library, as `tscrapy crawl` runs it', heap: 30, flags: CRAWL_PROCESS_FLAGS, threads: 'auto' },
      { label: 'the same, PARSE_THREADS=0', heap: 30, flags: CRAWL_PROCESS_FLAGS, threads: '0' },
      { label: "V8's defaults (no flags, HEAP_GROWING_PERCENT=0)", heap: 0, flags: [], threads: 'auto' },
    ];
    // A first crawl, not reported: the site serves every crawl after it warm (its code
    // optimised, its heap grown), which otherwise handicapped whichever configuration came first.
    await run('crawl', site.origin, products, 30, CRAWL_PROCESS_FLAGS);
    const results: CrawlBenchResult[] = [];
    for (const { label, heap, flags, threads, cli } of configs) {
      const crawl = cli ? await runCli(site.origin) : await run('crawl', site.origin, products, heap, flags, threads);
      results.push({
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
      });
    }
    return results;
  } finally {
    await site.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await benchCrawl(Number(process.argv[2] ?? 20_000));
  console.log(JSON.stringify(results, null, 2));
}
