#!/usr/bin/env -S node --max-semi-space-size=4
// The flags are CRAWL_PROCESS_FLAGS (src/crawler/heap.ts): V8 reads them only at start-up.

// On import, @oclif/core checks Node against oclif's own engines (>=18) with the whole of semver:
// 47 CommonJS files, a fifth of what a crawl's start-up loads. tscrapy's engines (>=20.19) are
// stricter and npm checks them at install. (Set before the import, which is why it is dynamic.)
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';

const argv = process.argv.slice(2);
const end = argv.indexOf('--');
// `crawl` and `runspider` start from the pre-bundled crawl entry (scripts/bundle.js): one script,
// with V8's code cache, instead of ≈550 modules. Their help (`--help`, or `-h` as in Scrapy:
// package.json's additionalHelpFlags) takes oclif's usual path, as every other command does.
const options = end === -1 ? argv : argv.slice(0, end);
if ((argv[0] === 'crawl' || argv[0] === 'runspider') && !options.includes('--help') && !options.includes('-h')) {
  const { loadCrawlBundle } = await import('../dist/cli/crawl-loader.js');
  await loadCrawlBundle().main(argv, import.meta.url);
} else {
  const { execute } = await import('@oclif/core/execute');
  await execute({ dir: import.meta.url });
}
