/**
 * The library's API (`tscrapy`) as the pre-bundled crawl entry exports it: in a process started
 * through {@link ./crawl-main.ts}, spider bundles import `tscrapy` from here, so that they get the
 * classes the running command uses (`instanceof Request`, the Spider base class) rather than a
 * second copy from dist/index.js.
 */
export * from '../index.js';
