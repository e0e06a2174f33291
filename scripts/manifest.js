#!/usr/bin/env node
// Writes oclif.manifest.json (every command's id, flags, args, summary and examples) after the
// build, with @oclif/core's own Plugin loader: `tscrapy --help` and `tscrapy crawl --help` then
// read this file instead of importing every command module. The `oclif` dev package would do
// the same but pulls in AWS SDKs. Run by `npm run build`; the file is generated, not committed.
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { writeFileAtomicSync } from '../dist/util/atomic-file.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
await plugin.load();
const file = fileURLToPath(new URL('../oclif.manifest.json', import.meta.url));
// Renamed into place: a command starting during a rebuild reads the old manifest or the new one.
writeFileAtomicSync(file, JSON.stringify(plugin.manifest, null, 2) + '\n');
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
