#!/usr/bin/env -S node --max-semi-space-size=4
// The flags are CRAWL_PROCESS_FLAGS (src/crawler/heap.ts): V8 reads them only at start-up.

// On import, @oclif/core checks Node against oclif's own engines (>=18) with the whole of semver:
// 47 CommonJS files, a fifth of what a crawl's start-up loads. tscrapy's engines (>=20.19) are
// stricter and npm checks them at install. (Set before the import, which is why it is dynamic.)
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const { execute } = await import('@oclif/core/execute');

await execute({ dir: import.meta.url });
