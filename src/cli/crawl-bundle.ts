/**
 * What the pre-bundled crawl entry, dist/bundled/crawl.cjs (scripts/bundle.js), holds: the
 * `crawl` and `runspider` commands and the library's API (`tscrapy`) in one script, so that the
 * spiders a crawl loads get the classes the running command uses (`instanceof Request`, the Spider
 * base class) rather than a second copy from dist/index.js. src/cli/crawl-loader.ts runs it.
 */
export * as api from '../index.js';
export { main } from './crawl-main.js';
export { whenCrawlUnderWay } from './crawl-under-way.js';
