#!/usr/bin/env -S node --max-semi-space-size=4
// The flags are CRAWL_PROCESS_FLAGS (src/crawler/heap.ts): V8 reads them only at start-up.
import { execute } from '@oclif/core/execute';

await execute({ dir: import.meta.url });
